// Per-user state and task ownership: owners in summaries, owner changes (owner or admin only),
// drafts / active session / unread, the task feed, notifications, and user events that reach
// only that user's own connections.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deriveInternalCredential } from "@foundry/backend/auth/credentials";
import type { AppRegistry } from "@foundry/backend/registry";
import { type FoundryClient, QUEUE, type UserUpdatedEvent, userKey } from "@foundry/client";
import { createClient } from "rivetkit/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ORG, eventually, startBackend, type TestBackend } from "./harness.ts";

let backend: TestBackend;
let octocat: FoundryClient;
let hubot: FoundryClient;
let hubotId: string;
let octocatId: string;
let repoId: string;

beforeAll(async () => {
	backend = await startBackend();
	octocat = backend.client();
	const signed = await backend.signIn("hubot");
	hubot = backend.clientFor(signed.sessionToken, DEFAULT_ORG);
	await eventually(async () => ((await hubot.me.profile()).organizations.some((o) => o.orgId === DEFAULT_ORG) ? true : undefined), 30_000);
	hubotId = (await hubot.whoami()).userId;
	octocatId = (await octocat.whoami()).userId;
	repoId = (await octocat.repos.add("https://example.com/acme/owners")).id;
});
afterAll(async () => {
	await backend?.stop({ cleanup: true });
});

describe("task ownership", () => {
	it("the creator owns a new task; login and avatar are in the summary", async () => {
		const task = await hubot.tasks.create({ startSession: false, repo: repoId, prompt: "Owned by hubot" });
		expect(task).toMatchObject({ creator: hubotId, owner: hubotId, ownerLogin: "hubot" });
		const [summary] = (await octocat.tasks.list()).filter((t) => t.id === task.id);
		expect(summary).toMatchObject({ owner: hubotId, ownerLogin: "hubot" });
		expect(summary?.ownerAvatarUrl).toMatch(/avatars\/hubot/);
	});

	it("the owner or an admin can move ownership to a member; others cannot; non-members are refused", async () => {
		const task = await octocat.tasks.create({ startSession: false, repo: repoId, prompt: "Owned by octocat" });
		await expect(hubot.tasks.setOwner(task.id, hubotId)).rejects.toMatchObject({ code: "FORBIDDEN" });
		await expect(octocat.tasks.setOwner(task.id, "u_nobody")).rejects.toMatchObject({ code: "INVALID_INPUT" });
		await expect(octocat.tasks.setOwner(task.id, "")).rejects.toMatchObject({ code: "INVALID_INPUT" });
		const moved = await octocat.tasks.setOwner(task.id, hubotId);
		expect(moved).toMatchObject({ owner: hubotId, ownerLogin: "hubot", creator: octocatId });
		// Now hubot owns it and may hand it back.
		expect(await hubot.tasks.setOwner(task.id, octocatId)).toMatchObject({ owner: octocatId, ownerLogin: "octocat" });
		const audit = await eventually(async () => {
			const page = await octocat.audit.list({ kind: "task.owner_changed", taskId: task.id, order: "asc" });
			return page.events.length === 2 ? page : undefined;
		});
		expect(audit.events.map((e) => [e.actor, e.payload])).toEqual([
			[octocatId, { from: "octocat", to: "hubot" }],
			[hubotId, { from: "hubot", to: "octocat" }],
		]);
	});
});

