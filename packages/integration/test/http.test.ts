// The HTTP edge: request ids, JSON errors with codes, the gateway mount, invalid configuration.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKEND_DIR, bunBinary, startBackend, type TestBackend } from "./harness.ts";

let backend: TestBackend;
beforeAll(async () => {
	backend = await startBackend();
});
afterAll(async () => {
	await backend?.stop({ cleanup: true });
});

describe("http", () => {
	it("sets a request id on every response and honours a given one", async () => {
		const res = await fetch(`${backend.url}/v1/health`);
		expect(res.headers.get("x-request-id")).toMatch(/.+/);
		const mine = await fetch(`${backend.url}/v1/health`, { headers: { "X-Request-Id": "abc-123" } });
		expect(mine.headers.get("x-request-id")).toBe("abc-123");
	});

	it("answers unknown routes with a typed JSON error", async () => {
		const res = await fetch(`${backend.url}/v1/nope`);
		expect(res.status).toBe(404);
		expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" }, requestId: expect.any(String) });
	});

	it("serves the client API under /v1/rivet and nothing else of the engine (attack.test.ts has the rest)", async () => {
		expect(typeof (await backend.client().ping())).toBe("string");
		const res = await fetch(`${backend.url}/v1/rivet/health`);
		expect(res.status).toBe(404);
	});

	it("links to the GitHub App's install page, and the device address to the page for device approval", async () => {
		const { app } = await backend.sim.world();
		const res = await fetch(`${backend.url}/v1/github/install`, { redirect: "manual" });
		expect(res.status).toBe(302);
		expect(res.headers.get("location")).toBe(`${backend.sim.url}/apps/${app.slug}/installations/new`);
		// Without a built web UI (this backend has none), the device address is a page of its own.
		const device = await fetch(`${backend.url}/v1/device?user_code=AB<script>CD`, { redirect: "manual" });
		expect(device.status).toBe(200);
		const html = await device.text();
		expect(html).toContain('value="ABscriptCD"');
		expect(html).not.toContain("<script>CD");
	});

	it("never logs secrets sent in headers", async () => {
		await fetch(`${backend.url}/v1/health`, {
			headers: { authorization: "Bearer sekrit-token-value", cookie: "session=sekrit-cookie" },
		});
		expect(backend.output()).not.toContain("sekrit");
	});
});

function runWithEnv(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
	return new Promise((done) => {
		const child = spawn(bunBinary(), ["src/main.ts"], { cwd: BACKEND_DIR, env: { ...process.env, ...env } });
		let stderr = "";
		child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
		const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
		child.on("exit", (code) => {
			clearTimeout(timer);
			done({ code, stderr });
		});
	});
}

describe("configuration", () => {
	it.each([
		[{ FOUNDRY_PORT: "abc" }, /FOUNDRY_PORT: .*number.*\(got 'abc'\)/],
		[{ FOUNDRY_PORT: "70000" }, /FOUNDRY_PORT: must be between 1 and 65535/],
		[{ FOUNDRY_ENGINE_ENDPOINT: "not-a-url" }, /FOUNDRY_ENGINE_ENDPOINT: must be an http\(s\) URL/],
		[{ FOUNDRY_LOG_LEVEL: "loud" }, /FOUNDRY_LOG_LEVEL/],
		[{ FOUNDRY_ENGINE_TOKEN: "dev" }, /FOUNDRY_ENGINE_TOKEN: must be at least 16 characters/],
		[{ FOUNDRY_ENGINE_ENDPOINT: "http://127.0.0.1:1" }, /FOUNDRY_ENGINE_TOKEN .*is required with FOUNDRY_ENGINE_ENDPOINT/],
	])("refuses to start with %o", async (env, message) => {
		const { code, stderr } = await runWithEnv(env);
		expect(code).toBe(78);
		expect(stderr).toMatch(message);
		expect(stderr.trim().split("\n")).toHaveLength(1);
	});
});
