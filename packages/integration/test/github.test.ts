// GitHub data against the simulator: webhook verification (401/400), durable dedupe, PRs as
// virtual tasks (no task actor), merge → archived + audited, a sync of 30 repositories × 20 PRs
// across page boundaries with removal swept, and membership removal on GitHub revoking access.
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deriveInternalCredential } from "@foundry/backend/auth/credentials";
import type { AppRegistry } from "@foundry/backend/registry";
import { QUEUE } from "@foundry/shared";
import { createClient } from "rivetkit/client";
import type { FoundryClient, OrganizationSnapshot } from "@foundry/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorCount, buildWorld, createRepo, deliveriesIdle, octokitAs, openPull, pushCommit } from "./github-world.ts";
import { eventually, startBackend, type TestBackend } from "./harness.ts";

let backend: TestBackend;
let client: FoundryClient;
let secret: string;

async function snapshot(c: FoundryClient = client): Promise<OrganizationSnapshot> {
	let latest: OrganizationSnapshot | undefined;
	const sub = await c.subscribeOrganization((s) => {
		latest = s;
	});
	await sub.ready;
	await sub.close();
	if (!latest) throw new Error("no snapshot");
	return latest;
}

const post = (body: string, headers: Record<string, string>) =>
	fetch(`${backend.url}/v1/webhooks/github`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
const sign = (body: string, key = secret) => `sha256=${createHmac("sha256", key).update(body).digest("hex")}`;

beforeAll(async () => {
	// Small pages so every list crosses page boundaries.
	backend = await startBackend({ env: { FOUNDRY_GITHUB_PAGE_SIZE: "7" } });
	client = backend.client();
	secret = (await backend.sim.world()).app.webhookSecret;
	await eventually(async () => ((await snapshot()).github?.phase === "done" ? true : undefined), 30_000);
});
afterAll(async () => {
	const started = performance.now();
	const code = await backend?.stop({ cleanup: true });
	console.log(`backend stopped with ${code} in ${Math.round(performance.now() - started)} ms`);
});

describe("GitHub webhooks", () => {
	const payload = JSON.stringify({ action: "opened", organization: { login: "acme" }, repository: { full_name: "acme/widgets" } });

	it("refuses a missing or bad signature with 401 and malformed JSON with 400; nothing reaches an actor", async () => {
		const before = (await snapshot()).version;
		const missing = await post(payload, { "x-github-event": "pull_request", "x-github-delivery": randomUUID() });
		expect(missing.status).toBe(401);
		expect(await missing.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
		const bad = await post(payload, { "x-github-event": "pull_request", "x-github-delivery": randomUUID(), "x-hub-signature-256": sign(payload, "wrong-secret") });
		expect(bad.status).toBe(401);
		const tampered = await post(`${payload} `, { "x-github-event": "pull_request", "x-github-delivery": randomUUID(), "x-hub-signature-256": sign(payload) });
		expect(tampered.status).toBe(401);
		const malformed = "{not json";
		const res = await post(malformed, { "x-github-event": "pull_request", "x-github-delivery": randomUUID(), "x-hub-signature-256": sign(malformed) });
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: { code: "INVALID_INPUT" } });
		expect(backend.output()).toMatch(/webhook refused: bad or missing signature/);
		expect((await snapshot()).version).toBe(before);
	});

	it("processes a duplicated delivery once", async () => {
		const gh = await octokitAs(backend.sim, "octocat");
		await createRepo(backend.sim, "acme", "dupes", ["feature/dup"]);
		await client.github.sync();
		await eventually(async () => ((await snapshot()).repos.some((r) => r.name === "acme/dupes") ? true : undefined), 30_000);
		const { data: pr } = await gh.rest.pulls.create({ owner: "acme", repo: "dupes", head: "feature/dup", base: "main", title: "Dup" });
		await deliveriesIdle(backend.sim);
		const deliveries = (await (await backend.sim.control("GET", "/deliveries")).json()) as Array<{ id: number; event: string; action: string | null }>;
		const opened = deliveries.filter((d) => d.event === "pull_request" && d.action === "opened").at(-1);
		expect(opened).toBeDefined();
		// Redelivery keeps the delivery GUID: the backend must not apply it twice.
		for (let i = 0; i < 3; i++) expect((await backend.sim.control("POST", `/deliveries/${opened!.id}/redeliver`)).status).toBe(200);
		const tasks = await eventually(async () => {
			const t = (await snapshot()).tasks.filter((x) => x.prNumber === pr.number && x.branch === "feature/dup");
			return t.length > 0 ? t : undefined;
		});
		expect(tasks).toHaveLength(1);
		const audit = await eventually(async () => {
			const page = await client.audit.list({ kind: "task.created", taskId: tasks[0]!.id });
			return page.events.length > 0 ? page : undefined;
		});
		expect(audit.events).toHaveLength(1);
	});
});

