// Profile, organizations and the principal this user's connections act as.
import type { Membership, Principal, Role, UserProfile } from "@foundry/shared";
import { asc, eq } from "drizzle-orm";
import type { UserDb } from "./database.ts";
import { memberships, profile } from "./schema.ts";

export async function readMemberships(db: UserDb): Promise<Membership[]> {
	const rows = await db.select().from(memberships).orderBy(asc(memberships.orgId));
	return rows.map((r) => ({ ...r, avatarUrl: r.avatarUrl ?? null }));
}

export async function readProfile(db: UserDb): Promise<UserProfile | null> {
	const row = await db.select().from(profile).where(eq(profile.id, 1)).get();
	if (!row) return null;
	return {
		id: row.userId,
		githubId: row.githubId,
		login: row.login,
		name: row.name,
		email: row.email,
		avatarUrl: row.avatarUrl,
		defaultAgent: row.defaultAgent,
		defaultModel: row.defaultModel,
		activeOrgId: row.activeOrgId,
		organizations: await readMemberships(db),
		organizationsSyncedAt: row.orgsSyncedAt,
		organizationsError: row.orgsError,
	};
}

export async function readPrincipal(db: UserDb): Promise<Principal | null> {
	const row = await db.select().from(profile).where(eq(profile.id, 1)).get();
	if (!row) return null;
	const orgs: Record<string, Role> = {};
	for (const m of await db.select().from(memberships)) orgs[m.orgId] = m.role;
	return { kind: "user", userId: row.userId, login: row.login, orgs };
}
