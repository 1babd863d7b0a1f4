// Scale-out is configuration: the same backend code runs against an engine it did not start,
// selected by FOUNDRY_ENGINE_ENDPOINT alone — and leaves that engine running when it stops.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getEnginePath } from "@rivetkit/engine-cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, freeEnginePort, processAlive, startBackend, terminate } from "./harness.ts";
import { testDirPrefix } from "./global-teardown.ts";

let engine: ChildProcess;
let endpoint: string;
let dir: string;
/** The shared engine's admin token, as an operator would configure it on both sides. */
const adminToken = `external-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), `${testDirPrefix(process.env.FOUNDRY_TEST_RUN)}external-`));
	const port = await freeEnginePort();
	endpoint = `http://127.0.0.1:${port}`;
	engine = spawn(getEnginePath(), ["start"], {
		stdio: "ignore",
		env: {
			...process.env,
			RIVETKIT_STORAGE_PATH: dir, // lets the global leak check recognise this engine as ours
			RIVET__GUARD__HOST: "127.0.0.1",
			RIVET__GUARD__PORT: String(port),
			RIVET__API_PEER__HOST: "127.0.0.1",
			RIVET__API_PEER__PORT: String(port + 1),
			RIVET__METRICS__HOST: "127.0.0.1",
			RIVET__METRICS__PORT: String(port + 10),
			RIVET__FILE_SYSTEM__PATH: join(dir, "db"),
			RIVET__TELEMETRY__ENABLED: "false",
			RIVET__AUTH__ADMIN_TOKEN: adminToken,
			RIVET__GUARD__TCP_NODELAY: "true",
		},
	});
	await eventually(async () => ((await fetch(`${endpoint}/health`).catch(() => null))?.ok ? true : undefined), 30_000);
});

afterAll(async () => {
	if (engine) await terminate(engine);
	rmSync(dir, { recursive: true, force: true });
});

describe("external engine", () => {
	it("serves the same API through an engine selected by configuration", async () => {
		const backend = await startBackend({ env: { FOUNDRY_ENGINE_ENDPOINT: endpoint, FOUNDRY_ENGINE_TOKEN: adminToken } });
		try {
			const health = (await (await fetch(`${backend.url}/v1/health`)).json()) as { engine: unknown };
			expect(health.engine).toEqual({ mode: "external", reachable: true });
			const client = backend.client();
			const repo = await client.repos.add("https://example.com/acme/external");
			const task = await client.tasks.create({ startSession: false, repo: repo.id, prompt: "Runs on a shared engine" });
			expect((await client.tasks.get(task.id)).title).toBe("Runs on a shared engine");
			expect(backend.enginePid()).toBeNull(); // nothing was spawned for this data dir
		} finally {
			expect(await backend.stop({ cleanup: true })).toBe(0);
		}
		expect(processAlive(engine.pid!)).toBe(true);
	});
});