describe("pull requests as tasks", () => {
	it("an opened PR becomes a virtual task without a task actor; merging archives it, audited", async () => {
		const gh = await octokitAs(backend.sim, "octocat");
		await createRepo(backend.sim, "acme", "prs", ["feature/shiny"]);
		await client.github.sync();
		await eventually(async () => ((await snapshot()).repos.some((r) => r.name === "acme/prs") ? true : undefined), 30_000);
		const tasksBefore = await actorCount(backend.engine(), "task");
		const number = await openPull(gh, "acme", "prs", "feature/shiny", "Make it shiny");
		const task = await eventually(async () => (await snapshot()).tasks.find((t) => t.prNumber === number && t.branch === "feature/shiny"));
		expect(task).toMatchObject({ title: "Make it shiny", prState: "open", status: "idle", ownerLogin: "octocat" });
		expect(task.prUrl).toMatch(/acme\/prs\/pull\//);
		expect(await actorCount(backend.engine(), "task")).toBe(tasksBefore);

		await gh.rest.pulls.merge({ owner: "acme", repo: "prs", pull_number: number });
		const archived = await eventually(async () => {
			const all = await client.tasks.list({ includeArchived: true });
			return all.find((t) => t.id === task.id && t.status === "archived");
		});
		expect(archived.prState).toBe("merged");
		const audit = await eventually(async () => {
			const page = await client.audit.list({ kind: "task.archived", taskId: task.id });
			return page.events.length > 0 ? page : undefined;
		});
		expect(audit.events[0]).toMatchObject({ actor: "system", payload: { reason: "pull request merged", pr: number } });
		// The first time anyone acts on it, the task actor starts from the index row.
		const opened = await client.tasks.get(task.id);
		expect(opened).toMatchObject({ id: task.id, branch: "feature/shiny", title: "Make it shiny" });
		expect(await actorCount(backend.engine(), "task")).toBe(tasksBefore + 1);
	});
});

describe("virtual tasks and GitHub activity", () => {
	it("keeps a PR's reviews until someone opens the task, notifies its author, and follows pushes to the branch", async () => {
		const author = await octokitAs(backend.sim, "hubot");
		const reviewer = await octokitAs(backend.sim, "octocat");
		const hubot = backend.clientFor((await backend.signIn("hubot")).sessionToken, "acme");
		// Notifications need hubot to be a member here (discovered from GitHub after sign-in).
		await eventually(async () => ((await hubot.me.profile()).organizations.some((o) => o.orgId === "acme") ? true : undefined), 30_000);
		await createRepo(backend.sim, "acme", "pending", ["feature/pending"]);
		await client.github.sync();
		await eventually(async () => ((await snapshot()).repos.some((r) => r.name === "acme/pending") ? true : undefined), 30_000);
		const tasksBefore = await actorCount(backend.engine(), "task");
		const number = await openPull(author, "acme", "pending", "feature/pending", "Pending work");
		const task = await eventually(async () => (await snapshot()).tasks.find((t) => t.prNumber === number && t.branch === "feature/pending"));
		expect(task.ownerLogin).toBe("hubot");

		await reviewer.rest.pulls.createReview({ owner: "acme", repo: "pending", pull_number: number, event: "REQUEST_CHANGES", body: "Needs a test" });
		await reviewer.rest.issues.createComment({ owner: "acme", repo: "pending", issue_number: number, body: "And a changelog" });
		// The PR's author is a member: notified, though no task actor exists yet.
		const notes = await eventually(async () => {
			const n = (await hubot.me.notifications()).filter((x) => x.taskId === task.id);
			return n.length === 2 ? n : undefined;
		});
		expect(notes.map((n) => n.title).sort()).toEqual(["octocat commented on Pending work", "octocat requested changes on Pending work"]);

		// A push to the branch moves the head shown on the task, and is audited.
		const head = await pushCommit(backend.sim, "hubot", "acme", "pending", "feature/pending", "CHANGELOG.md");
		const pushed = await eventually(async () => (await snapshot()).tasks.find((t) => t.id === task.id && t.headSha === head));
		expect(pushed.prState).toBe("open");
		const audit = await eventually(async () => {
			const page = await client.audit.list({ kind: "task.branch_pushed", taskId: task.id });
			return page.events.length > 0 ? page : undefined;
		});
		expect(audit.events[0]).toMatchObject({ payload: { branch: "feature/pending", headSha: head, pusher: "hubot", deleted: false } });
		expect(await actorCount(backend.engine(), "task")).toBe(tasksBefore);

		// Opening the task hands it the follow-ups that arrived while it was virtual — once.
		const followUps = await client.tasks.followUps(task.id);
		expect(followUps.map((f) => [f.kind, f.body]).sort()).toEqual([
			["changes_requested", "Needs a test"],
			["comment", "And a changelog"],
		]);
		await reviewer.rest.pulls.createReview({ owner: "acme", repo: "pending", pull_number: number, event: "COMMENT", body: "" });
		await reviewer.rest.issues.createComment({ owner: "acme", repo: "pending", issue_number: number, body: "One more thing" });
		const later = await eventually(async () => {
			const f = await client.tasks.followUps(task.id);
			return f.length === 3 ? f : undefined;
		});
		expect(later.filter((f) => f.body === "Needs a test")).toHaveLength(1);
		// The audit log is written after the batch commits (eventually consistent): poll it.
		const recorded = await eventually(async () => {
			const page = await client.audit.list({ kind: "task.follow_up_recorded", taskId: task.id });
			return page.events.length >= 3 ? page : undefined;
		});
		expect(recorded.events).toHaveLength(3);
	});
});

describe("organization settings", () => {
	it("with archiveOnPrClose off, a closed PR leaves its task open; the change is audited", async () => {
		const gh = await octokitAs(backend.sim, "octocat");
		await createRepo(backend.sim, "acme", "keep", ["feature/keep"]);
		await client.github.sync();
		await eventually(async () => ((await snapshot()).repos.some((r) => r.name === "acme/keep") ? true : undefined), 30_000);
		expect(await client.settings.update({ archiveOnPrClose: false })).toEqual({ archiveOnPrClose: false, autoSendFollowUps: false });
		await expect(client.settings.update({ nonsense: 1 } as never)).rejects.toMatchObject({ code: "INVALID_INPUT" });
		try {
			const number = await openPull(gh, "acme", "keep", "feature/keep", "Keep me");
			const task = await eventually(async () => (await snapshot()).tasks.find((t) => t.prNumber === number && t.branch === "feature/keep"));
			await gh.rest.pulls.update({ owner: "acme", repo: "keep", pull_number: number, state: "closed" });
			const closed = await eventually(async () => (await client.tasks.list()).find((t) => t.id === task.id && t.prState === "closed"));
			expect(closed.status).toBe("idle");
			expect((await snapshot()).settings).toEqual({ archiveOnPrClose: false, autoSendFollowUps: false });
		} finally {
			await client.settings.update({ archiveOnPrClose: true });
		}
		const audit = await eventually(async () => {
			const page = await client.audit.list({ kind: "organization.settings_changed" });
			return page.events.length >= 2 ? page : undefined;
		});
		expect(audit.events.length).toBe(2);
	});
});

describe("tasks linked to PRs", () => {
	it("a task's branch links its PR; reviews and comments become follow-ups and notify the owner; merge archives it", async () => {
		const gh = await octokitAs(backend.sim, "octocat");
		const reviewer = await octokitAs(backend.sim, "hubot");
		await createRepo(backend.sim, "acme", "linked", ["feature/real"]);
		await client.github.sync();
		const repo = await eventually(async () => (await snapshot()).repos.find((r) => r.name === "acme/linked"), 30_000);
		const task = await client.tasks.create({ startSession: false, repo: repo.id, prompt: "Do the real thing", branch: "feature/real" });
		const number = await openPull(gh, "acme", "linked", "feature/real", "The real thing");
		const linked = await eventually(async () => (await client.tasks.list()).find((t) => t.id === task.id && t.prNumber === number));
		expect(linked).toMatchObject({ prState: "open", ownerLogin: "octocat", title: task.title });
		// A later change by the task itself keeps the PR link.
		await client.tasks.rename(task.id, "Real thing, renamed");
		expect((await client.tasks.list()).find((t) => t.id === task.id)).toMatchObject({ prNumber: number, title: "Real thing, renamed" });

		const { data: head } = await gh.rest.pulls.get({ owner: "acme", repo: "linked", pull_number: number });
		await reviewer.rest.pulls.createReview({ owner: "acme", repo: "linked", pull_number: number, event: "REQUEST_CHANGES", body: "Please add tests" });
		await reviewer.rest.pulls.createReviewComment({ owner: "acme", repo: "linked", pull_number: number, body: "Off by one", path: "README.md", line: 1, commit_id: head.head.sha });
		await reviewer.rest.issues.createComment({ owner: "acme", repo: "linked", issue_number: number, body: "Looks close" });
		const followUps = await eventually(async () => {
			const f = await client.tasks.followUps(task.id);
			return f.length === 3 ? f : undefined;
		});
		expect(followUps.map((f) => [f.kind, f.author, f.body]).sort()).toEqual([
			["changes_requested", "hubot", "Please add tests"],
			["comment", "hubot", "Looks close"],
			["review_comment", "hubot", "Off by one"],
		]);
		expect(followUps.find((f) => f.kind === "review_comment")).toMatchObject({ path: "README.md", line: 1 });
		const notes = await eventually(async () => {
			const n = (await client.me.notifications()).filter((x) => x.taskId === task.id);
			return n.length === 3 ? n : undefined;
		});
		expect(notes.every((n) => n.kind === "pr_comment")).toBe(true);
		expect((await client.tasks.list()).find((t) => t.id === task.id)?.reviewDecision).toBe("changes_requested");
		await reviewer.rest.pulls.createReview({ owner: "acme", repo: "linked", pull_number: number, event: "APPROVE", body: "" });
		await eventually(async () => ((await client.tasks.list()).find((t) => t.id === task.id)?.reviewDecision === "approved" ? true : undefined));

		await gh.rest.pulls.merge({ owner: "acme", repo: "linked", pull_number: number });
		const archived = await eventually(async () => {
			const t = await client.tasks.get(task.id);
			return t.status === "archived" ? t : undefined;
		});
		expect(archived.id).toBe(task.id);
		await eventually(async () => ((await client.me.notifications()).some((n) => n.taskId === task.id && n.kind === "pr_merged") ? true : undefined));
		const audit = await eventually(async () => {
			const page = await client.audit.list({ taskId: task.id, order: "asc" });
			return page.events.some((e) => e.kind === "task.archived") ? page : undefined;
		});
		expect(audit.events.map((e) => e.kind)).toEqual(
			expect.arrayContaining(["task.created", "task.renamed", "task.follow_up_recorded", "task.archived"]),
		);
	});
});

describe("full sync", () => {
	it("mirrors 30 repositories × 20 open PRs across page boundaries with zero task actors; removals are swept", async () => {
		await buildWorld(backend.sim, { owner: "acme", repos: 30, pulls: 20, prefix: "bulk", webhookUrl: `${backend.url}/v1/webhooks/github` });
		const tasksBefore = await actorCount(backend.engine(), "task");
		await client.github.sync();
		const synced = await eventually(async () => {
			const s = await snapshot();
			const bulk = s.tasks.filter((t) => t.prNumber !== null && s.repos.find((r) => r.id === t.repoId)?.name.startsWith("acme/bulk-"));
			return s.github?.phase === "done" && bulk.length === 600 ? { s, bulk } : undefined;
		}, 120_000);
		expect(synced.s.repos.filter((r) => r.name.startsWith("acme/bulk-"))).toHaveLength(30);
		expect(new Set(synced.bulk.map((t) => `${t.repoId}:${t.branch}`)).size).toBe(600);
		expect(await actorCount(backend.engine(), "task")).toBe(tasksBefore);

		// A deleted repository and a closed PR disappear on the next sync.
		const gh = await octokitAs(backend.sim, "octocat");
		await gh.rest.pulls.update({ owner: "acme", repo: "bulk-001", pull_number: 1, state: "closed" });
		await backend.sim.control("DELETE", "/repos/acme/bulk-002");
		await client.github.sync();
		await eventually(async () => {
			const s = await snapshot();
			const gone = !s.repos.some((r) => r.name === "acme/bulk-002");
			const closed = !s.tasks.some((t) => s.repos.find((r) => r.id === t.repoId)?.name === "acme/bulk-001" && t.prNumber === 1);
			return s.github?.phase === "done" && closed && gone ? true : undefined;
		}, 60_000);
	});
});

describe("conditional requests and rate limits", () => {
	it("an unchanged re-sync is answered with 304s for every page, multi-page lists included, and changes no task", async () => {
		// 7 per page here: the repository listing and the 9-PR repositories span several pages.
		await buildWorld(backend.sim, { owner: "acme", repos: 6, pulls: 9, prefix: "small", webhookUrl: `${backend.url}/v1/webhooks/github` });
		await client.github.sync();
		const first = await eventually(async () => {
			const st = await client.github.status();
			return st.phase === "done" && (await snapshot()).repos.filter((r) => r.name.startsWith("acme/small-")).length === 6 ? st : undefined;
		}, 60_000);
		const tasksBefore = await client.tasks.list({ includeArchived: true });
		await client.github.sync();
		const second = await eventually(async () => {
			const st = await client.github.status();
			return st.phase === "done" && st.generation > first.generation ? st : undefined;
		}, 60_000);
		const repoCount = (await snapshot()).repos.filter((r) => r.name.startsWith("acme/")).length;
		// Every PR listing and the repository listing itself came back 304 on every page.
		expect(second.notModified - first.notModified).toBe(repoCount + 1);
		expect(await client.tasks.list({ includeArchived: true })).toEqual(tasksBefore);
	});

	it("rate-limit exhaustion shows 'rate limited until T' and the sync completes after the reset", async () => {
		// Conditional hits (304) are free, but nothing is served once the budget is spent. Four
		// changed PR listings at two requests per window stall the re-sync at least once; each
		// listing read is kept, so every window makes progress.
		const gh = await octokitAs(backend.sim, "octocat");
		for (let r = 0; r < 4; r++) await gh.rest.pulls.update({ owner: "acme", repo: `small-00${r}`, pull_number: 1, title: `Retitled ${r}` });
		await backend.sim.control("PUT", "/rate-limit", { authenticated: 2, windowMs: 2_000 });
		try {
			const before = await client.github.status();
			await client.github.sync();
			const limited = await eventually(async () => {
				const st = await client.github.status();
				return st.phase === "rate_limited" ? st : undefined;
			}, 60_000);
			expect(limited.rateLimitedUntil).toBeGreaterThan(Date.now() - 5_000);
			expect(limited.error).toMatch(/rate limit/i);
			const done = await eventually(async () => {
				const st = await client.github.status();
				return st.phase === "done" && st.generation > before.generation ? st : undefined;
			}, 90_000);
			expect(done.rateLimitedUntil).toBeNull();
		} finally {
			await backend.sim.control("PUT", "/rate-limit", { authenticated: 5_000, windowMs: 3_600_000 });
		}
	}, 150_000);
});

describe("sync failures", () => {
	it("land on the GitHub status with the message, as a runtime issue and an event; the next sync recovers", async () => {
		const before = await client.github.status();
		await backend.sim.control("PUT", "/faults", { path: "^/repos/acme/widgets/pulls", status: 500, count: 100 });
		try {
			await client.github.sync();
			const failed = await eventually(async () => {
				const s = await snapshot();
				return s.github?.phase === "error" && s.github.generation > before.generation ? s : undefined;
			}, 60_000);
			expect(failed.github?.error).toMatch(/500|Server Error/);
			const issues = await eventually(async () => {
				const list = await client.runtimeIssues.list();
				return list.some((i) => i.actorName === "githubData") ? list : undefined;
			});
			expect(issues.find((i) => i.actorName === "githubData")).toMatchObject({ code: "UPSTREAM_FAILED", command: "githubData.syncPulls" });
		} finally {
			await backend.sim.control("DELETE", "/faults");
		}
		await client.github.sync();
		await eventually(async () => ((await client.github.status()).phase === "done" ? true : undefined), 60_000);
	});
});

describe("membership from GitHub", () => {
	it("a member removed from the GitHub organization loses access (webhook)", async () => {
		const hubot = backend.clientFor((await backend.signIn("hubot")).sessionToken, "acme");
		await eventually(async () => ((await hubot.me.profile()).organizations.some((o) => o.orgId === "acme") ? true : undefined), 30_000);
		expect(Array.isArray(await hubot.tasks.list())).toBe(true);
		await backend.sim.control("DELETE", "/orgs/acme/members/hubot");
		await eventually(async () => {
			try {
				await hubot.tasks.list();
				return undefined;
			} catch (err) {
				return (err as { code?: string }).code === "FORBIDDEN" ? true : undefined;
			}
		}, 30_000);
		expect((await client.members.list()).map((m) => m.login)).not.toContain("hubot");
		// A member sync that read GitHub before the removal reached us (hubot's sign-in racing it)
		// does not bring them back.
		const internal = deriveInternalCredential(readFileSync(join(backend.dataDir, "auth-secret"), "utf8").trim());
		const peer = createClient<AppRegistry>({ endpoint: backend.engine().url, token: backend.engine().token, disableMetadataLookup: true });
		const userId = (await hubot.me.profile()).id;
		const stale = await peer.organization.getOrCreate(["acme"], { params: { internal } }).send(
			QUEUE.organization.syncMember,
			{ userId, login: "hubot", avatarUrl: null, role: "member", account: { login: "acme", kind: "organization", name: "acme", avatarUrl: null, installation: "connected" }, observedAt: Date.now() - 60_000 },
			{ wait: true, timeout: 10_000 },
		);
		await peer.dispose();
		expect(stale).toMatchObject({ status: "completed", response: { ok: true, value: { changed: false } } });
		expect((await client.members.list()).map((m) => m.login)).not.toContain("hubot");
		expect(await hubot.tasks.list().then(() => "ok", (err: { code?: string }) => err.code)).toBe("FORBIDDEN");
	});
});

describe("installation events", () => {
	it("suspend → suspended; unsuspend → connected and re-synced; uninstall → install required", async () => {
		const world = await backend.sim.world();
		const id = world.installations.find((i) => i.account === "acme")?.id;
		expect(id).toBeDefined();
		const before = await client.github.status();
		await backend.sim.control("POST", `/installations/${id}/suspend`);
		await eventually(async () => ((await client.github.status()).installation === "suspended" ? true : undefined));
		await backend.sim.control("POST", `/installations/${id}/unsuspend`);
		await eventually(async () => {
			const st = await client.github.status();
			return st.installation === "connected" && st.phase === "done" && st.generation > before.generation ? true : undefined;
		}, 60_000);
		await backend.sim.control("DELETE", `/installations/${id}`);
		const gone = await eventually(async () => {
			const st = await client.github.status();
			return st.installation === "install_required" ? st : undefined;
		});
		expect(gone.installationId).toBeNull();
		await eventually(async () => ((await snapshot()).github?.installation === "install_required" ? true : undefined));
	});
});
