// pnpm soak: FOUNDRY_SOAK_ROUNDS (20) rounds of kill -9 of the backend at a random moment under a
// mixed load — task creates, agent turns and stops in real sandboxes, pull requests opened on the
// GitHub simulator (webhooks) — each followed by a new backend on the same data dir. After every
// restart: how long until no turn is left open (recovery), and whether every acknowledged create
// and every opened PR exists exactly once. Prints lost / duplicated / stuck counts (all must be 0)
// and the recovery time p50 / max; exits 1 when a count is not 0.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FoundryClient } from "@foundry/client";
import { startSim } from "@foundry/github-sim/harness";
import { createRepo, octokitAs, openPull } from "../test/github-world.ts";
import { DEFAULT_ORG, eventually, startBackend, type TestBackend } from "../test/harness.ts";

const ROUNDS = Number(process.env.FOUNDRY_SOAK_ROUNDS ?? 20);
const WORKERS = 2;
/** FOUNDRY_SOAK_LOGS=<dir>: each killed backend's output is kept there (round-N.log). */
const LOGS = process.env.FOUNDRY_SOAK_LOGS ?? null;
/** The backends' log level (warn unless set: `info` shows every command, for hunting a stuck turn). */
const LOG_ENV: Record<string, string> = process.env.FOUNDRY_SOAK_LOG_LEVEL ? { FOUNDRY_LOG_LEVEL: process.env.FOUNDRY_SOAK_LOG_LEVEL } : {};
if (LOGS) mkdirSync(LOGS, { recursive: true });
const SOAK_REPO = "soak";
const BRANCHES = 20 * ROUNDS;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rand = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo));

interface Counts {
	lost: number;
	duplicated: number;
	stuck: number;
}

interface State {
	created: Map<string, string>; // acknowledged creates: task id → title
	pulls: Set<string>; // branches whose PR the simulator acknowledged
	workers: Array<{ taskId: string; sessionId: string }>;
}

async function retry<T>(run: () => Promise<T>, timeoutMs = 90_000): Promise<T> {
	return eventually(() => run().catch(() => undefined), timeoutMs);
}

/** Mixed load until `stop` is set: creates, turns and stops, PRs opened (webhooks). */
function load(client: FoundryClient, state: State, repoId: string, round: number, gh: Awaited<ReturnType<typeof octokitAs>>, nextBranch: () => number) {
	let stop = false;
	let creates = 0;
	const creator = async () => {
		while (!stop) {
			const title = `soak r${round} c${creates++}`;
			await client.tasks.create({ repo: repoId, title, prompt: title, startSession: false }).then(
				(t) => {
					if (!stop) state.created.set(t.id, t.title);
				},
				() => undefined, // not acknowledged (the crash cut it off)
			);
		}
	};
	const worker = async (w: { taskId: string; sessionId: string }) => {
		while (!stop) {
			const s = (await client.sessions.list(w.taskId).catch(() => [])).find((x) => x.id === w.sessionId);
			if (s && (s.status === "idle" || s.status === "ready")) await client.sessions.send(w.taskId, w.sessionId, Math.random() < 0.5 ? "slow 30 100" : "ping").catch(() => undefined);
			else if (s?.status === "running" && Math.random() < 0.3) await client.sessions.stop(w.taskId, w.sessionId).catch(() => undefined);
			await sleep(rand(200, 800));
		}
	};
	const webhooks = async () => {
		while (!stop) {
			const branch = `soak/${nextBranch()}`;
			await openPull(gh, "acme", SOAK_REPO, branch).then(
				() => state.pulls.add(branch),
				() => undefined,
			);
			await sleep(rand(300, 1_000));
		}
	};
	const running = Promise.all([creator(), creator(), webhooks(), ...state.workers.map(worker)]);
	return {
		end: async () => {
			stop = true;
			await running;
		},
	};
}

/** After a restart: until no worker session is busy and no turn is open in metering. */
async function recovered(client: FoundryClient, state: State, timeoutMs: number): Promise<number | null> {
	const started = Date.now();
	try {
		await eventually(async () => {
			const usage = await client.billing.usage().catch(() => null);
			if (usage?.running !== 0) return undefined;
			for (const w of state.workers) {
				const s = (await client.sessions.list(w.taskId).catch(() => [])).find((x) => x.id === w.sessionId);
				if (!s || s.status === "running" || s.status === "needs_input" || s.status === "pending_provision") return undefined;
			}
			return true;
		}, timeoutMs);
		return Date.now() - started;
	} catch {
		const usage = await client.billing.usage("session").catch((err: unknown) => String(err));
		const sessions = await Promise.all(state.workers.map((w) => client.sessions.list(w.taskId).catch((err: unknown) => String(err))));
		console.log(`  stuck: usage ${JSON.stringify(usage)}; sessions ${JSON.stringify(sessions)}`);
		// What the sandbox side saw: its state and the stuck sessions' last transcript events.
		for (const w of state.workers) {
			const sandbox = await client.sandbox.get(w.taskId).catch((err: unknown) => String(err));
			const tail = await client.sessions
				.fullTranscript(w.taskId, w.sessionId)
				.then((events) => events.slice(-8).map((e) => `${new Date(e.at).toISOString()} ${e.sender}/${e.kind}: ${e.text.slice(0, 120)}`))
				.catch((err: unknown) => [String(err)]);
			console.log(`  ${w.taskId}: sandbox ${JSON.stringify(sandbox)}\n    ${tail.join("\n    ")}`);
		}
		return null;
	}
}

