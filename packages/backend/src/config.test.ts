import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

describe("loadConfig", () => {
	it("applies defaults", () => {
		const config = loadConfig({ HOME: "/home/u" });
		expect(config).toMatchObject({ host: "127.0.0.1", port: 7741, logLevel: "info", engine: { mode: "local", port: 7750 } });
		expect(config.dataDir).toMatch(/foundry$/);
	});

	it("honours FOUNDRY_* and XDG_DATA_HOME", () => {
		expect(loadConfig({ XDG_DATA_HOME: "/xdg" }).dataDir).toBe("/xdg/foundry");
		const config = loadConfig({ FOUNDRY_PORT: "9000", FOUNDRY_DATA_DIR: "/data", FOUNDRY_ENGINE_PORT: "9100" });
		expect(config).toMatchObject({ port: 9000, dataDir: "/data", engine: { mode: "local", port: 9100 } });
	});

	it("switches to an external engine by configuration alone", () => {
		const config = loadConfig({ FOUNDRY_ENGINE_ENDPOINT: "https://engine.internal:6420", FOUNDRY_ENGINE_TOKEN: "t0k-long-enough-secret" });
		expect(config.engine).toEqual({ mode: "external", endpoint: "https://engine.internal:6420", token: "t0k-long-enough-secret", namespace: "default" });
	});

	it.each([
		[{ FOUNDRY_PORT: "abc" }, "FOUNDRY_PORT"],
		[{ FOUNDRY_PORT: "0" }, "FOUNDRY_PORT"],
		[{ FOUNDRY_PORT: "1.5" }, "FOUNDRY_PORT"],
		[{ FOUNDRY_ENGINE_PORT: "65530" }, "FOUNDRY_ENGINE_PORT"],
		[{ FOUNDRY_ENGINE_ENDPOINT: "ftp://x" }, "FOUNDRY_ENGINE_ENDPOINT"],
		[{ FOUNDRY_LOG_LEVEL: "verbose" }, "FOUNDRY_LOG_LEVEL"],
		[{ FOUNDRY_AUTH_SECRET: "short" }, "FOUNDRY_AUTH_SECRET"],
		[{ FOUNDRY_PUBLIC_URL: "not a url" }, "FOUNDRY_PUBLIC_URL"],
		[{ FOUNDRY_AUTH_CACHE_MS: "-1" }, "FOUNDRY_AUTH_CACHE_MS"],
		[{ FOUNDRY_SANDBOX_ISOLATION: "chroot" }, "FOUNDRY_SANDBOX_ISOLATION"],
	])("rejects %o naming the variable", (env, name) => {
		expect(() => loadConfig(env)).toThrow(ConfigError);
		expect(() => loadConfig(env)).toThrow(new RegExp(`^invalid configuration: ${name}: `));
	});

	it("reads GitHub OAuth and auth settings; client id and secret come together", () => {
		const config = loadConfig({
			FOUNDRY_GITHUB_URL: "https://ghe.example.com/",
			FOUNDRY_GITHUB_API_URL: "https://ghe.example.com/api/v3",
			FOUNDRY_GITHUB_CLIENT_ID: "Iv1.abc",
			FOUNDRY_GITHUB_CLIENT_SECRET: "s3cret",
			FOUNDRY_PUBLIC_URL: "https://foundry.example.com/",
			FOUNDRY_TRUSTED_ORIGINS: "https://app.example.com, https://x.example.com",
		});
		expect(config.github).toEqual({
			webUrl: "https://ghe.example.com",
			apiUrl: "https://ghe.example.com/api/v3",
			clientId: "Iv1.abc",
			clientSecret: "s3cret",
			app: undefined,
			installUrl: null,
			webhookSecret: undefined,
			syncIntervalMs: 3_600_000,
			pageSize: 100,
		});
		const withApp = loadConfig({ FOUNDRY_GITHUB_APP_ID: "42", FOUNDRY_GITHUB_APP_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----" });
		expect(withApp.github.app).toEqual({ id: 42, privateKey: "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----" });
		expect(() => loadConfig({ FOUNDRY_GITHUB_APP_ID: "42" })).toThrow(/must be set together/);
		expect(loadConfig({}).github.installUrl).toBeNull();
		expect(loadConfig({ FOUNDRY_GITHUB_URL: "http://127.0.0.1:9/", FOUNDRY_GITHUB_APP_SLUG: "foundry-dev" }).github.installUrl).toBe("http://127.0.0.1:9/apps/foundry-dev/installations/new");
		expect(() => loadConfig({ FOUNDRY_GITHUB_APP_SLUG: "../evil" })).toThrow(/FOUNDRY_GITHUB_APP_SLUG/);
		expect(() => loadConfig({ FOUNDRY_GITHUB_APP_ID: "x", FOUNDRY_GITHUB_APP_PRIVATE_KEY: "k" })).toThrow(/FOUNDRY_GITHUB_APP_ID/);
		expect(config.publicUrl).toBe("https://foundry.example.com");
		expect(config.auth.trustedOrigins).toEqual(["https://app.example.com", "https://x.example.com"]);
		expect(loadConfig({}).publicUrl).toBe("http://127.0.0.1:7741");
		expect(() => loadConfig({ FOUNDRY_GITHUB_CLIENT_ID: "Iv1.abc" })).toThrow(/must be set together/);
	});

	it("isolates local sandboxes with bubblewrap unless told otherwise; the data dir is what they must never see", () => {
		expect(loadConfig({ FOUNDRY_DATA_DIR: "/data" }).sandbox).toMatchObject({ isolation: "bwrap", dataDir: "/data", dir: "/data/sandboxes" });
		expect(loadConfig({ FOUNDRY_SANDBOX_ISOLATION: "none" }).sandbox.isolation).toBe("none");
		expect(() => loadConfig({ FOUNDRY_SANDBOX_ISOLATION: "chroot" })).toThrow(/FOUNDRY_SANDBOX_ISOLATION: must be bwrap or none/);
	});
});
