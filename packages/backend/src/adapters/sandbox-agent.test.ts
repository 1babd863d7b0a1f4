import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../config.ts";
import { remoteProvider, withTimeout } from "./sandbox-agent.ts";

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
