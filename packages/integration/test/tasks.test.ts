// Repositories, tasks and the audit log through the client, against the real backend process.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FoundryClient, FoundryError, OrganizationSnapshot, TaskRecord } from "@foundry/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startBackend, type TestBackend } from "./harness.ts";

let backend: TestBackend;
let client: FoundryClient;

beforeAll(async () => {
	backend = await startBackend();
	client = backend.client();
});
afterAll(async () => {
	await backend?.stop({ cleanup: true });
});

async function codeOf(p: Promise<unknown> | (() => Promise<unknown>)): Promise<string> {
	try {
		await (typeof p === "function" ? p() : p);
	} catch (err) {
		return (err as FoundryError).code;
	}
	throw new Error("expected a failure");
}

describe("repositories", () => {
	it("adds https remotes and local paths, normalised, and lists them", async () => {
		const remote = await client.repos.add("https://GitHub.com/acme/widgets.git/");
		expect(remote).toMatchObject({ kind: "remote", url: "https://github.com/acme/widgets", name: "acme/widgets" });
		expect(remote.id).toMatch(/^r_[a-z0-9]{10}$/);
		// A local path must be a git repository on the backend's machine.
		const bare = join(mkdtempSync(join(tmpdir(), "foundry-local-")), "tools.git");
		execFileSync("git", ["init", "--quiet", "--bare", bare]);
		const local = await client.repos.add(bare);
		expect(local).toMatchObject({ kind: "local", url: bare, name: "tools" });
		expect(await codeOf(client.repos.add("/srv/git/missing.git"))).not.toBe("ok");
		const ids = (await client.repos.list()).map((r) => r.id);
		expect(ids).toEqual(expect.arrayContaining([remote.id, local.id]));
	});

	it("rejects a duplicate with CONFLICT and malformed URLs with INVALID_INPUT, writing nothing", async () => {
		const before = await client.repos.list();
		expect(await codeOf(client.repos.add("https://github.com/acme/widgets"))).toBe("CONFLICT");
		for (const bad of ["not a url", "ftp://example.com/x.git", "https://user:secret@example.com/a/b", "https://", ""]) {
			expect(await codeOf(client.repos.add(bad))).toBe("INVALID_INPUT");
		}
		expect(await client.repos.list()).toEqual(before);
	});
});

