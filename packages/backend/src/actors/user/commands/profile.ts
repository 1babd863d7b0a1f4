// Profile commands: memberships pushed by organizations, defaults, the active organization.
import {
	applyMembershipInputSchema,
	FoundryError,
	parseInput,
	setActiveOrganizationInputSchema,
	type UserProfile,
	updateProfileInputSchema,
} from "@foundry/shared";
import { eq, isNull } from "drizzle-orm";
import type { UserCommandContext } from "../context.ts";
import { readProfile } from "../profile.ts";
import { memberships, profile } from "../schema.ts";

async function emitProfile(ctx: UserCommandContext): Promise<UserProfile> {
	const p = await readProfile(ctx.db);
	if (!p) throw new FoundryError("NOT_FOUND", "user has no profile");
	ctx.emit({ type: "profile", profile: p });
	return p;
}

/** From an organization: the user's role there, or null when they were removed. */
export async function applyMembership(ctx: UserCommandContext, body: unknown): Promise<void> {
	const m = parseInput(applyMembershipInputSchema, body);
	const now = Date.now();
	if (m.role === null) {
		await ctx.db.delete(memberships).where(eq(memberships.orgId, m.orgId));
		await ctx.db.update(profile).set({ activeOrgId: null }).where(eq(profile.activeOrgId, m.orgId));
	} else {
		const row = { orgId: m.orgId, role: m.role, name: m.name, kind: m.kind, avatarUrl: m.avatarUrl, installation: m.installation, updatedAt: now };
		await ctx.db.insert(memberships).values(row).onConflictDoUpdate({ target: memberships.orgId, set: row });
		// The first organization a user gets (their personal one comes first) becomes active.
		await ctx.db.update(profile).set({ activeOrgId: m.orgId }).where(isNull(profile.activeOrgId));
	}
	// Access changes take effect on the next call.
	ctx.principals.invalidateUser(ctx.userId);
	if (await readProfile(ctx.db)) await emitProfile(ctx);
}

export async function updateProfile(ctx: UserCommandContext, body: unknown): Promise<UserProfile> {
	const input = parseInput(updateProfileInputSchema, body);
	await ctx.db.update(profile).set({ ...input, updatedAt: Date.now() }).where(eq(profile.id, 1));
	return emitProfile(ctx);
}

export async function setActiveOrganization(ctx: UserCommandContext, body: unknown): Promise<UserProfile> {
	const { orgId } = parseInput(setActiveOrganizationInputSchema, body);
	const member = await ctx.db.select().from(memberships).where(eq(memberships.orgId, orgId)).get();
	if (!member) throw new FoundryError("FORBIDDEN", `you are not a member of organization ${orgId}`);
	await ctx.db.update(profile).set({ activeOrgId: orgId, updatedAt: Date.now() }).where(eq(profile.id, 1));
	return emitProfile(ctx);
}