describe("per-user state", () => {
	it("keeps drafts, the active session and unread sessions per user and task", async () => {
		const task = await octocat.tasks.create({ startSession: false, repo: repoId, prompt: "State" });
		await octocat.me.setDraft(task.id, "s1", "half a thought");
		await octocat.me.setActiveSession(task.id, "s1");
		const mine = await octocat.me.taskState(task.id);
		expect(mine).toMatchObject({ activeSessionId: "s1", drafts: { s1: "half a thought" }, unreadSessionIds: [] });
		// Hubot's view of the same task is its own.
		expect(await hubot.me.taskState(task.id)).toMatchObject({ activeSessionId: null, drafts: {} });
		expect((await octocat.me.setDraft(task.id, "s1", "")).drafts).toEqual({});
		await expect(octocat.me.setDraft(task.id, "s1", "x".repeat(32_001))).rejects.toMatchObject({ code: "INVALID_INPUT" });
		await expect(octocat.me.taskState("not-a-task")).rejects.toMatchObject({ code: "INVALID_INPUT" });
	});

	it("bumps the feed on the user's own actions, and notifications bump it and mark the session unread", async () => {
		const first = await octocat.tasks.create({ startSession: false, repo: repoId, prompt: "Feed one" });
		const second = await octocat.tasks.create({ startSession: false, repo: repoId, prompt: "Feed two" });
		const feed = await eventually(async () => {
			const f = await octocat.me.feed({ orgId: DEFAULT_ORG });
			return f[0]?.taskId === second.id && f.some((e) => e.taskId === first.id) ? f : undefined;
		});
		expect(feed[0]).toMatchObject({ reason: "created" });
		await octocat.tasks.rename(first.id, "Feed one, renamed");
		await eventually(async () => ((await octocat.me.feed())[0]?.taskId === first.id ? true : undefined));

		// A backend actor (step 5: a finished agent turn) notifies the owner; replays are stored once.
		// Backend actors reach each other on the engine directly (the public port refuses internal credentials).
		const peer = createClient<AppRegistry>({ endpoint: backend.engine().url, token: backend.engine().token, disableMetadataLookup: true });
		const internal = deriveInternalCredential(readFileSync(join(backend.dataDir, "auth-secret"), "utf8").trim());
		const me = peer.user.getOrCreate(userKey(octocatId), { params: { internal } });
		const events: UserUpdatedEvent[] = [];
		const sub = await octocat.subscribeUser((e) => events.push(e));
		const note = { orgId: DEFAULT_ORG, taskId: second.id, kind: "agent_finished", title: "Agent finished", sessionId: "s9", dedupeKey: "turn-1" };
		for (let i = 0; i < 2; i++) await me.send(QUEUE.user.notify, note, { wait: true, timeout: 10_000 });
		await peer.dispose();
		const notes = await octocat.me.notifications();
		expect(notes.filter((n) => n.taskId === second.id)).toHaveLength(1);
		expect(notes[0]).toMatchObject({ kind: "agent_finished", readAt: null });
		expect((await octocat.me.taskState(second.id)).unreadSessionIds).toEqual(["s9"]);
		expect(await octocat.me.unreadTasks()).toEqual([second.id]);
		expect((await octocat.me.feed())[0]).toMatchObject({ taskId: second.id, reason: "notification" });
		await eventually(async () => (events.some((e) => e.change.type === "notification") ? true : undefined));

		expect(await octocat.me.markNotificationsRead()).toEqual({ ids: [notes[0]!.id] });
		expect(await octocat.me.notifications({ unreadOnly: true })).toEqual([]);
		expect((await octocat.me.markSessionRead(second.id, "s9")).unreadSessionIds).toEqual([]);
		expect(await octocat.me.unreadTasks()).toEqual([]);
		await sub.close();
		// Nothing of this reached hubot.
		expect(await hubot.me.notifications()).toEqual([]);
	});

	it("user events reach only that user's connections", async () => {
		const peer = createClient<AppRegistry>({ endpoint: `${backend.url}/v1/rivet`, disableMetadataLookup: true });
		const conn = peer.user.getOrCreate(userKey(octocatId), { params: { token: (await backend.signIn("hubot")).sessionToken } }).connect();
		const errors: unknown[] = [];
		conn.onError((e) => errors.push(e));
		conn.on("userUpdated", () => errors.push("received"));
		// The subscription is refused with a typed error.
		await eventually(async () => (errors.some((e) => (e as { code?: string }).code === "FORBIDDEN") ? true : undefined));
		await octocat.me.setDraft("t_aaaaaaaaaa", "s1", "private");
		await new Promise((r) => setTimeout(r, 500));
		expect(errors).not.toContain("received");
		await conn.dispose();
		await peer.dispose();
	});
});
