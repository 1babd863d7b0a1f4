import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { InMemorySessionPersistDriver } from "sandbox-agent";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../config.ts";
import { createSandboxProvider, remoteProvider, withTimeout } from "./sandbox-agent.ts";

describe("sandbox configuration", () => {
	it("defaults to the local provider, sandboxes under the data dir, agent credentials picked from the environment", () => {
		const config = loadConfig({ FOUNDRY_DATA_DIR: "/data", ANTHROPIC_API_KEY: "sk-ant-x", UNRELATED: "y" });
		expect(config.sandbox).toMatchObject({ provider: "local", dir: "/data/sandboxes", scriptedAgent: false, defaultAgent: "claude" });
		expect(config.sandbox.agentEnv).toEqual({ ANTHROPIC_API_KEY: "sk-ant-x" });
		expect(loadConfig({ FOUNDRY_SCRIPTED_AGENT: "true" }).sandbox.defaultAgent).toBe("pi");
	});

	it.each([
		[{ FOUNDRY_SANDBOX_PROVIDER: "vm" }, /FOUNDRY_SANDBOX_PROVIDER: must be local, docker, e2b or daytona/],
		[{ FOUNDRY_SANDBOX_PROVIDER: "docker" }, /FOUNDRY_SANDBOX_DOCKER_IMAGE is required/],
		[{ FOUNDRY_SANDBOX_PROVIDER: "e2b" }, /E2B_API_KEY is required/],
		[{ FOUNDRY_SANDBOX_PROVIDER: "daytona" }, /DAYTONA_API_KEY is required/],
		[{ FOUNDRY_SCRIPTED_AGENT: "yes" }, /FOUNDRY_SCRIPTED_AGENT: must be true or false/],
	])("refuses %o with a clear message", (env, message) => {
		expect(() => loadConfig(env)).toThrow(ConfigError);
		expect(() => loadConfig(env)).toThrow(message);
	});

	it("a configured cloud provider whose SDK is not installed is a configuration error at startup", async () => {
		const config = loadConfig({ FOUNDRY_SANDBOX_PROVIDER: "docker", FOUNDRY_SANDBOX_DOCKER_IMAGE: "foundry/sandbox:1" });
		await expect(remoteProvider(config.sandbox, "docker")).rejects.toThrow(/needs dockerode get-port installed/);
		const e2b = loadConfig({ FOUNDRY_SANDBOX_PROVIDER: "e2b", E2B_API_KEY: "e2b_x" });
		await expect(remoteProvider(e2b.sandbox, "e2b")).rejects.toBeInstanceOf(ConfigError);
	});

	it("bounds calls with a timeout", async () => {
		await expect(withTimeout(new Promise(() => undefined), 20, "createSession")).rejects.toThrow(/createSession did not answer within 20 ms/);
		await expect(withTimeout(Promise.resolve(3), 20, "x")).resolves.toBe(3);
	});
});

describe("the local provider under bwrap", () => {
	const base = mkdtempSync(join(tmpdir(), "foundry-local-provider-"));
	afterAll(() => rmSync(base, { recursive: true, force: true }));
	const cfg = loadConfig({ FOUNDRY_DATA_DIR: join(base, "data"), FOUNDRY_SCRIPTED_AGENT: "true" }).sandbox;
	const log = pino({ level: "silent" });

	it("shows extra binds at their own path (read-only or writable), refuses symlinks, and pauses the whole sandbox", async () => {
		const shared = join(base, "shared");
		const scratch = join(base, "scratch");
		mkdirSync(shared);
		mkdirSync(scratch);
		writeFileSync(join(shared, "README.md"), "local repo\n");
		symlinkSync(join(base, "data"), join(base, "innocent"));
		const provider = await createSandboxProvider(cfg, log);
		await expect(provider.create("t-link", { binds: [{ path: join(base, "innocent"), writable: false }] })).rejects.toThrow(/real path, not a symlink/);
		const handle = await provider.create("t-binds", { binds: [{ path: shared, writable: false }, { path: scratch, writable: true }] });
		try {
			const sdk = await provider.connect(handle, new InMemorySessionPersistDriver());
			const sh = async (line: string) => (await sdk.runProcess({ command: "sh", args: ["-c", line], cwd: handle.root, timeoutMs: 10_000 })).stdout;
			expect(await sh(`cat ${shared}/README.md`)).toBe("local repo\n");
			expect(await sh(`touch ${shared}/x 2>&1 || true`)).toMatch(/Read-only file system/);
			await sh(`echo out > ${scratch}/y`);
			expect(readFileSync(join(scratch, "y"), "utf8")).toBe("out\n");
			// The data dir shows only as the empty path down to this sandbox's root; the symlink is not there.
			expect((await sh(`ls ${base}`)).split("\n")).toEqual(["data", "scratch", "shared", ""]);
			await sdk.dispose();
			// The handle's pid leads the process group that pause stops (the idle pause relies on it).
			await provider.pause?.(handle);
			const state = () => readFileSync(`/proc/${handle.pid}/stat`, "utf8").split(") ")[1]?.[0];
			expect(state()).toBe("T");
			await provider.resume?.(handle);
			expect(state()).not.toBe("T");
		} finally {
			await provider.destroy(handle);
		}
	});

	it("without isolation extra binds are a no-op", async () => {
		const provider = await createSandboxProvider({ ...cfg, isolation: "none" }, log);
		const handle = await provider.create("t-none", { binds: [{ path: "/nonexistent/path", writable: true }] });
		expect(await provider.alive(handle)).toBe(true);
		await provider.destroy(handle);
		expect(await provider.alive(handle)).toBe(false);
	});
});
