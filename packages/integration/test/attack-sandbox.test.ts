// A local sandbox tried as an untrusted agent would, from inside a real session of the scripted
// agent: the backend's data dir (auth secret), another task's sandbox (its clone and home), the
// backend's process and home, /etc/shadow and the environment are out of reach
// under bubblewrap isolation (the default), while its own repository and git work. And a backend
// told to isolate on a machine without bwrap refuses to start.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import type { FoundryClient } from "@foundry/client";
import type { Session, TranscriptEvent } from "@foundry/shared";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { testDirPrefix } from "./global-teardown.ts";
import { BACKEND_DIR, bunBinary, eventually, freeEnginePort, freePort, startBackend, type TestBackend } from "./harness.ts";

// Agent turns in real sandboxes on a loaded 2-core machine (as in sessions.test.ts).
vi.setConfig({ testTimeout: 180_000 });

let backend: TestBackend;
let client: FoundryClient;
let repoId: string;

beforeAll(async () => {
	backend = await startBackend();
	client = backend.client();
	repoId = (await eventually(async () => (await client.repos.list()).find((r) => r.name === "acme/widgets"), 60_000)).id;
}, 120_000);
afterAll(async () => {
	await backend?.stop({ cleanup: true });
});

async function sessionIn(taskId: string, statuses: Session["status"][], sessionId: string): Promise<Session> {
	return eventually(async () => {
		const s = (await client.sessions.list(taskId)).find((x) => x.id === sessionId);
		return s && statuses.includes(s.status) ? s : undefined;
	}, 60_000);
}

/** A task with a ready session (its sandbox provisioned, the repository cloned). */
async function taskWithSession(title: string): Promise<{ taskId: string; sessionId: string }> {
	const task = await client.tasks.create({ repo: repoId, prompt: title, title, startSession: false });
	const first = await client.sessions.create(task.id, {});
	expect((await sessionIn(task.id, ["ready", "error"], first.id)).status).toBe("ready");
	return { taskId: task.id, sessionId: first.id };
}

/** Sends a script (one command per line) and returns the agent's reply to each line, in order. */
async function replies(taskId: string, sessionId: string, lines: string[]): Promise<string[]> {
	const ends = (events: TranscriptEvent[]) => events.filter((e) => e.kind === "turn_end" || e.kind === "error").length;
	const before = await client.sessions.fullTranscript(taskId, sessionId);
	await client.sessions.send(taskId, sessionId, lines.join("\n"));
	const after = await eventually(async () => {
		const events = await client.sessions.fullTranscript(taskId, sessionId);
		const s = (await client.sessions.list(taskId)).find((x) => x.id === sessionId);
		return ends(events) > ends(before) && s?.status !== "running" ? events : undefined;
	}, 60_000);
	const said = after.slice(before.length).filter((e) => e.kind === "agent_message").map((e) => e.text);
	expect(said, "one reply per command").toHaveLength(lines.length);
	return said;
}

/** The task's sandbox directory on the host (`<data dir>/sandboxes/acme-<task>-<stamp>`). */
function sandboxRoot(taskId: string): string {
	const dir = join(backend.dataDir, "sandboxes");
	const match = readdirSync(dir).find((name) => name.includes(taskId));
	if (!match) throw new Error(`no sandbox dir for ${taskId} in ${dir}`);
	return join(dir, match);
}

