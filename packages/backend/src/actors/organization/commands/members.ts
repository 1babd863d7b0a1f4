// organization.syncMember / removeMember: the member list mirrors GitHub. Each change is pushed
// to the member's user actor (which answers "may this user enter?") and audited.
import {
	type ApplyMembershipInput,
	githubDataKey,
	INSTALLATION_STATUSES,
	orgIdSchema,
	parseInput,
	QUEUE,
	roleSchema,
} from "@foundry/shared";
import { eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { pushMembership } from "../../shared/peers.ts";
import { commitChange, type OrganizationCommandContext } from "../context.ts";
import { countMembers, readAccount } from "../reads.ts";
import { githubStatus, memberRemovals, members, orgProfile } from "../schema.ts";

const accountSchema = z.object({
	login: z.string().min(1),
	kind: z.enum(["personal", "organization"]),
	name: z.string(),
	avatarUrl: z.string().nullable(),
	installation: z.enum(INSTALLATION_STATUSES),
});
const syncSchema = z.object({
	userId: z.string().min(1),
	login: z.string().min(1),
	avatarUrl: z.string().nullable(),
	role: roleSchema,
	account: accountSchema,
	/** When the user's actor read GitHub (before it): a removal this organization learned later wins. */
	observedAt: z.number().int().optional(),
});
const removeSchema = z.object({ userId: z.string().min(1), reason: z.string().max(500) });

async function membershipFor(ctx: OrganizationCommandContext, role: ApplyMembershipInput["role"]): Promise<ApplyMembershipInput> {
	const p = await ctx.db.select().from(orgProfile).where(eq(orgProfile.id, 1)).get();
	return {
		orgId: orgIdSchema.parse(ctx.orgId),
		role,
		name: p?.name ?? ctx.orgId,
		kind: p?.kind ?? "organization",
		avatarUrl: p?.avatarUrl ?? null,
		installation: p?.installation ?? "install_required",
	};
}

/** An organization with the App installed syncs from GitHub once it has its first member. */
async function kickFirstSync(ctx: OrganizationCommandContext, installation: string): Promise<void> {
	if (installation !== "connected") return;
	const status = await ctx.db.select({ id: githubStatus.id }).from(githubStatus).where(eq(githubStatus.id, 1)).get();
	if (status) return;
	await ctx.peers.githubData.getOrCreate(githubDataKey(ctx.orgId)).send(QUEUE.githubData.sync, { reason: "first member" });
}

/** Tells clients the account (installation status) or member count changed. */
async function announceAccount(ctx: OrganizationCommandContext): Promise<void> {
	await commitChange(ctx, "account", async (tx) => {
		const account = await readAccount(tx);
		return account ? { type: "account", account, memberCount: await countMembers(tx) } : null;
	});
}

/** Returns whether anything clients see changed. */
async function syncProfile(ctx: OrganizationCommandContext, account: z.infer<typeof accountSchema>, actor: string): Promise<boolean> {
	const now = Date.now();
	const before = await ctx.db.select().from(orgProfile).where(eq(orgProfile.id, 1)).get();
	const row = { ...account, updatedAt: now };
	await ctx.db.insert(orgProfile).values({ id: 1, ...row }).onConflictDoUpdate({ target: orgProfile.id, set: row });
	if (before && before.installation !== account.installation) {
		ctx.outbox.audit({
			kind: "organization.installation_changed",
			actor,
			repoId: null,
			taskId: null,
			payload: { from: before.installation, to: account.installation },
		});
	}
	return !before || (["login", "name", "kind", "avatarUrl", "installation"] as const).some((k) => before[k] !== account[k]);
}

/**
 * The App was installed on the account or removed from it (a webhook, through github-data): the
 * account and every member's membership follow at once, not at each member's next sign-in.
 */
export async function applyInstallation(ctx: OrganizationCommandContext, installation: (typeof INSTALLATION_STATUSES)[number]): Promise<void> {
	const before = await ctx.db.select().from(orgProfile).where(eq(orgProfile.id, 1)).get();
	if (!before || before.installation === installation) return;
	const { id: _id, updatedAt: _u, ...account } = before;
	await syncProfile(ctx, { ...account, installation }, "system");
	await announceAccount(ctx);
	for (const m of await ctx.db.select().from(members)) await pushMembership(ctx.peers, m.userId, await membershipFor(ctx, m.role));
}

export async function syncMember(ctx: OrganizationCommandContext, body: unknown): Promise<{ changed: boolean }> {
	const input = parseInput(syncSchema, body);
	const accountChanged = await syncProfile(ctx, input.account, input.userId);
	const now = Date.now();
	const removal = await ctx.db.select().from(memberRemovals).where(eq(memberRemovals.login, input.login.toLowerCase())).get();
	if (removal && (input.observedAt ?? 0) < removal.removedAt) {
		// Stale: GitHub was read before the removal reached us. The user's actor hears it again.
		await pushMembership(ctx.peers, input.userId, await membershipFor(ctx, null));
		return { changed: false };
	}
	if (removal) await ctx.db.delete(memberRemovals).where(eq(memberRemovals.login, removal.login));
	const before = await ctx.db.select().from(members).where(eq(members.userId, input.userId)).get();
	const row = { userId: input.userId, login: input.login, avatarUrl: input.avatarUrl, role: input.role, updatedAt: now };
	await ctx.db
		.insert(members)
		.values({ ...row, joinedAt: now })
		.onConflictDoUpdate({ target: members.userId, set: row });
	const changed = !before || before.role !== input.role;
	if (changed) {
		ctx.outbox.audit({
			kind: before ? "member.role_changed" : "member.joined",
			actor: input.userId,
			repoId: null,
			taskId: null,
			payload: { login: input.login, role: input.role, ...(before ? { from: before.role } : {}) },
		});
	}
	if (accountChanged || !before) await announceAccount(ctx);
	await kickFirstSync(ctx, input.account.installation);
	// Pushed every time (cheap, idempotent): the user actor may have missed an earlier push.
	await pushMembership(ctx.peers, input.userId, await membershipFor(ctx, input.role));
	return { changed };
}

export async function removeMember(ctx: OrganizationCommandContext, body: unknown): Promise<{ removed: boolean }> {
	const input = parseInput(removeSchema, body);
	const [gone] = await ctx.db.delete(members).where(eq(members.userId, input.userId)).returning();
	if (gone) {
		await announceAccount(ctx);
		ctx.outbox.audit({
			kind: "member.removed",
			actor: "system",
			repoId: null,
			taskId: null,
			payload: { login: gone.login, reason: input.reason },
		});
	}
	await pushMembership(ctx.peers, input.userId, await membershipFor(ctx, null));
	return { removed: gone !== undefined };
}

const reconcileSchema = z.object({
	/** Every member on GitHub (a full sync): anyone else loses access; roles follow. */
	members: z.array(z.object({ login: z.string(), role: roleSchema })).optional(),
	/** Members removed on GitHub (a webhook). */
	removed: z.array(z.string()).optional(),
	reason: z.string().max(200),
});

/** Applies GitHub's member list (or removals) to the Foundry members who have signed in. */
export async function reconcileMembers(ctx: OrganizationCommandContext, body: unknown): Promise<{ removed: number; changed: number }> {
	const input = parseInput(reconcileSchema, body);
	const current = await ctx.db.select().from(members);
	const wanted = input.members ? new Map(input.members.map((m) => [m.login.toLowerCase(), m.role])) : null;
	const removedLogins = new Set((input.removed ?? []).map((l) => l.toLowerCase()));
	let removed = 0;
	let changed = 0;
	const now = Date.now();
	const gone = [...removedLogins, ...current.map((m) => m.login.toLowerCase()).filter((l) => wanted && !wanted.has(l))];
	for (const login of gone) {
		await ctx.db.insert(memberRemovals).values({ login, removedAt: now }).onConflictDoUpdate({ target: memberRemovals.login, set: { removedAt: now } });
	}
	if (wanted && wanted.size > 0) await ctx.db.delete(memberRemovals).where(inArray(memberRemovals.login, [...wanted.keys()]));
	for (const m of current) {
		const login = m.login.toLowerCase();
		const role = wanted?.get(login);
		if (removedLogins.has(login) || (wanted && role === undefined)) {
			await removeMember(ctx, { userId: m.userId, reason: input.reason });
			removed++;
		} else if (role && role !== m.role) {
			await ctx.db.update(members).set({ role, updatedAt: Date.now() }).where(eq(members.userId, m.userId));
			ctx.outbox.audit({ kind: "member.role_changed", actor: "system", repoId: null, taskId: null, payload: { login: m.login, role, from: m.role } });
			await pushMembership(ctx.peers, m.userId, await membershipFor(ctx, role));
			changed++;
		}
	}
	return { removed, changed };
}
