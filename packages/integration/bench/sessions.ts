// pnpm bench, step 5 (sessions), on its own backend with the scripted agent in a local sandbox.
// Stop latency: ROUNDS times, a long turn (`slow 200 100`, 20 s) is started, then stopped; measured
// from the stop request to the turn's `cancelled` end in the transcript (the goal: within a second)
// and to the session showing idle. Turn round trip: `ping` sent → its turn ended, as the baseline
// next to a plain action round trip (listSessions). FOUNDRY_BENCH_STOP_ROUNDS (10).
import type { FoundryClient } from "@foundry/client";
import type { TranscriptEvent } from "@foundry/shared";
import { eventually, startBackend } from "../test/harness.ts";

const ROUNDS = Number(process.env.FOUNDRY_BENCH_STOP_ROUNDS ?? 10);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))] ?? Number.NaN;
const fmt = (xs: number[]) => `p50 ${Math.round(median(xs))} ms, p90 ${Math.round(p90(xs))} ms`;

async function ends(client: FoundryClient, taskId: string, sessionId: string): Promise<TranscriptEvent[]> {
	return (await client.sessions.fullTranscript(taskId, sessionId)).filter((e) => e.kind === "turn_end");
}

async function main(): Promise<void> {
	const backend = await startBackend();
	try {
		const client = backend.client();
		const repo = await eventually(async () => (await client.repos.list()).find((r) => r.name === "acme/widgets"), 60_000);
		const task = await client.tasks.create({ repo: repo.id, prompt: "bench", title: "Stop bench", startSession: false });
		const created = await client.sessions.create(task.id, {});
		await eventually(async () => ((await client.sessions.list(task.id)).find((s) => s.id === created.id)?.status === "ready" ? true : undefined), 60_000);
		const action: number[] = [];
		const roundTrip: number[] = [];
		const toEnd: number[] = [];
		const toIdle: number[] = [];
		for (let i = 0; i < ROUNDS; i++) {
			let t0 = performance.now();
			await client.sessions.list(task.id);
			action.push(performance.now() - t0);

			const before = (await ends(client, task.id, created.id)).length;
			t0 = performance.now();
			await client.sessions.send(task.id, created.id, "ping");
			await eventually(async () => ((await ends(client, task.id, created.id)).length > before ? true : undefined), 30_000);
			roundTrip.push(performance.now() - t0);
			await eventually(async () => ((await client.sessions.list(task.id))[0]?.status === "idle" ? true : undefined), 30_000);

			await client.sessions.send(task.id, created.id, "slow 200 100");
			await eventually(async () => ((await client.sessions.list(task.id))[0]?.status === "running" ? true : undefined), 30_000);
			const asked = Date.now();
			t0 = performance.now();
			await client.sessions.stop(task.id, created.id);
			const ended = await eventually(async () => (await ends(client, task.id, created.id)).at(-1)?.text === "cancelled" ? (await ends(client, task.id, created.id)).at(-1) : undefined, 30_000);
			toEnd.push((ended?.at ?? asked) - asked);
			await eventually(async () => ((await client.sessions.list(task.id))[0]?.status === "idle" ? true : undefined), 30_000);
			toIdle.push(performance.now() - t0);
		}
		console.log(`sessions bench (${ROUNDS} rounds, scripted agent, local sandbox)`);
		console.log(`  action round trip (listSessions)      ${fmt(action)}  (baseline)`);
		console.log(`  ping turn: send → turn ended          ${fmt(roundTrip)}  (${(median(roundTrip) / median(action)).toFixed(1)}× baseline)`);
		console.log(`  stop → turn cancelled in the agent    ${fmt(toEnd)}  (${(median(toEnd) / median(action)).toFixed(1)}× baseline; goal < 1000 ms)`);
		console.log(`  stop → session idle for clients       ${fmt(toIdle)}  (${(median(toIdle) / median(action)).toFixed(1)}× baseline)`);
	} finally {
		await backend.stop({ cleanup: true });
	}
}

main().catch((err: unknown) => {
	console.error(err);
	process.exit(1);
});
