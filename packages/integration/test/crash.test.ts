// kill -9 of the backend mid-turn and during a burst of creates (mid-sync: github-crash.test.ts),
// then a new backend on the same data dir: the engine and sandbox servers the dead one left are
// stopped, open turns close as interrupted within the recovery window, usage equals the sum of
// the closed turns, the next message works, and every acknowledged task exists exactly once.
import { readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import type { FoundryClient } from "@foundry/client";
import type { Session, TranscriptEvent } from "@foundry/shared";
import { describe, expect, it } from "vitest";
import { DEFAULT_ORG, eventually, processAlive, type TestBackend } from "./harness.ts";
import { restartFixture } from "./restart-fixture.ts";

const fixture = restartFixture();

/** Every process whose working directory is under `dir` (sandbox servers and their agents). */
function processesUnder(dir: string): number[] {
	const found: number[] = [];
	for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
		try {
			if (readlinkSync(`/proc/${entry}/cwd`).startsWith(dir)) found.push(Number(entry));
		} catch {
			// not ours, or gone
		}
	}
	return found;
}

/** kill -9 of the backend alone: its engine and sandboxes are left as a real crash leaves them. */
async function crash(backend: TestBackend): Promise<{ enginePid: number | null }> {
	const enginePid = backend.enginePid();
	backend.process.kill("SIGKILL");
	await eventually(async () => (backend.process.exitCode !== null || backend.process.signalCode !== null ? true : undefined));
	return { enginePid };
}

async function repoIdOf(client: FoundryClient): Promise<string> {
	return (await eventually(async () => (await client.repos.list()).find((r) => r.name === "acme/widgets"), 60_000)).id;
}

describe("kill -9 of the backend", () => {
	it("mid-turn: the turn closes as interrupted after the restart, usage is the sum of closed turns, the next message works, nothing is orphaned", async () => {
		const first = await fixture.start();
		const client = first.client();
		const repo = await repoIdOf(client);
		const task = await client.tasks.create({ repo, title: "Crash mid-turn", prompt: "slow 300 100" });
		const session = await eventually(async () => (await client.sessions.list(task.id)).find((s) => s.status === "running"), 60_000);
		await eventually(async () => ((await client.sessions.fullTranscript(task.id, session.id)).some((e) => e.text.startsWith("chunk 3/")) ? true : undefined), 30_000);
		const sandboxes = join(first.dataDir, "sandboxes");
		const servers = processesUnder(sandboxes);
		expect(servers.length).toBeGreaterThan(0);

		const { enginePid } = await crash(first);
		const second = await fixture.start({ dataDir: first.dataDir, signIn: false });
		const ready = Date.now();
		// The dead backend's engine and sandbox servers are gone before the new one serves.
		if (enginePid !== null) expect(processAlive(enginePid)).toBe(false);
		expect(servers.filter(processAlive)).toEqual([]);

		const again = second.clientFor(first.token, DEFAULT_ORG);
		const idle = await eventually(async () => {
			const s = (await again.sessions.list(task.id)).find((x) => x.id === session.id);
			return s && s.status === "idle" ? s : undefined;
		}, 60_000);
		console.log(`recovered ${Date.now() - ready} ms after the new backend was ready`);
		expect(idle.error).toBe("turn interrupted: the backend restarted while it ran");
		const events: TranscriptEvent[] = await again.sessions.fullTranscript(task.id, session.id);
		expect(events.some((e) => e.kind === "error" && e.text === idle.error)).toBe(true);
		expect(await again.sandbox.get(task.id)).toMatchObject({ state: "expired" });

		const usage = await eventually(async () => {
			const u = await again.billing.usage("session");
			return u.running === 0 && u.turns === 1 ? u : undefined;
		}, 30_000);
		expect(usage.rows.reduce((sum, r) => sum + r.minutes, 0)).toBeCloseTo(usage.minutes, 2);
		expect((await again.tasks.get(task.id)).status).not.toBe("running");

		// The session takes the next message, in a new sandbox.
		await again.sessions.send(task.id, session.id, "ping");
		const after = await eventually(async () => {
			const list = await again.sessions.fullTranscript(task.id, session.id);
			const s: Session | undefined = (await again.sessions.list(task.id)).find((x) => x.id === session.id);
			return s?.status === "idle" && list.some((e) => e.text === "echo: ping") ? list : undefined;
		}, 60_000);
		expect(after.some((e) => e.text === "continuing in a new sandbox (generation 2)")).toBe(true);
		const closed = await eventually(async () => {
			const u = await again.billing.usage("session");
			return u.running === 0 && u.turns === 2 ? u : undefined;
		}, 30_000);
		expect(closed.rows.reduce((sum, r) => sum + r.minutes, 0)).toBeCloseTo(closed.minutes, 2);

		await again.tasks.kill(task.id);
		await second.stop();
		expect(processesUnder(sandboxes)).toEqual([]);
		const leftEngine = second.enginePid();
		if (leftEngine !== null) expect(processAlive(leftEngine)).toBe(false);
	}, 300_000);

	it("during a burst of 50 creates: every acknowledged task exists exactly once after the restart", async () => {
		const first = await fixture.start();
		const client = first.client();
		const repo = await repoIdOf(client);
		const acked = new Map<string, string>();
		let killed = false;
		const burst = Array.from({ length: 50 }, (_, i) =>
			client.tasks.create({ repo, title: `burst ${i}`, prompt: `burst ${i}`, startSession: false }).then(
				(t) => {
					if (!killed) acked.set(t.id, t.title);
				},
				() => undefined, // cut off by the crash: not acknowledged
			),
		);
		await eventually(async () => (acked.size >= 10 ? true : undefined), 60_000);
		killed = true;
		await crash(first);
		await Promise.all(burst);
		const ackedNow = new Map(acked);

		const second = await fixture.start({ dataDir: first.dataDir, signIn: false });
		const again = second.clientFor(first.token, DEFAULT_ORG);
		// Actors the dead backend held answer again once the engine gives up on its runner (~15 s).
		const listed = await eventually(() => again.tasks.list().catch(() => undefined), 60_000);
		const tasks = listed.filter((t) => t.title.startsWith("burst "));
		const byId = new Map(tasks.map((t) => [t.id, t]));
		for (const [id, title] of ackedNow) expect(byId.get(id)?.title).toBe(title);
		// Nothing twice: one task per title, one per id.
		expect(new Set(tasks.map((t) => t.title)).size).toBe(tasks.length);
		expect(byId.size).toBe(tasks.length);
		console.log(`burst: ${ackedNow.size} acknowledged before the crash, ${tasks.length} exist after the restart`);
		// The new backend takes creates at once.
		const next = await again.tasks.create({ repo, title: "after the crash", prompt: "after", startSession: false });
		expect((await again.tasks.get(next.id)).title).toBe("after the crash");
		await second.stop();
	}, 300_000);
});

