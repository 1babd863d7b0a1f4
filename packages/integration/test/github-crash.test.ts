// A crash mid-sync: the backend and its engine are killed while PRs are being listed; a new
// backend on the same data dir finishes the sync with the right state (no lost or doubled tasks).
import { describe, expect, it } from "vitest";
import { actorCount, buildWorld } from "./github-world.ts";
import { DEFAULT_ORG, eventually, processAlive } from "./harness.ts";
import { restartFixture } from "./restart-fixture.ts";

const fixture = restartFixture();

describe("sync durability", () => {
	it("a sync interrupted by a crash completes after a restart, with correct state", async () => {
		const env = { FOUNDRY_GITHUB_PAGE_SIZE: "4" };
		const first = await fixture.start({ env });
		const client = first.client();
		await eventually(async () => ((await client.github.status()).phase === "done" ? true : undefined), 30_000);
		await buildWorld(fixture.sim(), { owner: "acme", repos: 16, pulls: 5, prefix: "crash", webhookUrl: null });
		await client.github.sync();
		await eventually(async () => {
			const st = await client.github.status();
			return st.phase === "pull_requests" && st.processed >= 5 ? true : undefined;
		}, 60_000);

		// Crash: the backend and its engine die at once, mid-sync.
		const enginePid = first.enginePid();
		first.process.kill("SIGKILL");
		if (enginePid !== null) process.kill(enginePid, "SIGKILL");
		await eventually(async () => (enginePid === null || !processAlive(enginePid) ? true : undefined));

		const second = await fixture.start({ dataDir: first.dataDir, env, signIn: false });
		await fixture.sim().control("PUT", "/app", { webhookUrl: `${second.url}/v1/webhooks/github`, webhookSecret: (await fixture.sim().world()).app.webhookSecret });
		const again = second.clientFor(first.token, DEFAULT_ORG);
		const status = await eventually(async () => {
			const st = await again.github.status();
			return st.phase === "done" ? st : undefined;
		}, 90_000);
		expect(status.error).toBeNull();
		const tasks = await again.tasks.list();
		const crashRepos = new Set((await again.repos.list()).filter((r) => r.name.startsWith("acme/crash-")).map((r) => r.id));
		const crashTasks = tasks.filter((t) => crashRepos.has(t.repoId));
		expect(crashRepos.size).toBe(16);
		expect(crashTasks).toHaveLength(16 * 5);
		expect(new Set(crashTasks.map((t) => `${t.repoId}:${t.branch}`)).size).toBe(16 * 5);
		expect(await actorCount(second.engine(), "task")).toBe(0);
	}, 240_000);
});
