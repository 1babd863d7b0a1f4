// Sign-in over HTTP against the simulator: authorize → callback → cookie → get-session →
// organizations appear; duplicated callback; forged and expired state; sign-out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeAt, callback, SESSION_COOKIE, startSignIn } from "./auth-flow.ts";
import { eventually, startBackend, type TestBackend } from "./harness.ts";

let backend: TestBackend;
beforeAll(async () => {
	backend = await startBackend({ signIn: false });
});
afterAll(async () => {
	await backend?.stop({ cleanup: true });
});

describe("GitHub sign-in", () => {
	it("signs in through the simulator, sets a session cookie and discovers organizations", async () => {
		const started = performance.now();
		const signed = await backend.signIn("octocat");
		const elapsed = performance.now() - started;
		const session = await fetch(`${backend.url}/v1/auth/get-session`, { headers: { cookie: signed.cookie } });
		expect(session.status).toBe(200);
		const body = (await session.json()) as { user: { name: string; email: string } };
		expect(body.user).toMatchObject({ name: "The Octocat", email: "octocat@example.com" });
		const client = backend.clientFor(signed.sessionToken);
		const profile = await eventually(async () => {
			const p = await client.me.profile();
			return p.organizations.length >= 2 ? p : undefined;
		});
		expect(profile.login).toBe("octocat");
		expect(profile.organizations.map((o) => [o.orgId, o.role, o.kind])).toEqual([
			["acme", "admin", "organization"],
			["octocat", "admin", "personal"],
		]);
		// The organization with the App installed is where a first sign-in lands.
		expect(profile.activeOrgId).toBe("acme");
		expect(profile.organizations.map((o) => [o.orgId, o.installation])).toEqual([
			["acme", "connected"],
			["octocat", "install_required"],
		]);
		const acme = await backend.clientFor(signed.sessionToken, "acme").tasks.list().then(() =>
			backend.clientFor(signed.sessionToken, "acme").members.list(),
		);
		expect(acme.map((m) => [m.login, m.role])).toContainEqual(["octocat", "admin"]);
		const snapshot = await new Promise<import("@foundry/client").OrganizationSnapshot>((resolve, reject) => {
			backend
				.clientFor(signed.sessionToken, "acme")
				.subscribeOrganization((s) => resolve(s))
				.then((sub) => sub.ready.then(() => sub.close()))
				.catch(reject);
		});
		expect(snapshot.account).toMatchObject({ login: "acme", kind: "organization", installation: "connected" });
		expect(snapshot.memberCount).toBeGreaterThanOrEqual(1);
		console.log(`sign-in round trip ${Math.round(elapsed)} ms`);
	});

	it("answers a duplicated callback with the same session and creates nothing twice", async () => {
		const { jar, authorizeUrl } = await startSignIn(backend.url);
		const callbackUrl = await authorizeAt(authorizeUrl, "hubot");
		// A proxy retrying a slow callback: both requests carry the same code and state.
		const [a, b] = await Promise.all([callback(callbackUrl, jar), callback(callbackUrl, jar)]);
		const late = await callback(callbackUrl, jar);
		for (const res of [a, b, late]) {
			expect(res.status).toBe(302);
			expect(res.headers.get("location")).not.toMatch(/error/);
		}
		const cookieOf = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
		expect(cookieOf(a)).toBeDefined();
		expect(cookieOf(b)).toBe(cookieOf(a));
		expect(cookieOf(late)).toBe(cookieOf(a));
		const client = backend.clientFor(decodeURIComponent(jar.get(SESSION_COOKIE) ?? "").replace(/\.[^.]*$/, ""));
		const profile = await eventually(async () => {
			const p = await client.me.profile();
			return p.organizationsSyncedAt ? p : undefined;
		});
		expect(profile.login).toBe("hubot");
		// One user, one GitHub account, one session for hubot.
		const sessions = await fetch(`${backend.url}/v1/auth/list-sessions`, { headers: { cookie: jar.header() } });
		expect(((await sessions.json()) as unknown[]).length).toBe(1);
		const accounts = await fetch(`${backend.url}/v1/auth/list-accounts`, { headers: { cookie: jar.header() } });
		expect(((await accounts.json()) as unknown[]).length).toBe(1);
	});

	it("refuses a forged state and a state already used, setting no session", async () => {
		const { jar, authorizeUrl } = await startSignIn(backend.url);
		const callbackUrl = new URL(await authorizeAt(authorizeUrl, "octocat"));
		const forged = new URL(callbackUrl);
		forged.searchParams.set("state", "forged-state-value");
		const res = await callback(forged.toString(), jar);
		expect(res.status).toBe(302);
		expect(res.headers.get("location")).toMatch(/error=/);
		expect(res.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(false);

		// The genuine callback still works once; a new code with the consumed state is refused.
		expect((await callback(callbackUrl.toString(), jar)).headers.get("location")).not.toMatch(/error/);
		const again = new URL(await authorizeAt(authorizeUrl, "octocat"));
		const reused = await fetch(again, { redirect: "manual", headers: { cookie: jar.header() } });
		expect(reused.status).toBe(302);
		expect(reused.headers.get("location")).toMatch(/error=/);
		expect(reused.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
	});

	it("signs out: the session token stops working at once", async () => {
		const signed = await backend.signIn("octocat");
		const client = backend.clientFor(signed.sessionToken);
		await eventually(async () => ((await client.me.profile()).organizations.length > 0 ? true : undefined));
		const out = await fetch(`${backend.url}/v1/auth/sign-out`, {
			method: "POST",
			headers: { cookie: signed.cookie, origin: backend.url, "content-type": "application/json" },
			body: "{}",
		});
		expect(out.status).toBe(200);
		const after = backend.clientFor(signed.sessionToken, "acme");
		await expect(after.tasks.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
		const who = await fetch(`${backend.url}/v1/whoami`, { headers: { authorization: `Bearer ${signed.sessionToken}` } });
		expect(who.status).toBe(401);
		// A CLI ends its session with the bearer token alone (no cookie).
		const cli = await backend.signIn("octocat");
		const bearerOut = await fetch(`${backend.url}/v1/auth/sign-out`, {
			method: "POST",
			headers: { authorization: `Bearer ${cli.sessionToken}`, origin: backend.url, "content-type": "application/json" },
			body: "{}",
		});
		expect(bearerOut.status).toBe(200);
		await expect(backend.clientFor(cli.sessionToken, "acme").tasks.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
	});

	it("anonymous calls are UNAUTHORIZED and /v1/whoami needs credentials", async () => {
		const anonymous = backend.clientFor("", "acme");
		await expect(anonymous.tasks.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
		expect((await fetch(`${backend.url}/v1/whoami`)).status).toBe(401);
		const bogus = backend.clientFor("fdy_not-a-real-token", "acme");
		await expect(bogus.tasks.list()).rejects.toMatchObject({ code: "UNAUTHORIZED", message: "API token is invalid or revoked" });
	});

	it("never hands GitHub tokens to clients: token endpoints of Better Auth are disabled", async () => {
		const signed = await backend.signIn("octocat");
		for (const path of ["get-access-token", "refresh-token", "account-info", "update-user", "unlink-account"]) {
			const res = await fetch(`${backend.url}/v1/auth/${path}`, {
				method: "POST",
				headers: { cookie: signed.cookie, origin: backend.url, "content-type": "application/json" },
				body: JSON.stringify({ providerId: "github" }),
			});
			expect(res.status, path).toBe(404);
		}
		const accounts = await fetch(`${backend.url}/v1/auth/list-accounts`, { headers: { cookie: signed.cookie } });
		const text = await accounts.text();
		expect(text).toContain("github");
		expect(text).not.toMatch(/accessToken|gho_|ghu_/);
	});
});
