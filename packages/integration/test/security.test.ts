// Secrets and revocation: API tokens (create, use, list, revoke), membership removal on GitHub
// taking effect, and no token or cookie in the logs of a backend running at debug level. Secrets at
// rest (every file under the data dir) are attack-auth.test.ts's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deriveInternalCredential } from "@foundry/backend/auth/credentials";
import type { FoundryClient, FoundryError } from "@foundry/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESSION_COOKIE } from "./auth-flow.ts";
import { eventually, startBackend, type TestBackend } from "./harness.ts";
import { organizationsOf, signInRetrying } from "./users.ts";

let backend: TestBackend;
let admin: FoundryClient;
/** Every secret seen by this file; none may appear in the backend's output (checked last). */
const secrets = new Map<string, string>();

beforeAll(async () => {
	backend = await startBackend({ env: { FOUNDRY_LOG_LEVEL: "debug" } });
	admin = backend.client();
	secrets.set("octocat session token", backend.token);
}, 180_000);
afterAll(async () => {
	await backend?.stop({ cleanup: true });
});

async function codeOf(p: Promise<unknown>): Promise<string> {
	try {
		await p;
	} catch (err) {
		return (err as FoundryError).code;
	}
	return "ok";
}

/** Every token the simulator issued to a user (the OAuth tokens the backend received at sign-in among them). */
async function githubTokensOf(login: string): Promise<string[]> {
	const res = await backend.sim.control("GET", `/tokens?login=${login}`);
	expect(res.status).toBe(200);
	const tokens = (await res.json()) as Array<{ token: string }>;
	return tokens.map((t) => t.token);
}

describe("API tokens", () => {
	it("rejects invalid input with INVALID_INPUT and creates nothing", async () => {
		const before = await admin.tokens.list();
		const results = await Promise.all([
			codeOf(admin.tokens.create("")),
			codeOf(admin.tokens.create("   ")),
			codeOf(admin.tokens.create("x".repeat(101))),
			codeOf(admin.tokens.create("ci", { expiresInDays: 0 })),
			codeOf(admin.tokens.revoke("bad")),
			codeOf(admin.tokens.revoke("tok_ABCDEFGHIJKL")),
			codeOf(admin.tokens.revoke("")),
		]);
		expect(results).toEqual(Array(7).fill("INVALID_INPUT"));
		expect(await admin.tokens.list()).toEqual(before);
	});

	it("creates a token that works, lists it without its value, and revocation takes effect on the next call", async () => {
		const created = await admin.tokens.create("ci");
		secrets.set("API token", created.token);
		expect(created).toMatchObject({ name: "ci", expiresAt: null });
		expect(created.token).toMatch(/^fdy_[A-Za-z0-9]{40}$/);
		expect(created.id).toMatch(/^tok_[a-z0-9]{12}$/);

		const viaToken = backend.clientFor(created.token, "acme");
		expect(Array.isArray(await viaToken.tasks.list())).toBe(true);
		expect((await viaToken.whoami()).login).toBe("octocat");

		const listed = await admin.tokens.list();
		expect(listed.find((t) => t.id === created.id)).toMatchObject({ name: "ci", prefix: created.token.slice(0, 8) });
		expect(JSON.stringify(listed)).not.toContain(created.token);

		expect(await admin.tokens.revoke(created.id)).toEqual({ revoked: created.id });
		expect(await codeOf(viaToken.tasks.list())).toBe("UNAUTHORIZED");
		expect(await codeOf(backend.clientFor(created.token, "acme").ping())).toBe("UNAUTHORIZED");
		expect((await admin.tokens.list()).map((t) => t.id)).not.toContain(created.id);
		expect(await codeOf(admin.tokens.revoke(created.id))).toBe("NOT_FOUND");
	});
});

describe("membership follows GitHub", () => {
	it("a user removed from the GitHub organization loses access after the next membership refresh", async () => {
		const hubot = await signInRetrying(backend, "hubot");
		secrets.set("hubot session token", hubot.sessionToken);
		await organizationsOf(backend, hubot.sessionToken, ["acme"]);
		const asHubot = backend.clientFor(hubot.sessionToken, "acme");
		expect(Array.isArray(await asHubot.tasks.list())).toBe(true);
		expect((await admin.members.list()).map((m) => m.login)).toContain("hubot");

		expect((await backend.sim.control("DELETE", "/orgs/acme/members/hubot")).status).toBe(200);
		await asHubot.me.refreshOrganizations();

		await eventually(async () => ((await codeOf(asHubot.tasks.list())) === "FORBIDDEN" ? true : undefined), 30_000);
		expect((await admin.members.list()).map((m) => m.login)).not.toContain("hubot");
		expect((await asHubot.me.profile()).organizations.map((o) => o.orgId)).not.toContain("acme");
		const removed = await eventually(async () => {
			const { events } = await admin.audit.list({ kind: "member.removed" });
			return events.find((e) => e.payload.login === "hubot");
		}, 15_000);
		expect(removed).toMatchObject({ kind: "member.removed", actor: "system" });
	});
});

describe("secrets in logs", () => {
	it("the logs of sign-ins and calls with cookies, session and API tokens hold none of them", async () => {
		const browser = await signInRetrying(backend, "octocat");
		const cookieValue = browser.cookie.split("; ").find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.slice(SESSION_COOKIE.length + 1) ?? "";
		expect(cookieValue).not.toBe("");
		secrets.set("session cookie value", cookieValue);
		secrets.set("session cookie value (decoded)", decodeURIComponent(cookieValue));
		secrets.set("octocat browser session token", browser.sessionToken);
		const session = await fetch(`${backend.url}/v1/auth/get-session`, { headers: { cookie: browser.cookie } });
		expect(session.status).toBe(200);
		expect((await fetch(`${backend.url}/v1/whoami`, { headers: { cookie: browser.cookie } })).status).toBe(200);
		expect((await backend.clientFor(browser.sessionToken).me.profile()).login).toBe("octocat");
		const kept = (await admin.tokens.create("kept")).token;
		secrets.set("API token (kept)", kept);
		expect(Array.isArray(await backend.clientFor(kept, "acme").tasks.list())).toBe(true);
		for (const t of await githubTokensOf("octocat")) secrets.set(`GitHub token ${t.slice(0, 8)}`, t);
		const authSecret = readFileSync(join(backend.dataDir, "auth-secret"), "utf8").trim();
		secrets.set("auth secret", authSecret);
		secrets.set("internal credential", deriveInternalCredential(authSecret));
		secrets.set("GitHub App client secret", (await backend.sim.world()).app.clientSecret);

		const output = backend.output();
		// Debug logging was on and saw these requests (the check below is not vacuous).
		expect(output).toContain('"path":"/v1/whoami"');
		expect(output).toContain('"path":"/v1/auth/callback/github"');
		expect(secrets.size).toBeGreaterThanOrEqual(10);
		expect([...secrets].filter(([, value]) => output.includes(value)).map(([name]) => name)).toEqual([]);
	});
});
