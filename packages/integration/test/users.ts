// Signing simulator users in for a test and waiting until their organizations are known.
// First sign-ins create actors (user, personal organization, audit log); under load actor creation
// can stall for the engine's 15 s route timeout (CLAUDE.md traps), so both steps retry the way a
// user would: sign in again, refresh organizations.
import type { UserProfile } from "@foundry/client";
import { eventually, type TestBackend } from "./harness.ts";

export async function signInRetrying(backend: TestBackend, login: string): Promise<{ sessionToken: string; cookie: string }> {
	return eventually(() => backend.signIn(login), 60_000);
}

/** The user's profile once it lists every organization in `orgs`. */
export async function organizationsOf(backend: TestBackend, token: string, orgs: string[]): Promise<UserProfile> {
	const client = backend.clientFor(token);
	return eventually(async () => {
		const p = await client.me.profile();
		if (p.organizationsError) await client.me.refreshOrganizations();
		return orgs.every((o) => p.organizations.some((m) => m.orgId === o)) ? p : undefined;
	}, 60_000);
}
