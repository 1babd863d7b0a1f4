// Picking a session by default, permission replies, and usage errors that end a command before any
// request (exit 2).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Session } from "@foundry/client";
import { afterAll, describe, expect, it } from "vitest";
import { run, USAGE } from "./main.ts";
import { defaultSession, permissionReply } from "./session-commands.ts";

const session = (id: string, status: Session["status"], updatedAt: number): Session => ({
	id, taskId: "t_aaaaaaaaaa", name: id, agent: "pi", model: null, status, error: null, createdBy: "u", createdAt: 0, updatedAt, version: 1,
});

describe("defaultSession", () => {
	const sessions = [session("old", "idle", 1), session("new", "ready", 3), session("busy", "running", 2), session("failed", "error", 9), session("gone", "closed", 8)];

	it("is the most recently updated session that is neither closed nor failed", () => {
		expect(defaultSession(sessions)?.id).toBe("new");
		expect(defaultSession([session("a", "closed", 1), session("b", "error", 2)])).toBeNull();
		expect(defaultSession([])).toBeNull();
	});

	it("prefers the given statuses in order", () => {
		expect(defaultSession(sessions, ["needs_input", "running"])?.id).toBe("busy");
		expect(defaultSession(sessions, ["needs_input"])?.id).toBe("new");
	});

	it("can leave failed sessions in (watch reports them)", () => {
		expect(defaultSession(sessions, ["running"], ["closed"])?.id).toBe("busy");
		expect(defaultSession(sessions, [], ["closed"])?.id).toBe("failed");
	});
});

describe("permissionReply", () => {
	it("is once unless --always or --reject, never both", () => {
		expect(permissionReply({})).toBe("once");
		expect(permissionReply({ always: true })).toBe("always");
		expect(permissionReply({ reject: true })).toBe("reject");
		expect(() => permissionReply({ always: true, reject: true })).toThrow(/exclude each other/);
	});
});

describe("usage errors", () => {
	const config = mkdtempSync(join(tmpdir(), "foundry-cli-"));
	afterAll(() => rmSync(config, { recursive: true, force: true }));

	async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
		let out = "";
		let err = "";
		const io = { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) }, env: { XDG_CONFIG_HOME: config, FOUNDRY_TOKEN: "fdy_test", FOUNDRY_ENDPOINT: "http://127.0.0.1:9" } };
		const code = await run(argv, io);
		return { code, out, err };
	}

	it("exit 2 with a clear message, before any request", async () => {
		const cases: Array<[string[], RegExp]> = [
			[["task", "session", "new"], /missing task id/],
			[["task", "sessions"], /missing task id/],
			[["task", "send", "t_aaaaaaaaaa"], /missing message text/],
			[["task", "send", "t_aaaaaaaaaa", "hi", "--session", "nope"], /--session: not a session id: 'nope'/],
			[["task", "watch", "t_aaaaaaaaaa", "--session", "s_1"], /--session: not a session id/],
			[["task", "watch"], /missing task id/],
			[["task", "allow", "t_aaaaaaaaaa"], /missing permission request id/],
			[["task", "allow", "t_aaaaaaaaaa", "r1", "--always", "--reject"], /exclude each other/],
			[["task", "stop"], /missing task id/],
			[["task", "merge", "t_aaaaaaaaaa", "--method", "fast-forward"], /--method must be one of merge, squash, rebase/],
			[["task", "revert", "t_aaaaaaaaaa"], /missing file path/],
			[["task", "push"], /missing task id/],
			[["task", "diff"], /missing task id/],
			[["task", "kill"], /missing task id/],
			[["prune", "--older-than", "3w"], /--older-than must be a number of days/],
			[["task", "session"], /unknown command 'task session'/],
		];
		for (const [argv, message] of cases) {
			const res = await cli(...argv);
			expect(res.code, argv.join(" ")).toBe(2);
			expect(res.err, argv.join(" ")).toMatch(/^foundry: usage: /);
			expect(res.err, argv.join(" ")).toMatch(message);
		}
	});

	it("lists the new commands in the usage text", () => {
		for (const command of ["task session new", "task sessions", "task send", "task watch", "task allow", "task stop", "task push", "task pr", "task merge", "task revert", "task diff", "task kill", "prune", "agents"]) {
			expect(USAGE).toContain(`  ${command} `);
		}
	});
});