describe("an agent inside its local sandbox", () => {
	it("cannot read the data dir, another task's sandbox, the backend's process, home or /etc/shadow; its own repo and git work", async () => {
		const victim = await taskWithSession("Victim");
		const attacker = await taskWithSession("Attacker");
		const data = backend.dataDir;
		const other = sandboxRoot(victim.taskId);
		const own = sandboxRoot(attacker.taskId);
		// What must not leak, read on the host: the auth secret, the victim's clone, the App's OAuth secret.
		const authSecret = readFileSync(join(data, "auth-secret"), "utf8").trim();
		const victimConfig = readFileSync(join(other, "repo", ".git", "config"), "utf8");
		const { app } = await backend.sim.world();
		const backendPid = backend.process.pid as number;

		const attacks = [
			`read ${data}/auth-secret`,
			`list ${data}`,
			`list ${data}/sandboxes`,
			`read ${other}/repo/.git/config`,
			`read ${other}/repo/README.md`,
			`list ${other}`,
			`read /proc/${backendPid}/environ`,
			`list ${homedir()}`,
			"run cat /etc/shadow",
			"run env",
		];
		const got = await replies(attacker.taskId, attacker.sessionId, attacks);
		const [secret, dataList, sandboxesList, otherConfig, otherRepo, otherList, environ, home, shadow, env] = got;
		// Soft: one run reports every way out, not only the first.
		expect.soft(secret).toMatch(/^read failed: ENOENT/);
		// Only the path down to its own root exists inside: no auth-secret, engine dir or other sandbox.
		expect.soft(dataList).toBe(`listed ${data}: ["sandboxes"]`);
		expect.soft(sandboxesList).toBe(`listed ${data}/sandboxes: [${JSON.stringify(own.split("/").at(-1))}]`);
		expect.soft(otherConfig).toMatch(/^read failed: ENOENT/);
		expect.soft(otherRepo).toMatch(/^read failed: ENOENT/);
		expect.soft(otherList).toMatch(/^list failed: ENOENT/);
		expect.soft(environ).toMatch(/^read failed: ENOENT/);
		expect.soft(home).toMatch(/^list failed: ENOENT/);
		expect.soft(shadow).toMatch(/^exit 1\n/);
		expect.soft(shadow).toContain("/etc/shadow: No such file or directory");
		expect.soft(env).toMatch(/^exit 0\n/);
		expect.soft(env).not.toMatch(/FOUNDRY_/);
		const everything = got.join("\n");
		for (const value of [authSecret, victimConfig, app.clientSecret, app.webhookSecret]) expect.soft(everything).not.toContain(value);

		// The positive control: its own clone, git and writes in its root work.
		const [readme, gitVersion, status] = await replies(attacker.taskId, attacker.sessionId, ["read README.md", "run git --version", "run git status --short && echo clean"]);
		expect(readme).toBe(readFileSync(join(own, "repo", "README.md"), "utf8"));
		expect(gitVersion).toMatch(/^exit 0\n--- stdout\ngit version \d/);
		expect(status).toMatch(/^exit 0\n--- stdout\nclean\n/);
	});
});

describe("a backend told to isolate sandboxes on a machine without bwrap", () => {
	it("refuses to start: exit 78 with one line naming bubblewrap, its package and the escape hatch", async () => {
		const dataDir = mkdtempSync(join(tmpdir(), testDirPrefix(process.env.FOUNDRY_TEST_RUN)));
		const emptyPath = mkdtempSync(join(tmpdir(), "foundry-no-bwrap-"));
		try {
			const child = spawn(bunBinary(), ["src/main.ts"], {
				cwd: BACKEND_DIR,
				env: {
					PATH: emptyPath,
					HOME: dataDir,
					FOUNDRY_SANDBOX_ISOLATION: "bwrap",
					FOUNDRY_DATA_DIR: dataDir,
					FOUNDRY_PORT: String(await freePort()),
					FOUNDRY_ENGINE_PORT: String(await freeEnginePort()),
					FOUNDRY_LOG_LEVEL: "warn",
					CBOR_NATIVE_ACCELERATION_DISABLED: "true",
				},
				stdio: ["ignore", "pipe", "pipe"],
			});
			let stderr = "";
			child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
			const code = await new Promise<number | null>((done) => child.once("exit", (c) => done(c)));
			expect(code).toBe(78);
			const lines = stderr.trim().split("\n");
			expect(lines).toHaveLength(1);
			expect(lines[0]).toMatch(/^foundry: invalid configuration: FOUNDRY_SANDBOX_ISOLATION=bwrap needs bubblewrap/);
			expect(lines[0]).toContain("apt-get install -y bubblewrap");
			expect(lines[0]).toContain("FOUNDRY_SANDBOX_ISOLATION=none");
		} finally {
			rmSync(dataDir, { recursive: true, force: true });
			rmSync(emptyPath, { recursive: true, force: true });
		}
	});
});
