// user.refreshOrganizations: ask GitHub (with the user's own OAuth token) which accounts the user
// may act in — their personal account and each organization, with role and App installation —
// then tell each organization (it owns its member list and pushes the membership back), and tell
// organizations the user has left. Runs after every sign-in and on demand.
import { FoundryError, organizationKey, QUEUE } from "@foundry/shared";
import { eq } from "drizzle-orm";
import { findRecords } from "../auth-records.ts";
import type { UserCommandContext } from "../context.ts";
import { readMemberships, readProfile } from "../profile.ts";
import { profile } from "../schema.ts";

export async function githubToken(ctx: Pick<UserCommandContext, "db" | "secrets">): Promise<string> {
	const [account] = await findRecords(ctx.db, { model: "account", where: [{ field: "providerId", value: "github" }] });
	const stored = account?.accessToken;
	if (typeof stored !== "string" || stored.length === 0) {
		throw new FoundryError("PRECONDITION_FAILED", "no GitHub account is linked to this user; sign in with GitHub again");
	}
	return ctx.secrets.decrypt(stored);
}

/** Any failure lands on the profile (organizationsError), reaches the user's clients and the log. */
export async function refreshOrganizations(ctx: UserCommandContext): Promise<{ organizations: number }> {
	try {
		return await discover(ctx);
	} catch (err) {
		const message = err instanceof Error ? err.message : String(err);
		await ctx.db.update(profile).set({ orgsError: message, updatedAt: Date.now() }).where(eq(profile.id, 1));
		ctx.log.warn({ userId: ctx.userId, code: (err as { code?: unknown }).code, message }, "organization discovery failed");
		const p = await readProfile(ctx.db);
		if (p) ctx.emit({ type: "profile", profile: p });
		throw err;
	}
}

async function discover(ctx: UserCommandContext): Promise<{ organizations: number }> {
	const now = Date.now();
	const { identity, accounts } = await ctx.github.accounts(await githubToken(ctx));
	const current = await readMemberships(ctx.db);
	const wanted = new Set(accounts.map((a) => a.login.toLowerCase()));
	// After this step commits, retried: a first sign-in creates the personal account's organization
	// actor, and this step must not wait on that creation (under load it took 24 s).
	for (const a of accounts) {
		ctx.outbox.tell({
			actor: "organization",
			key: organizationKey(a.login.toLowerCase()),
			queue: QUEUE.organization.syncMember,
			body: {
				userId: ctx.userId,
				login: identity.login,
				avatarUrl: identity.avatarUrl,
				role: a.role,
				account: { login: a.login, kind: a.kind, name: a.name, avatarUrl: a.avatarUrl, installation: a.installation },
				observedAt: now,
			},
		});
	}
	for (const m of current) {
		if (wanted.has(m.orgId)) continue;
		ctx.outbox.tell({ actor: "organization", key: organizationKey(m.orgId), queue: QUEUE.organization.removeMember, body: { userId: ctx.userId, reason: "no longer a member on GitHub" } });
	}
	// A first sign-in lands in the most useful organization: one with the App installed, else the
	// personal account. (An explicit `org use` later always wins.)
	const held = await ctx.db.select({ activeOrgId: profile.activeOrgId }).from(profile).where(eq(profile.id, 1)).get();
	const preferred =
		accounts.find((a) => a.kind === "organization" && a.installation === "connected") ??
		accounts.find((a) => a.kind === "personal");
	if (!held?.activeOrgId && preferred) {
		await ctx.db.update(profile).set({ activeOrgId: preferred.login.toLowerCase() }).where(eq(profile.id, 1));
	}
	await ctx.db
		.update(profile)
		.set({
			githubId: identity.id,
			login: identity.login,
			name: identity.name,
			avatarUrl: identity.avatarUrl,
			orgsSyncedAt: now,
			orgsError: null,
			updatedAt: now,
		})
		.where(eq(profile.id, 1));
	ctx.principals.invalidateUser(ctx.userId);
	const p = await readProfile(ctx.db);
	if (p) ctx.emit({ type: "profile", profile: p });
	return { organizations: accounts.length };
}
