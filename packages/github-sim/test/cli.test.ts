// Starting the simulator: a seed file loads a world; --data persists the world across restarts.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startSim } from "./sim-harness.ts";

const dir = mkdtempSync(join(tmpdir(), "github-sim-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("github-sim startup", () => {
	it("loads a seed file", async () => {
		const seed = join(dir, "seed.json");
		writeFileSync(seed, JSON.stringify({ users: [{ login: "ada" }], orgs: [{ login: "lab", members: [{ login: "ada", role: "admin" }] }], repos: [{ owner: "lab", name: "engine" }] }));
		const sim = await startSim(["--seed", seed]);
		try {
			const world = await sim.world();
			expect(world.users.map((u) => u.login)).toEqual(["ada"]);
			expect(world.orgs).toEqual([expect.objectContaining({ login: "lab", members: [{ login: "ada", role: "admin" }] })]);
			expect(world.repos[0]).toMatchObject({ fullName: "lab/engine", branches: { main: expect.stringMatching(/^[0-9a-f]{40}$/) } });
			const bad = join(dir, "bad.json");
			writeFileSync(bad, JSON.stringify({ users: [{ name: "no login" }] }));
			await expect(startSim(["--seed", bad])).rejects.toThrow(/exited 1/);
		} finally {
			await sim.stop();
		}
	});

	it("keeps the world in --data across a restart", async () => {
		const data = join(dir, "data");
		const first = await startSim(["--demo", "--data", data]);
		await first.control("POST", "/users", { login: "persisted" });
		const token = (await first.world()).users.find((u) => u.login === "persisted")?.token;
		await first.stop();
		const second = await startSim(["--data", data]);
		try {
			const world = await second.world();
			expect(world.users.map((u) => u.login)).toContain("persisted");
			expect(world.users.find((u) => u.login === "persisted")?.token).toBe(token);
			const res = await fetch(`${second.api}/repos/acme/widgets/branches`, { headers: { authorization: `token ${token}` } });
			expect(res.status).toBe(404); // persisted is not an acme member: the private repo stays hidden
			const octo = world.users.find((u) => u.login === "octocat")?.token;
			const branches = await fetch(`${second.api}/repos/acme/widgets/branches`, { headers: { authorization: `token ${octo}` } });
			expect(((await branches.json()) as Array<{ name: string }>).map((b) => b.name)).toEqual(["feature/sprockets", "main"]);
		} finally {
			await second.stop();
		}
	});
});
