// pnpm bench, step 4 (GitHub data), on its own backend + simulator (so peak RSS is its own). Sync:
// REPOS repositories × PULLS open PRs in a new simulator org (App installed, octocat admin); octocat
// refreshing his organizations makes him the first member, which starts the first sync. Wall time,
// GitHub requests vs minimum pages, peak RSS (VmHWM), task actors created (must be 0), virtual
// tasks; then an unchanged re-sync (requestSync) and its share of 304s (the backend's counter).
// Webhooks: WEBHOOKS signed `pull_request.opened` deliveries straight to the backend at c=16, every
// 10th sent again verbatim (same X-GitHub-Delivery): ack p50/p99 vs GET /v1/health at c=16, lost
// deliveries, duplicates processed (tasks created twice; deliveries processed twice, from the
// actor's debug line "webhook", once per fresh delivery). Sizes: FOUNDRY_BENCH_GH_REPOS (100),
// FOUNDRY_BENCH_GH_PULLS (20), FOUNDRY_BENCH_WEBHOOKS (1000); FOUNDRY_GITHUB_PAGE_SIZE (100) passes through.
// FOUNDRY_BENCH_LOG=<file> keeps the backend's (debug) log there.
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import type { FoundryClient, OrganizationSnapshot } from "@foundry/client";
import type { GithubStatus } from "@foundry/shared";
import { actorCount, buildWorld, setWebhook } from "../test/github-world.ts";
import { startBackend, type TestBackend } from "../test/harness.ts";

const REPOS = Number(process.env.FOUNDRY_BENCH_GH_REPOS ?? 100);
const PULLS = Number(process.env.FOUNDRY_BENCH_GH_PULLS ?? 20);
const WEBHOOKS = Number(process.env.FOUNDRY_BENCH_WEBHOOKS ?? 1000);
const PAGE = Number(process.env.FOUNDRY_GITHUB_PAGE_SIZE ?? 100);
const ORG = "benchorg";
const CONCURRENCY = 16;
const DUPLICATE_EVERY = 10;
const SYNC_TIMEOUT_MS = 15 * 60_000;
const STALL_MS = 60_000; // waiting gives up after this long without progress

type Stats = { median: number; p99: number };
function stats(samples: number[]): Stats {
	const sorted = [...samples].sort((a, b) => a - b);
	const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
	return { median: at(0.5), p99: at(0.99) };
}

/** Runs `items` through `run` with `concurrency` workers; returns each call's latency (ms). */
async function pool<T>(items: T[], run: (item: T) => Promise<unknown>, concurrency = CONCURRENCY): Promise<number[]> {
	const latencies: number[] = [];
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const item = items[next++] as T;
			const started = performance.now();
			await run(item);
			latencies.push(performance.now() - started);
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return latencies;
}

/** A /proc/<pid>/status figure in MB (VmHWM: peak resident set; VmRSS: current). */
function memMb(pid: number | null | undefined, key: "VmHWM" | "VmRSS"): number {
	if (!pid) return Number.NaN;
	try {
		const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
		return m ? Number(m[1]) / 1024 : Number.NaN;
	} catch {
		// The process is gone or there is no /proc (not Linux): "not measured".
		return Number.NaN;
	}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 50 ms; fails after `timeoutMs`, or after STALL_MS without `progress` changing. */
async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs: number, progress?: () => string): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last = progress?.();
	let movedAt = Date.now();
	for (;;) {
		const v = await check();
		if (v !== undefined) return v;
		const now = progress?.();
		if (now !== last) [last, movedAt] = [now, Date.now()];
		if (Date.now() > deadline || (progress && Date.now() - movedAt > STALL_MS)) throw new Error(`${what}: not reached (${last ?? "timeout"})`);
		await sleep(50);
	}
}

/** A live view of an organization snapshot (one subscription for the whole run). */
async function watch(client: FoundryClient): Promise<{ now(): OrganizationSnapshot; close(): Promise<void> }> {
	const box: { s: OrganizationSnapshot | null } = { s: null };
	const sub = await client.subscribeOrganization((s) => {
		box.s = s;
	});
	await sub.ready;
	// `ready` means the first snapshot was delivered.
	return { now: () => box.s!, close: () => sub.close() };
}

/** The sync status once a generation after `after` is done; throws when the sync failed. */
function syncDone(s: OrganizationSnapshot, after: number): GithubStatus | undefined {
	const g = s.github;
	if (g && (g.phase === "error" || g.phase === "rate_limited")) throw new Error(`sync ${g.phase}: ${g.error}`);
	return g && g.phase === "done" && g.generation > after ? g : undefined;
}

