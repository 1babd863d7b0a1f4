// pnpm bench: latency of a trivial action (the floor), then createTask and listTasks with 100,
// 1,000 and 10,000 tasks in the organization — all on one backend, in one run. Prints medians,
// p99s and each as a ratio of the floor. FOUNDRY_BENCH_SIZES="100,1000" runs fewer sizes.
// Sign-in: the OAuth callback (code exchange, user read, records stored) against the simulator,
// as a ratio of a plain HTTP round trip to the simulator measured in the same run.
// GitHub data (sync, re-sync, webhook burst) is bench/github.ts, which `pnpm bench` runs next on a
// backend of its own.
import type { FoundryClient } from "@foundry/client";
import { authorizeAt, callback, startSignIn } from "../test/auth-flow.ts";
import { startBackend, type TestBackend } from "../test/harness.ts";

const SIZES = (process.env.FOUNDRY_BENCH_SIZES ?? "100,1000,10000").split(",").map(Number);
const FLOOR_SAMPLES = 200;
const CREATE_SAMPLES = 50;
const LIST_SAMPLES = 20;
const SEED_CONCURRENCY = 16;
const SIGN_IN_SAMPLES = 40;

interface Stats {
	median: number;
	p99: number;
}

function stats(samples: number[]): Stats {
	const sorted = [...samples].sort((a, b) => a - b);
	const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
	return { median: at(0.5), p99: at(0.99) };
}

async function time(samples: number, run: (i: number) => Promise<unknown>): Promise<Stats> {
	const out: number[] = [];
	for (let i = 0; i < samples; i++) {
		const started = performance.now();
		await run(i);
		out.push(performance.now() - started);
	}
	return stats(out);
}

async function seed(client: FoundryClient, repo: string, from: number, to: number): Promise<number> {
	const started = performance.now();
	let next = from;
	const worker = async () => {
		while (next < to) {
			const i = next++;
			await client.tasks.create({ startSession: false, repo, prompt: `Seed task number ${i}`, requestId: `seed-${i}-xxxxxxxx` });
		}
	};
	await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
	return ((to - from) / (performance.now() - started)) * 1000;
}

const fmt = (ms: number) => ms.toFixed(1).padStart(8);
const ratio = (ms: number, floor: number) => `${(ms / floor).toFixed(1)}x`.padStart(7);

/** Callback latency of sign-ins by the demo users in turn, against a plain round trip to the simulator. */
async function signInRows(backend: TestBackend, line: (label: string, s: Stats, base: Stats) => string): Promise<string[]> {
	const plain = await time(100, async () => {
		const res = await fetch(`${backend.sim.api}/users/octocat`);
		await res.arrayBuffer();
	});
	const samples: number[] = [];
	for (let i = 0; i < SIGN_IN_SAMPLES; i++) {
		const { jar, authorizeUrl } = await startSignIn(backend.url);
		const url = await authorizeAt(authorizeUrl, i % 2 === 0 ? "octocat" : "hubot");
		const started = performance.now();
		const res = await callback(url, jar);
		samples.push(performance.now() - started);
		if (res.status !== 302 || res.headers.get("location")?.includes("error")) throw new Error(`sign-in ${i} failed: ${res.status} ${res.headers.get("location")}`);
	}
	const cb = stats(samples);
	return [line("plain HTTP to simulator", plain, plain), line("sign-in callback", cb, plain)];
}

async function main() {
	const backend = await startBackend({ env: { FOUNDRY_LOG_LEVEL: "error" } });
	const client = backend.client();
	try {
		await client.ping();
		const floor = await time(FLOOR_SAMPLES, () => client.ping());
		const repo = (await client.repos.add("https://example.com/bench/repo")).id;
		const rows: string[] = [];
		const against = (label: string, s: Stats, base: Stats) =>
			`${label.padEnd(26)} ${fmt(s.median)} ${fmt(s.p99)} ${ratio(s.median, base.median)} ${ratio(s.p99, base.p99)}`;
		const line = (label: string, s: Stats) => against(label, s, floor);
		const signIn = await signInRows(backend, against);
		rows.push(line("floor: trivial action", floor));
		let count = 0;
		for (const size of SIZES) {
			const target = size - CREATE_SAMPLES;
			if (target > count) {
				const rate = await seed(client, repo, count, target);
				console.error(`seeded to ${target} tasks at ${rate.toFixed(0)} creates/s`);
				count = target;
			}
			const create = await time(CREATE_SAMPLES, (i) => client.tasks.create({ startSession: false, repo, prompt: `Measured task ${size}-${i}` }));
			count += CREATE_SAMPLES;
			const list = await time(LIST_SAMPLES, () => client.tasks.list());
			const listed = (await client.tasks.list()).length;
			rows.push(line(`createTask @ ${size}`, create), line(`listTasks  @ ${size} (${listed})`, list));
		}
		console.log(`\n${"operation".padEnd(26)} ${"median".padStart(8)} ${"p99".padStart(8)} ${"med/fl".padStart(7)} ${"p99/fl".padStart(7)}   (ms)`);
		for (const r of rows) console.log(r);
		console.log(`\n${"sign-in".padEnd(26)} ${"median".padStart(8)} ${"p99".padStart(8)} ${"med/rt".padStart(7)} ${"p99/rt".padStart(7)}   (ms; rt = plain HTTP round trip)`);
		for (const r of signIn) console.log(r);
	} finally {
		await backend.stop({ cleanup: true });
	}
}

main().catch((err: unknown) => {
	console.error(err);
	process.exit(1);
});
