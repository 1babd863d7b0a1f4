// pnpm bench:cluster — createTask on a Rivet Engine cluster (PostgreSQL + NATS, `pnpm cluster`)
// with one runner and with two behind its front door, and on the embedded single-node engine, in
// one run: throughput at concurrency 16 and sequential p50/p99, with ratios to the embedded figures.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createFoundryClient, type FoundryClient } from "@foundry/client";
import { signIn } from "../test/auth-flow.ts";
import { eventually, freePort, REPO_ROOT, startBackend, terminate } from "../test/harness.ts";

const BURST = Number(process.env.FOUNDRY_BENCH_CLUSTER_TASKS ?? 400);
const SEQUENTIAL = 50;
const CONCURRENCY = 16;

interface Figures {
	perSecond: number;
	p50: number;
	p99: number;
	/** Creates refused FORBIDDEN and retried (a runner whose cached principal predates the membership). */
	refused: number;
}

const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? Number.NaN;

async function measure(client: FoundryClient, label: string): Promise<Figures> {
	// Right after sign-in the memberships are still on their way (FORBIDDEN until the principal has them).
	await eventually(async () => ((await client.me.profile()).organizations.some((o) => o.orgId === "acme") ? true : undefined), 60_000);
	const repo = await eventually(async () => (await client.repos.list().catch(() => [])).find((r) => r.name === "acme/widgets"), 60_000);
	let refused = 0;
	const create = async (i: number): Promise<unknown> => {
		for (;;) {
			try {
				return await client.tasks.create({ repo: repo.id, prompt: `${label} ${i}`, title: `${label} ${i}`, startSession: false });
			} catch (err) {
				if ((err as { code?: string }).code !== "FORBIDDEN") throw err;
				refused++;
				await new Promise((r) => setTimeout(r, 200));
			}
		}
	};
	// Warm-up: the organization awake, and the caller's principal current on every backend (one that
	// cached it before the membership arrived refuses it until its cache entry expires).
	for (let i = 0; i < 20; i++) await create(-1 - i);
	const lat: number[] = [];
	for (let i = 0; i < SEQUENTIAL; i++) {
		const t = performance.now();
		await create(i);
		lat.push(performance.now() - t);
	}
	const started = performance.now();
	for (let i = 0; i < BURST; i += CONCURRENCY) {
		await Promise.all(Array.from({ length: Math.min(CONCURRENCY, BURST - i) }, (_, j) => create(SEQUENTIAL + i + j)));
	}
	const perSecond = BURST / ((performance.now() - started) / 1000);
	return { perSecond, p50: pct(lat, 0.5), p99: pct(lat, 0.99), refused };
}

async function cluster(backends: 1 | 2): Promise<Figures> {
	const port = await freePort();
	const child: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, "scripts/cluster.mjs")], {
		env: { ...process.env, FOUNDRY_PORT: String(port), FOUNDRY_CLUSTER_BACKENDS: String(backends) },
		stdio: ["ignore", "pipe", "inherit"],
	});
	try {
		await new Promise<void>((ready, fail) => {
			child.stdout?.on("data", (chunk: Buffer) => {
				if (chunk.toString().includes("Foundry cluster ready on")) ready();
			});
			child.once("exit", (code) => fail(new Error(`pnpm cluster exited with ${code}`)));
		});
		const url = `http://127.0.0.1:${port}`;
		const { sessionToken } = await signIn(url, "octocat");
		const client = createFoundryClient({ endpoint: url, token: sessionToken, org: "acme" });
		try {
			return await measure(client, `cluster${backends}`);
		} finally {
			await client.dispose();
		}
	} finally {
		child.kill("SIGINT");
		await terminate(child, 60_000);
	}
}

async function embedded(): Promise<Figures> {
	const backend = await startBackend({});
	try {
		return await measure(backend.client(), "embedded");
	} finally {
		await backend.stop({ cleanup: true });
	}
}

const rows: Array<[string, Figures]> = [
	["embedded engine (1 backend)", await embedded()],
	["cluster, 1 runner", await cluster(1)],
	["cluster, 2 runners", await cluster(2)],
];
const base = rows[0]?.[1] as Figures;
console.log(`\ncreateTask: ${BURST} at concurrency ${CONCURRENCY}; ${SEQUENTIAL} sequential for latency`);
console.log(`${"".padEnd(30)}${"tasks/s".padStart(9)}${"×emb".padStart(7)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"p50×emb".padStart(9)}${"refused".padStart(9)}`);
for (const [label, f] of rows) {
	console.log(
		`${label.padEnd(30)}${f.perSecond.toFixed(1).padStart(9)}${(f.perSecond / base.perSecond).toFixed(2).padStart(7)}${f.p50.toFixed(1).padStart(9)}${f.p99.toFixed(1).padStart(9)}${(f.p50 / base.p50).toFixed(2).padStart(9)}${String(f.refused).padStart(9)}`,
	);
}
process.exit(0);