async function control(backend: TestBackend, method: string, path: string, body?: unknown): Promise<void> {
	const res = await backend.sim.control(method, path, body);
	if (!res.ok) throw new Error(`sim ${method} ${path}: ${res.status} ${await res.text()}`);
}

/** `pull_request.opened` for PR 10000+i on the i-th repository (round robin), signed like GitHub. */
function delivery(i: number, repo: { id: number; name: string; fullName: string }, installationId: number, secret: string, webUrl: string) {
	const number = 10_000 + i;
	const branch = `burst/${i}`;
	const body = JSON.stringify({
		action: "opened",
		number,
		pull_request: {
			...{ number, title: `Burst change ${i}`, html_url: `${webUrl}/${repo.fullName}/pull/${number}`, state: "open", draft: false },
			...{ merged: false, merged_at: null, updated_at: new Date().toISOString(), user: { login: "octocat" } },
			...{ head: { ref: branch, sha: "0".repeat(40) }, base: { ref: "main" } },
		},
		repository: { id: repo.id, name: repo.name, full_name: repo.fullName, owner: { login: ORG } },
		organization: { login: ORG },
		installation: { id: installationId },
		sender: { login: "octocat" },
	});
	const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
	return { id: randomUUID(), body, signature, repo: repo.fullName, branch };
}

/** How often the github-data actor processed each delivery (its debug line per fresh delivery). */
function processedCounts(output: string): Map<string, number> {
	const counts = new Map<string, number>();
	for (const line of output.split("\n")) {
		const id = line.includes('"msg":"webhook"') ? /"deliveryId":"([^"]+)"/.exec(line)?.[1] : undefined;
		if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
	}
	return counts;
}

/** Warnings and errors the backend logged (pino level ≥ 40), grouped by level and message. */
function logProblems(output: string): Map<string, number> {
	const counts = new Map<string, number>();
	for (const line of output.split("\n")) {
		if (!line.startsWith("{")) continue;
		try {
			const e = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
			const key = `${e.level} ${e.msg}${e.err?.message ? `: ${e.err.message}` : ""}`;
			if ((e.level ?? 0) >= 40) counts.set(key, (counts.get(key) ?? 0) + 1);
		} catch {
			// A line interleaved with another process's output is not a log entry: skip it.
		}
	}
	return counts;
}

const pages = (items: number) => Math.max(1, Math.ceil(items / PAGE));
const fmt = (ms: number) => ms.toFixed(1).padStart(8);
const mb = (n: number) => `${n.toFixed(0)} MB`;
const row = (label: string, value: string, note = "") => console.log(`${label.padEnd(34)} ${value.padStart(14)}  ${note}`);
const failures: string[] = [];
function mustBe<T>(what: string, actual: T, expected: T): string {
	if (actual === expected) return "ok";
	failures.push(`${what}: ${String(actual)}, must be ${String(expected)}`);
	return `FAIL (must be ${String(expected)})`;
}