/** Creates lost or doubled so far; with `pulls`, the PRs' tasks too (only once the sync caught up). */
async function check(client: FoundryClient, state: State, soakRepoId: string, pulls: boolean, quiet = pulls): Promise<Counts> {
	const tasks = await retry(() => client.tasks.list({}));
	const titles = new Map<string, number>();
	for (const t of tasks) titles.set(t.title, (titles.get(t.title) ?? 0) + 1);
	const ids = new Set(tasks.map((t) => t.id));
	let lost = [...state.created.keys()].filter((id) => !ids.has(id)).length;
	let duplicated = [...titles.entries()].filter(([title, n]) => title.startsWith("soak r") && n > 1).length;
	const branches = new Map<string, number>();
	for (const t of tasks.filter((x) => x.repoId === soakRepoId)) branches.set(t.branch, (branches.get(t.branch) ?? 0) + 1);
	duplicated += [...branches.values()].filter((n) => n > 1).length;
	if (pulls) lost += [...state.pulls].filter((b) => !branches.has(b)).length;
	if (lost + duplicated > 0 && !quiet) {
		const detail = {
			lostCreates: [...state.created.entries()].filter(([id]) => !ids.has(id)),
			doubledTitles: [...titles.entries()].filter(([title, n]) => title.startsWith("soak r") && n > 1),
			doubledBranches: [...branches.entries()].filter(([, n]) => n > 1),
			lostPulls: pulls ? [...state.pulls].filter((b) => !branches.has(b)) : [],
		};
		console.log(`  detail: ${JSON.stringify(detail)}`);
	}
	return { lost, duplicated, stuck: 0 };
}

async function main(): Promise<void> {
	const sim = await startSim(["--demo"]);
	const gh = await octokitAs(sim, "octocat");
	await createRepo(
		sim,
		"acme",
		SOAK_REPO,
		Array.from({ length: BRANCHES }, (_, i) => `soak/${i}`),
	);
	let branch = 0;
	const state: State = { created: new Map(), pulls: new Set(), workers: [] };
	const totals: Counts = { lost: 0, duplicated: 0, stuck: 0 };
	const recoveries: number[] = [];
	let backend: TestBackend = await startBackend({ sim, env: LOG_ENV });
	const dataDir = backend.dataDir;
	const token = backend.token;
	try {
		let client = backend.client();
		const repo = await eventually(async () => (await client.repos.list()).find((r) => r.name === "acme/widgets"), 60_000);
		const soakRepo = await eventually(async () => (await client.repos.list()).find((r) => r.name === `acme/${SOAK_REPO}`), 60_000);
		for (let i = 0; i < WORKERS; i++) {
			const task = await client.tasks.create({ repo: repo.id, title: `soak worker ${i}`, prompt: "work", startSession: false });
			const session = await client.sessions.create(task.id, {});
			await eventually(async () => ((await client.sessions.list(task.id)).find((s) => s.id === session.id)?.status === "ready" ? true : undefined), 90_000);
			state.workers.push({ taskId: task.id, sessionId: session.id });
		}
		for (let round = 1; round <= ROUNDS; round++) {
			const running = load(client, state, repo.id, round, gh, () => branch++);
			await sleep(rand(2_000, 10_000));
			backend.process.kill("SIGKILL");
			await running.end();
			if (LOGS) writeFileSync(join(LOGS, `round-${round}.log`), backend.output());
			backend = await startBackend({ sim, dataDir, signIn: false, env: LOG_ENV });
			client = backend.clientFor(token, DEFAULT_ORG);
			const ms = await recovered(client, state, 120_000);
			if (ms === null) totals.stuck += 1;
			else recoveries.push(ms);
			const counts = await check(client, state, soakRepo.id, false);
			console.log(`round ${round}/${ROUNDS}: recovery ${ms === null ? "STUCK" : `${ms} ms`}, lost ${counts.lost}, duplicated ${counts.duplicated} (creates acked ${state.created.size}, PRs ${state.pulls.size})`);
			if (round === ROUNDS) {
				// The sync has caught up with every PR opened meanwhile; then the final counts.
				await client.github.sync().catch(() => undefined);
				const final = await eventually(async () => {
					const c = await check(client, state, soakRepo.id, true);
					return c.lost === 0 ? c : undefined;
				}, 120_000).catch(() => check(client, state, soakRepo.id, true, false));
				totals.lost = final.lost;
				totals.duplicated = final.duplicated;
				console.log(`final (sync caught up): lost ${final.lost}, duplicated ${final.duplicated}`);
			}
		}
		// The sessions take a message after all of it.
		for (const w of state.workers) {
			await client.sessions.send(w.taskId, w.sessionId, "ping");
			await eventually(async () => ((await client.sessions.fullTranscript(w.taskId, w.sessionId)).some((e) => e.text === "echo: ping" && e.at > Date.now() - 120_000) ? true : undefined), 120_000);
		}
	} finally {
		if (LOGS) writeFileSync(join(LOGS, "last.log"), backend.output());
		await backend.stop();
		rmSync(dataDir, { recursive: true, force: true });
		await sim.stop();
	}
	console.log(`soak: ${ROUNDS} rounds of kill -9 under load`);
	console.log(`  acknowledged creates ${state.created.size}, PRs opened ${state.pulls.size}`);
	console.log(`  lost ${totals.lost}, duplicated ${totals.duplicated}, stuck ${totals.stuck}`);
	console.log(`  recovery after restart: p50 ${Math.round(median(recoveries))} ms, max ${Math.max(...recoveries)} ms`);
	if (totals.lost + totals.duplicated + totals.stuck > 0) process.exit(1);
}

main().then(
	() => process.exit(0),
	(err: unknown) => {
		console.error(err);
		process.exit(1);
	},
);
