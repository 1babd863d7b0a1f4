// Step 4 (first part): the same backend code as runners of a Rivet Engine cluster — PostgreSQL +
// NATS, two engines, two backends (`pnpm cluster`, started once for the file). A client on one
// backend sees what a client on the other one does, live.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createFoundryClient, type FoundryClient, type OrganizationSnapshot } from "@foundry/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signIn } from "./auth-flow.ts";
import { eventually, freePort, REPO_ROOT, terminate } from "./harness.ts";

vi.setConfig({ testTimeout: 120_000 });

let cluster: ChildProcess;
let backends: string[] = [];
const clients: FoundryClient[] = [];

beforeAll(async () => {
	const port = await freePort();
	cluster = spawn(process.execPath, [join(REPO_ROOT, "scripts/cluster.mjs")], {
		env: { ...process.env, FOUNDRY_PORT: String(port), FOUNDRY_SANDBOX_ISOLATION: "none" },
		stdio: ["ignore", "pipe", "inherit"],
	});
	const line = await new Promise<string>((ready, fail) => {
		let out = "";
		cluster.stdout?.on("data", (chunk: Buffer) => {
			out += chunk.toString();
			const found = /Foundry cluster ready on .*\(front door → backends on (\d+), (\d+);/.exec(out);
			if (found) ready(found[0]);
		});
		cluster.once("exit", (code) => fail(new Error(`pnpm cluster exited with ${code}`)));
	});
	const [, a, b] = /backends on (\d+), (\d+)/.exec(line) ?? [];
	backends = [a, b].map((p) => `http://127.0.0.1:${p}`);
}, 180_000);

afterAll(async () => {
	await Promise.allSettled(clients.map((c) => c.dispose()));
	if (cluster) {
		cluster.kill("SIGINT");
		await terminate(cluster, 90_000);
	}
}, 120_000);

/** octocat's session through one backend, used through both (the session lives in the engine). */
async function octocatOn(url: string, token?: string): Promise<{ client: FoundryClient; token: string }> {
	const session = token ?? (await signIn(url, "octocat")).sessionToken;
	const client = createFoundryClient({ endpoint: url, token: session, org: "acme" });
	clients.push(client);
	await eventually(async () => ((await client.me.profile()).organizations.some((o) => o.orgId === "acme") ? true : undefined), 60_000);
	return { client, token: session };
}

describe("a cluster of two backends on PostgreSQL + NATS", () => {
	it("a task created through backend A is read through backend B, whose subscriber sees it arrive live", async () => {
		const a = await octocatOn(backends[0] ?? "");
		const b = await octocatOn(backends[1] ?? "", a.token);
		const repo = await eventually(async () => (await a.client.repos.list().catch(() => [])).find((r) => r.name === "acme/widgets"), 60_000);
		const seen: OrganizationSnapshot[] = [];
		const sub = await b.client.subscribeOrganization((s) => seen.push(s));
		try {
			// A runner that resolved octocat before his membership arrived refuses him until its cache
			// entry expires (FOUNDRY_AUTH_CACHE_MS): wait for B to accept him too.
			await eventually(async () => ((await b.client.tasks.list().catch(() => null)) ? true : undefined), 30_000);
			const task = await a.client.tasks.create({ repo: repo.id, prompt: "created through A", title: "cluster task", startSession: false });
			expect((await eventually(async () => (await b.client.tasks.list()).find((t) => t.id === task.id), 30_000)).title).toBe("cluster task");
			expect((await b.client.tasks.get(task.id)).prompt).toBe("created through A");
			await eventually(async () => (seen.some((s) => s.tasks.some((t) => t.id === task.id)) ? true : undefined), 30_000);
		} finally {
			await sub.close();
		}
	});
});
