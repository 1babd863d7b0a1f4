// The `foundry` CLI as a user runs it: a separate process, human and --json output, exit codes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, runCli, startBackend, type TestBackend } from "./harness.ts";

let backend: TestBackend;
let env: Record<string, string>;
beforeAll(async () => {
	backend = await startBackend();
	env = { FOUNDRY_ENDPOINT: backend.url, FOUNDRY_TOKEN: backend.token, FOUNDRY_ORG: "acme" };
});
afterAll(async () => {
	await backend?.stop({ cleanup: true });
});

async function json<T>(args: string[]): Promise<T> {
	const res = await runCli([...args, "--json"], env);
	expect(res.stderr).toBe("");
	expect(res.code).toBe(0);
	return JSON.parse(res.stdout) as T;
}

describe("foundry CLI", () => {
	it("drives repos, tasks and the audit log", async () => {
		const repo = await json<{ id: string }>(["repo", "add", "https://example.com/acme/cli"]);
		const repos = await json<Array<{ id: string }>>(["repo", "list"]);
		expect(repos.map((r) => r.id)).toContain(repo.id);

		const task = await json<{ id: string; title: string; branch: string }>([
			"task", "create", "--no-session", "--repo", "https://example.com/acme/cli", "Add", "a", "CLI", "flag",
		]);
		expect(task.title).toBe("feat: add a CLI flag");
		const explicit = await json<{ branch: string }>([
			"task", "create", "--no-session", "--repo", repo.id, "--title", "Explicit", "--branch", "cli/explicit", "do it",
		]);
		expect(explicit.branch).toBe("cli/explicit");

		const listed = await runCli(["task", "list", "--repo", repo.id], env);
		expect(listed.code).toBe(0);
		expect(listed.stdout).toContain(task.id);
		expect(listed.stdout).toContain("cli/explicit");

		const shown = await runCli(["task", "show", task.id], env);
		expect(shown.stdout).toContain(`branch:   ${task.branch}`);
		const renamed = await json<{ title: string }>(["task", "rename", task.id, "New", "name"]);
		expect(renamed.title).toBe("New name");
		await json(["task", "archive", task.id]);
		const idle = await json<Array<{ id: string }>>(["task", "list", "--status", "idle"]);
		expect(idle.map((t) => t.id)).not.toContain(task.id);

		const audit = await json<{ events: Array<{ kind: string }> }>(["audit", "--task", task.id, "--limit", "10"]);
		expect(audit.events.map((e) => e.kind)).toEqual(["task.archived", "task.renamed", "task.created"]);
		const human = await runCli(["audit", "--limit", "2"], env);
		expect(human.stdout.trim().split("\n").length).toBeGreaterThanOrEqual(2);
	});

	it("fails with one human line and a non-zero exit", async () => {
		const cases: Array<[string[], number, RegExp]> = [
			[["task", "show", "t_zzzzzzzzzz"], 1, /^foundry: NOT_FOUND: task t_zzzzzzzzzz does not exist/],
			[["task", "create", "--repo", "r_0000000000", "x"], 1, /^foundry: NOT_FOUND: repository/],
			[["task", "create", "x"], 2, /^foundry: usage: task create needs --repo/],
			[["repo", "add", "ftp://x/y"], 2, /^foundry: INVALID_INPUT: repository URL must use https/],
			[["task", "list", "--status", "nope"], 2, /^foundry: usage: --status must be one of/],
			[["frobnicate"], 2, /^foundry: usage: unknown command/],
			[["task", "list", "--bogus"], 2, /^foundry: usage: Unknown option/],
		];
		for (const [args, code, message] of cases) {
			const res = await runCli(args, env);
			expect(res.code, args.join(" ")).toBe(code);
			expect(res.stderr).toMatch(message);
			expect(res.stderr.trim().split("\n")).toHaveLength(1);
		}
	});

	it("reports an unreachable backend clearly, and errors as JSON with --json", async () => {
		const down = await runCli(["repo", "list"], { FOUNDRY_ENDPOINT: "http://127.0.0.1:9", FOUNDRY_TOKEN: backend.token });
		expect(down.code).toBe(1);
		expect(down.stderr).toMatch(/^foundry: UPSTREAM_FAILED: cannot reach the Foundry backend at http:\/\/127\.0\.0\.1:9/);
		const viaFlag = await runCli(["task", "show", "t_zzzzzzzzzz", "--json", "--endpoint", backend.url], { FOUNDRY_TOKEN: backend.token });
		expect(JSON.parse(viaFlag.stderr)).toMatchObject({ error: { code: "NOT_FOUND" } });
	});

	it("shows GitHub sync status, re-syncs, lists members and follow-ups, changes settings", async () => {
		const status = await eventually(async () => {
			const res = await runCli(["github", "status", "--json"], env);
			if (res.code !== 0) throw new Error(res.stderr);
			const st = JSON.parse(res.stdout) as { phase: string; installation: string };
			return st.phase === "done" ? st : undefined;
		}, 30_000);
		expect(status.installation).toBe("connected");
		const human = await runCli(["github", "status"], env);
		expect(human.stdout).toMatch(/installation: connected/);
		expect(human.stdout).toMatch(/sync: done/);
		expect(await json(["github", "sync"])).toEqual({ queued: true });
		const members = await json<Array<{ login: string; role: string }>>(["member", "list"]);
		expect(members).toContainEqual(expect.objectContaining({ login: "octocat", role: "admin" }));
		expect(await json(["settings", "set", "archive-on-pr-close", "off"])).toEqual({ archiveOnPrClose: false, autoSendFollowUps: false });
		expect(await json(["settings", "set", "archive-on-pr-close", "on"])).toEqual({ archiveOnPrClose: true, autoSendFollowUps: false });
		const bad = await runCli(["settings", "set", "archive-on-pr-close", "maybe"], env);
		expect(bad.code).toBe(2);
		const unknown = await runCli(["settings", "set", "colour", "on"], env);
		expect(unknown.code).toBe(2);
		const repo = await json<{ id: string }>(["repo", "add", "https://example.com/acme/followups"]);
		const task = await json<{ id: string }>(["task", "create", "--no-session", "--repo", repo.id, "Follow", "up"]);
		expect(await json(["task", "followups", task.id])).toEqual([]);
	});
});