async function main() {
	// Debug level, for the github-data actor's line per fresh delivery (duplicates processed).
	const backend = await startBackend({ env: { FOUNDRY_LOG_LEVEL: "debug" } });
	const views: Array<{ close(): Promise<void> }> = [];
	try {
		const acme = backend.client();
		// The demo org syncs at sign-in; let it finish so the (process-wide) request counter is quiet.
		await until("acme sync", async () => ((await acme.github.status()).phase === "done" ? true : undefined), 60_000);

		// World, with webhooks off so nothing reaches the backend before the trigger.
		const builtAt = performance.now();
		await setWebhook(backend.sim, null);
		await control(backend, "POST", "/orgs", { login: ORG });
		await control(backend, "PUT", `/orgs/${ORG}/members/octocat`, { role: "admin" });
		await buildWorld(backend.sim, { owner: ORG, repos: REPOS, pulls: PULLS, prefix: "svc", webhookUrl: null });
		await control(backend, "POST", "/installations", { account: ORG });
		await setWebhook(backend.sim, `${backend.url}/v1/webhooks/github`);
		const world = await backend.sim.world();
		console.error(`built ${REPOS} repos × ${PULLS} PRs under ${ORG} in ${((performance.now() - builtAt) / 1000).toFixed(1)} s`);

		// First sync: octocat's organization refresh makes him the first member, which starts it.
		const pid = backend.process.pid;
		const [rssBefore, hwmBefore] = [memMb(pid, "VmRSS"), memMb(pid, "VmHWM")];
		const actorsBefore = await actorCount(backend.engine(), "task");
		const requests0 = (await acme.github.status()).requests;
		const t0 = Date.now();
		await acme.me.refreshOrganizations();
		await until("org in octocat's profile", async () => ((await acme.me.profile()).organizations.some((o) => o.orgId === ORG) ? true : undefined), 60_000);
		const bench = backend.clientFor(backend.token, ORG);
		const view = await watch(bench);
		views.push(view);
		const progress = () => `${view.now().github?.phase} ${view.now().github?.processed}/${view.now().github?.total}, ${view.now().tasks.length} tasks`;
		const first = await until("first sync done", () => syncDone(view.now(), 0), SYNC_TIMEOUT_MS, progress);
		const [doneSeenMs, syncMs] = [Date.now() - t0, (first.lastSyncedAt ?? Date.now()) - t0];
		const expected = REPOS * PULLS;
		const prTasks = () => view.now().tasks.filter((t) => t.prNumber !== null && !t.branch.startsWith("burst/"));
		await until("all virtual tasks visible", () => (prTasks().length >= expected ? true : undefined), 60_000, progress).catch((err: unknown) => console.error(String(err)));
		const visibleMs = Date.now() - t0;
		const hwmSync = memMb(pid, "VmHWM");
		const synced = prTasks();
		const distinctSynced = new Set(synced.map((t) => `${t.repoId}:${t.branch}`)).size;
		const actorsAfterSync = await actorCount(backend.engine(), "task");
		const requests1 = first.requests - requests0;
		const [installs, members] = [world.installations.length, world.orgs.find((o) => o.login === ORG)?.members.length ?? 1];
		const minPages = pages(installs) + pages(REPOS) + REPOS * pages(PULLS) + pages(members);

		// Unchanged re-sync.
		const t1 = Date.now();
		await bench.github.sync();
		const second = await until("re-sync done", () => syncDone(view.now(), first.generation), SYNC_TIMEOUT_MS, progress);
		const [resyncMs, resyncActorMs] = [Date.now() - t1, (second.lastSyncedAt ?? Date.now()) - t1];
		const [requests2, notModified] = [second.requests - first.requests, second.notModified - first.notModified];
		const tasksAfterResync = prTasks().length;

		// Webhook burst: every DUPLICATE_EVERY-th delivery is sent again, at a random later place.
		const repos = world.repos.filter((r) => r.owner === ORG);
		const deliveries = Array.from({ length: WEBHOOKS }, (_, i) =>
			delivery(i, repos[i % repos.length]!, second.installationId ?? 0, world.app.webhookSecret, backend.sim.url),
		);
		const sends = [...deliveries];
		for (const d of deliveries.filter((_, i) => i % DUPLICATE_EVERY === 0)) {
			const after = sends.indexOf(d) + 1;
			sends.splice(after + Math.floor(Math.random() * (sends.length - after + 1)), 0, d);
		}
		const plain = () => fetch(`${backend.url}/v1/health`).then((r) => r.arrayBuffer());
		const healthSeq = await pool(Array.from({ length: 100 }), plain, 1);
		const health = await pool(sends, plain);
		const refused: string[] = [];
		const acked = new Set<string>();
		const burstAt = performance.now();
		const acks = await pool(sends, async (d) => {
			const headers = { "content-type": "application/json", "x-github-event": "pull_request", "x-github-delivery": d.id, "x-hub-signature-256": d.signature };
			const res = await fetch(`${backend.url}/v1/webhooks/github`, { method: "POST", headers, body: d.body });
			const text = await res.text();
			if (res.status === 202) acked.add(d.id);
			else refused.push(`${res.status} ${text.slice(0, 160)}`);
		});
		const ackWallMs = performance.now() - burstAt;
		const repoIds = new Map(view.now().repos.map((r) => [r.name, r.id]));
		const keyOf = (d: { repo: string; branch: string }) => `${repoIds.get(d.repo)}:${d.branch}`;
		const burstTasks = () => view.now().tasks.filter((t) => t.branch.startsWith("burst/"));
		const seen = () => new Set(burstTasks().map((t) => `${t.repoId}:${t.branch}`));
		// Every acknowledged delivery must become a task; refused ones (non-202) cannot.
		const ackedKeys = deliveries.filter((d) => acked.has(d.id)).map(keyOf);
		const complete = () => (ackedKeys.every((k) => seen().has(k)) ? true : undefined);
		await until("every acked PR a task", complete, SYNC_TIMEOUT_MS, () => String(seen().size)).catch((err: unknown) => console.error(String(err)));
		const drainMs = performance.now() - burstAt;
		const found = seen();
		const lostDeliveries = deliveries.filter((d) => !found.has(keyOf(d)));
		const [lost, lostAfterAck] = [lostDeliveries.length, lostDeliveries.filter((d) => acked.has(d.id)).length];
		const duplicateTasks = burstTasks().length - found.size;
		const processed = processedCounts(backend.output());
		const times = deliveries.map((d) => processed.get(d.id) ?? 0);

		console.log(`\ngithub sync: ${REPOS} repos × ${PULLS} open PRs (per_page ${PAGE})`);
		row("first sync: trigger → done", `${doneSeenMs} ms`, `${(expected / (doneSeenMs / 1000)).toFixed(0)} PRs/s; github-data done at ${syncMs} ms, every task at ${visibleMs} ms`);
		const minNote = `min = ${pages(installs)} installations + ${pages(REPOS)} repos + ${REPOS}×${pages(PULLS)} pulls + ${pages(members)} members`;
		row("requests / minimum pages", `${requests1} / ${minPages}`, `${(requests1 / minPages).toFixed(2)}x; ${minNote}`);
		row("peak RSS backend (VmHWM)", mb(hwmSync), `before the sync: RSS ${mb(rssBefore)}, peak ${mb(hwmBefore)}`);
		row("task actors created", String(actorsAfterSync - actorsBefore), mustBe("task actors created by the sync", actorsAfterSync - actorsBefore, 0));
		row("virtual tasks / open PRs", `${synced.length} / ${expected}`, `${distinctSynced} distinct; ${mustBe("virtual tasks", synced.length, expected)}`);
		row("unchanged re-sync: wall", `${resyncMs} ms`, `${(resyncMs / doneSeenMs).toFixed(2)}x the first; github-data done at ${resyncActorMs} ms; tasks after: ${tasksAfterResync}`);
		row("re-sync requests / minimum pages", `${requests2} / ${minPages}`, `${(requests2 / minPages).toFixed(2)}x`);
		row("re-sync 304 share", `${((notModified / Math.max(1, requests2)) * 100).toFixed(1)}%`, `${notModified} of ${requests2} requests (the backend's notModified counter)`);

		const [h, hs, a] = [stats(health), stats(healthSeq), stats(acks)];
		const ratio = (x: number, y: number) => `${(x / y).toFixed(1)}x`.padStart(7);
		const line = (label: string, s: Stats) => console.log(`${label.padEnd(34)} ${fmt(s.median)} ${fmt(s.p99)} ${ratio(s.median, h.median)} ${ratio(s.p99, h.p99)}`);
		const title = `webhooks: ${WEBHOOKS} + ${sends.length - WEBHOOKS} dup, c=${CONCURRENCY}`;
		console.log(`\n${title.padEnd(34)} ${"median".padStart(8)} ${"p99".padStart(8)} ${"med/rt".padStart(7)} ${"p99/rt".padStart(7)}   (ms; rt = GET /v1/health at c=${CONCURRENCY})`);
		line("GET /v1/health (sequential)", hs);
		line(`GET /v1/health (c=${CONCURRENCY})`, h);
		line("webhook ack (202)", a);
		row("acks/s", ((sends.length / ackWallMs) * 1000).toFixed(0), `${sends.length} requests in ${ackWallMs.toFixed(0)} ms`);
		row("non-202 responses", String(refused.length), `${mustBe("non-202 webhook responses", refused.length, 0)} ${refused[0] ?? ""}`);
		row("burst → every acked PR a task", `${drainMs.toFixed(0)} ms`, `${((found.size / drainMs) * 1000).toFixed(1)} deliveries/s processed`);
		row("deliveries lost", String(lost), `${mustBe("deliveries lost", lost, 0)}; ${lostAfterAck} of them acked 202, ${lost - lostAfterAck} never acked`);
		row("duplicate tasks", String(duplicateTasks), mustBe("duplicate tasks", duplicateTasks, 0));
		const twice = times.filter((n) => n > 1).length;
		row("deliveries processed > once (log)", String(twice), `${mustBe("deliveries processed more than once", twice, 0)}; ${times.filter((n) => n > 0).length}/${WEBHOOKS} processed`);
		row("peak RSS backend at end", mb(memMb(pid, "VmHWM")), `engine peak ${mb(memMb(backend.enginePid(), "VmHWM"))}; task actors ${await actorCount(backend.engine(), "task")}`);
		const problems = logProblems(backend.output());
		console.log(`\nbackend warnings/errors: ${problems.size === 0 ? "none" : ""}`);
		for (const [msg, n] of problems) console.log(`  ${String(n).padStart(5)} × ${msg.slice(0, 200)}`);
		if (process.env.FOUNDRY_BENCH_LOG) writeFileSync(process.env.FOUNDRY_BENCH_LOG, backend.output()); // the backend's full log
	} finally {
		await Promise.allSettled(views.map((v) => v.close()));
		await backend.stop({ cleanup: true });
	}
	if (failures.length > 0) {
		console.error(`\nFAILED: ${failures.join("; ")}`);
		process.exitCode = 1;
	}
}

main().catch((err: unknown) => {
	console.error(err);
	process.exit(1);
});
