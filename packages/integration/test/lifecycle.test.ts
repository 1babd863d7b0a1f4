// Process lifecycle: health, clean shutdown (no engine outlives the backend), restart on the same
// data dir with everything intact, and 503 when the engine is gone.
import { createFoundryClient, type OrganizationSnapshot } from "@foundry/client";
import { describe, expect, it } from "vitest";
import { DEFAULT_ORG, eventually, processAlive } from "./harness.ts";
import { restartFixture } from "./restart-fixture.ts";

const fixture = restartFixture();

describe("backend lifecycle", () => {
	it("stops its engine on SIGTERM and keeps all data across a restart", async () => {
		const first = await fixture.start();
		const client = first.client();
		const repo = await client.repos.add("https://example.com/acme/persist");
		const task = await client.tasks.create({ startSession: false, repo: repo.id, prompt: "Survive a restart" });
		await client.tasks.rename(task.id, "Renamed before restart");
		await eventually(async () => ((await client.audit.list({ kind: "task.renamed" })).events.length === 1 ? true : undefined));
		const auditBefore = await client.audit.list({ order: "asc" });
		const summariesBefore = await client.tasks.list();

		const enginePid = first.enginePid();
		expect(enginePid).not.toBeNull();
		expect(processAlive(enginePid!)).toBe(true);
		expect(await first.stop()).toBe(0);
		expect(processAlive(enginePid!)).toBe(false);

		// Sessions survive the restart: the first backend's session token still works.
		const second = await fixture.start({ dataDir: first.dataDir, signIn: false });
		const again = second.clientFor(first.token, DEFAULT_ORG);
		// (GitHub repositories of acme are synced too; the manual one must survive.)
		expect((await again.repos.list()).filter((r) => r.source === "manual").map((r) => r.id)).toEqual([repo.id]);
		expect(await again.tasks.list()).toEqual(summariesBefore);
		expect(await again.tasks.get(task.id)).toMatchObject({ title: "Renamed before restart", prompt: "Survive a restart" });
		expect(await again.audit.list({ order: "asc" })).toEqual(auditBefore);
		// And it keeps working after the restart.
		const next = await again.tasks.create({ startSession: false, repo: repo.id, prompt: "After restart" });
		expect((await again.tasks.list()).map((t) => t.id)).toContain(next.id);
	});

	it("after a kill -9 the next backend stops the engine left behind and serves the data; a second live backend on the same data dir is refused", async () => {
		const first = await fixture.start();
		const repo = await first.client().repos.add("https://example.com/acme/after-crash");
		const orphan = first.enginePid();
		expect(orphan).not.toBeNull();
		first.process.kill("SIGKILL");
		await eventually(async () => (first.process.exitCode !== null || first.process.signalCode !== null ? true : undefined));
		expect(processAlive(orphan!)).toBe(true); // the engine runs detached: it outlives a crash

		const second = await fixture.start({ dataDir: first.dataDir, signIn: false });
		expect(processAlive(orphan!)).toBe(false);
		expect(second.enginePid()).not.toBe(orphan);
		const again = second.clientFor(first.token, DEFAULT_ORG);
		// The engine hands the dead runner's actors to the new one after it counts it lost (~15 s).
		const ids = await eventually(async () => (await again.repos.list()).map((r) => r.id), 60_000);
		expect(ids).toContain(repo.id);

		// While the second runs, a third on the same data dir refuses to start (exit 78), naming it.
		const third = fixture.start({ dataDir: first.dataDir, signIn: false, readyTimeoutMs: 20_000 });
		await expect(third).rejects.toThrow(/exited with 78[\s\S]*another Foundry backend \(pid \d+\) is running/);
		expect((await again.repos.list()).map((r) => r.id)).toContain(repo.id);
	});

	it("reports 503 from /v1/health when the engine is unreachable", async () => {
		const backend = await fixture.start({ ownSim: true });
		const ok = await fetch(`${backend.url}/v1/health`);
		expect(ok.status).toBe(200);
		const body = (await ok.json()) as Record<string, unknown>;
		expect(body).toMatchObject({ status: "ok", version: expect.any(String), engine: { reachable: true } });
		expect(body.uptimeMs).toEqual(expect.any(Number));

		const pid = backend.enginePid();
		expect(pid).not.toBeNull();
		process.kill(pid!, "SIGKILL");
		await eventually(async () => (processAlive(pid!) ? undefined : true));
		const down = await fetch(`${backend.url}/v1/health`);
		expect(down.status).toBe(503);
		expect(await down.json()).toMatchObject({ status: "degraded", engine: { reachable: false } });
	});

	it("subscribers reconnect after a backend restart and receive a fresh snapshot", async () => {
		const first = await fixture.start();
		const watcher = createFoundryClient({ endpoint: first.url, token: first.token, org: DEFAULT_ORG });
		const snapshots: OrganizationSnapshot[] = [];
		const errors: string[] = [];
		const sub = await watcher.subscribeOrganization((s) => snapshots.push(s), { onError: (e) => errors.push(e.code) });
		await sub.ready;
		const before = await first.client().repos.add("https://example.com/acme/before");
		await eventually(async () => (snapshots.at(-1)?.repos.some((r) => r.id === before.id) ? true : undefined));

		expect(await first.stop()).toBe(0);
		const second = await fixture.start({ dataDir: first.dataDir, port: Number(new URL(first.url).port), signIn: false });
		const after = await second.clientFor(first.token, DEFAULT_ORG).repos.add("https://example.com/acme/after");
		const last = await eventually(
			async () => snapshots.find((s) => s.repos.some((r) => r.id === after.id)),
			45_000,
		);
		expect(last.repos.filter((r) => r.source === "manual").map((r) => r.id)).toEqual([before.id, after.id]);
		await sub.close();
		await watcher.dispose();
	});
});