describe("tasks", () => {
	let repoId: string;
	beforeAll(async () => {
		repoId = (await client.repos.add("https://example.com/acme/app")).id;
	});

	it("derives title and branch from the prompt", async () => {
		const task = await client.tasks.create({ startSession: false, repo: repoId, prompt: "  Fix the crash when saving an empty draft\nDetails follow." });
		expect(task.title).toBe("fix: the crash when saving an empty draft");
		expect(task.branch).toMatch(/^fix\/the-crash-when-saving-an-empty-draft-[a-z0-9]{4}$/);
		expect(task.branch.length).toBeLessThanOrEqual(50);
		expect(task).toMatchObject({ status: "idle", repoId, prompt: "  Fix the crash when saving an empty draft\nDetails follow." });
		const long = await client.tasks.create({ startSession: false, repo: repoId, prompt: `Add ${"very ".repeat(40)}long feature` });
		expect(long.title.length).toBeLessThanOrEqual(60);
		expect(long.branch.length).toBeLessThanOrEqual(50);
	});

	it("accepts the repository by URL, an explicit title and branch; a taken branch is CONFLICT", async () => {
		const task = await client.tasks.create({
			startSession: false,
			repo: "https://example.com/acme/app.git",
			prompt: "do the thing",
			title: "My explicit title",
			branch: "feature/explicit-1",
		});
		expect(task).toMatchObject({ title: "My explicit title", branch: "feature/explicit-1", repoId });
		const count = (await client.tasks.list({ includeArchived: true })).length;
		expect(await codeOf(client.tasks.create({ startSession: false, repo: repoId, prompt: "again", branch: "feature/explicit-1" }))).toBe("CONFLICT");
		expect((await client.tasks.list({ includeArchived: true })).length).toBe(count);
	});

	it("accepts a prompt at the limit in multi-byte characters; over 40 KiB of UTF-8 it is refused", async () => {
		// Prompts travel in queue messages whose batches must fit one history write (ADR 0009).
		const prompt = "€".repeat(13_653); // 40,959 bytes of UTF-8
		const task = await client.tasks.create({ startSession: false, repo: repoId, prompt, title: "Big prompt" });
		expect((await client.tasks.get(task.id)).prompt).toBe(prompt);
		const err = await client.tasks.create({ startSession: false, repo: repoId, prompt: "€".repeat(32_000) }).catch((e: unknown) => e);
		expect((err as { code?: string }).code).toBe("INVALID_INPUT");
		expect(String((err as Error).message)).toContain("40 KiB");
	});

	it("two tasks with the same prompt get different branches", async () => {
		const a = await client.tasks.create({ startSession: false, repo: repoId, prompt: "Same prompt" });
		const b = await client.tasks.create({ startSession: false, repo: repoId, prompt: "Same prompt" });
		expect(a.branch).not.toBe(b.branch);
	});

	it("rejects bad input with a typed error and leaves no rows behind", async () => {
		const before = await client.tasks.list({ includeArchived: true });
		const cases: Array<[() => Promise<unknown>, string]> = [
			[() => client.tasks.create({ startSession: false, repo: repoId, prompt: "   " }), "INVALID_INPUT"],
			[() => client.tasks.create({ startSession: false, repo: repoId, prompt: "" }), "INVALID_INPUT"],
			[() => client.tasks.create({ startSession: false, repo: "r_0000000000", prompt: "x" }), "NOT_FOUND"],
			[() => client.tasks.create({ startSession: false, repo: "https://example.com/nobody/here", prompt: "x" }), "NOT_FOUND"],
			[() => client.tasks.create({ startSession: false, repo: "ssh://host/x", prompt: "x" }), "INVALID_INPUT"],
			[() => client.tasks.create({ startSession: false, repo: repoId, prompt: "x", branch: "bad..name" }), "INVALID_INPUT"],
			[() => client.tasks.create({ startSession: false, repo: repoId, prompt: "x", branch: "has space" }), "INVALID_INPUT"],
			[() => client.tasks.create({ startSession: false, repo: repoId, prompt: "x", branch: "ends.lock" }), "INVALID_INPUT"],
			[() => client.tasks.create({ startSession: false, repo: repoId, prompt: "x", title: "t".repeat(121) }), "INVALID_INPUT"],
			[() => client.tasks.create({ startSession: false, repo: repoId, prompt: "p".repeat(32_001) }), "INVALID_INPUT"],
			[() => client.tasks.get("t_zzzzzzzzzz"), "NOT_FOUND"],
			[() => client.tasks.get("nonsense"), "INVALID_INPUT"],
			[() => client.tasks.rename("t_zzzzzzzzzz", "x"), "NOT_FOUND"],
			[() => client.tasks.archive("t_zzzzzzzzzz"), "NOT_FOUND"],
		];
		for (const [p, code] of cases) expect(await codeOf(p)).toBe(code);
		expect(await client.tasks.list({ includeArchived: true })).toEqual(before);
		const events = await client.audit.list({ limit: 500 });
		expect(events.events.filter((e) => e.kind === "task.created").length).toBe(before.length);
	});

	it("shows, renames, archives; list filters by repo and status; audit records it in order", async () => {
		const task = await client.tasks.create({ startSession: false, repo: repoId, prompt: "Document the API" });
		expect((await client.tasks.get(task.id)).title).toBe("docs: document the API");
		const renamed = await client.tasks.rename(task.id, "  Better title  ");
		expect(renamed.title).toBe("Better title");
		expect((await client.tasks.list()).find((t) => t.id === task.id)?.title).toBe("Better title");
		expect(await codeOf(client.tasks.rename(task.id, "t".repeat(200)))).toBe("INVALID_INPUT");
		expect(await codeOf(client.tasks.rename(task.id, " "))).toBe("INVALID_INPUT");

		const running = await client.tasks.setStatus(task.id, "running");
		expect(running.status).toBe("running");
		await client.tasks.archive(task.id);
		expect((await client.tasks.list()).some((t) => t.id === task.id)).toBe(false);
		expect((await client.tasks.list({ status: "archived" })).map((t) => t.id)).toContain(task.id);
		expect((await client.tasks.list({ repo: repoId, includeArchived: true })).map((t) => t.id)).toContain(task.id);
		expect(await codeOf(client.tasks.rename(task.id, "nope"))).toBe("PRECONDITION_FAILED");
		expect(await codeOf(client.tasks.setStatus(task.id, "running"))).toBe("PRECONDITION_FAILED");
		expect((await client.tasks.unarchive(task.id)).status).toBe("idle");

		const kinds = await eventually(async () => {
			const page = await client.audit.list({ taskId: task.id, order: "asc" });
			const k = page.events.map((e) => e.kind);
			return k.length >= 5 ? k : undefined;
		});
		expect(kinds).toEqual(["task.created", "task.renamed", "task.status_changed", "task.archived", "task.unarchived"]);
		const renamedEvent = (await client.audit.list({ taskId: task.id, kind: "task.renamed" })).events[0];
		expect(renamedEvent?.payload).toEqual({ from: "docs: document the API", to: "Better title" });
	});

	it("paginates the audit log with a cursor", async () => {
		const all = await client.audit.list({ limit: 500, order: "asc" });
		const seen: number[] = [];
		let cursor: string | undefined;
		do {
			const page = await client.audit.list({ limit: 3, order: "asc", cursor });
			seen.push(...page.events.map((e) => e.seq));
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		expect(seen).toEqual(all.events.map((e) => e.seq));
		expect(await codeOf(client.audit.list({ limit: 0 }))).toBe("INVALID_INPUT");
		expect(await codeOf(client.audit.list({ cursor: "abc" }))).toBe("INVALID_INPUT");
	});

	it("a retried create with the same requestId returns the same task", async () => {
		const input = { repo: repoId, prompt: "Idempotent create", requestId: "req-12345678", startSession: false };
		const a = await client.tasks.create(input);
		const b = await client.tasks.create(input);
		expect(b.id).toBe(a.id);
		expect((await client.tasks.list()).filter((t) => t.title === a.title).length).toBe(1);
	});
});

describe("realtime", () => {
	it("organization subscribers get consistent snapshots; task subscribers get updates", async () => {
		const watcher = backend.client();
		const snapshots: OrganizationSnapshot[] = [];
		const sub = await watcher.subscribeOrganization((s) => snapshots.push(s));
		await sub.ready;
		const repo = await client.repos.add("https://example.com/acme/realtime");
		const task = await client.tasks.create({ startSession: false, repo: repo.id, prompt: "Realtime task" });
		const seen = await eventually(async () => snapshots.find((s) => s.tasks.some((t) => t.id === task.id)));
		expect(seen.repos.some((r) => r.id === repo.id)).toBe(true);

		const records: TaskRecord[] = [];
		const taskSub = await watcher.subscribeTask(task.id, (t) => records.push(t));
		await taskSub.ready;
		await client.tasks.rename(task.id, "Renamed live");
		await eventually(async () => (records.some((r) => r.title === "Renamed live") ? true : undefined));
		const last = await eventually(async () => {
			const s = snapshots[snapshots.length - 1];
			return s?.tasks.find((t) => t.id === task.id && t.title === "Renamed live") ? s : undefined;
		});
		// Versions only move forward, and the final snapshot equals a fresh read.
		for (let i = 1; i < snapshots.length; i++) {
			expect(snapshots[i]!.version).toBeGreaterThan(snapshots[i - 1]!.version);
		}
		const fresh = await client.tasks.list();
		expect(last.tasks.map((t) => t.id).sort()).toEqual(fresh.map((t) => t.id).sort());
		await taskSub.close();
		await sub.close();
		expect(await codeOf(watcher.subscribeTask("t_zzzzzzzzzz", () => undefined))).toBe("NOT_FOUND");
	});
});
