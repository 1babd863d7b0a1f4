import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { reclaimSandboxes, startTimeOf, writeProcessRecord } from "./sandbox-process.ts";

const base = mkdtempSync(join(tmpdir(), "foundry-reclaim-"));
const spawned: number[] = [];
afterAll(() => {
	for (const pid of spawned) {
		try {
			process.kill(-pid, "SIGKILL");
		} catch {
			// gone already (what the tests expect)
		}
	}
	rmSync(base, { recursive: true, force: true });
});

const log = pino({ level: "silent" });

/** A stand-in for a sandbox server left by a crashed run: its own process group, like the real one. */
function leftover(root: string): { pid: number; exited: Promise<NodeJS.Signals | null> } {
	mkdirSync(root, { recursive: true });
	const child = spawn("sleep", ["600"], { detached: true, stdio: "ignore" });
	child.unref();
	if (!child.pid) throw new Error("sleep did not start");
	spawned.push(child.pid);
	// How it ended, from the child itself (no polling of /proc).
	const exited = once(child, "exit").then(([, signal]) => signal as NodeJS.Signals | null);
	return { pid: child.pid, exited };
}

describe("reclaimSandboxes", () => {
	it("stops a previous run's server (pid + start time), removes its directory and names its owner", async () => {
		const dir = join(base, "a");
		const { pid, exited } = leftover(join(dir, "acme-t1-x"));
		writeProcessRecord(join(dir, "acme-t1-x"), { pid, baseUrl: "http://127.0.0.1:1", dataDir: "/data", orgId: "acme", taskId: "t1" });
		mkdirSync(join(dir, "catalog-y")); // no record (the agent catalog's, or a crashed create)
		const out = reclaimSandboxes(dir, "/data", log);
		expect(out).toEqual({ owners: [{ orgId: "acme", taskId: "t1", pid }], killed: 1, removed: 2 });
		expect(await exited).toBe("SIGKILL");
		expect(existsSync(join(dir, "acme-t1-x"))).toBe(false);
		expect(existsSync(join(dir, "catalog-y"))).toBe(false);
	});

	it("never signals a pid that was recycled (its start time differs) nor another data dir's sandbox", async () => {
		const dir = join(base, "b");
		const { pid: recycled } = leftover(join(dir, "acme-t2-x"));
		writeFileSync(join(dir, "acme-t2-x", "sandbox.json"), JSON.stringify({ pid: recycled, startTime: "1", baseUrl: "", dataDir: "/data", orgId: "acme", taskId: "t2" }));
		const { pid: foreign } = leftover(join(dir, "acme-t3-x"));
		writeProcessRecord(join(dir, "acme-t3-x"), { pid: foreign, baseUrl: "", dataDir: "/other", orgId: "acme", taskId: "t3" });
		const out = reclaimSandboxes(dir, "/data", log);
		expect(out).toEqual({ owners: [{ orgId: "acme", taskId: "t2", pid: recycled }], killed: 0, removed: 1 });
		expect(startTimeOf(recycled)).not.toBeNull();
		expect(startTimeOf(foreign)).not.toBeNull();
		expect(existsSync(join(dir, "acme-t3-x", "sandbox.json"))).toBe(true);
	});

	it("finds nothing in a directory that does not exist yet", () => {
		expect(reclaimSandboxes(join(base, "none"), "/data", log)).toEqual({ owners: [], killed: 0, removed: 0 });
	});
});
