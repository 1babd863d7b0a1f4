// What organization command handlers work with, and how a change reaches clients: the rows and
// the projection version are written in one transaction, then the change is broadcast.
import { EVENT, type OrganizationChange, type OrganizationUpdatedEvent } from "@foundry/shared";
import { eq, sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { GithubHost } from "../../domain/repo-url.ts";
import type { Outbox } from "../shared/outbox.ts";
import type { PeerClient } from "../shared/peers.ts";
import type { BillingEnv } from "./billing.ts";
import type { OrganizationDb } from "./database.ts";
import { projectionMeta } from "./schema.ts";

export interface OrganizationCommandContext {
	db: OrganizationDb;
	orgId: string;
	peers: PeerClient;
	outbox: Outbox;
	log: Logger;
	/** Plan limits: the free plan's minutes and the past-due grace period. */
	billing: BillingEnv;
	/** The configured GitHub's origin (repository credentials are for other hosts only). */
	githubHost: GithubHost;
	broadcast(name: typeof EVENT.organizationUpdated, payload: OrganizationUpdatedEvent): void;
}

export async function readVersion(db: OrganizationDb): Promise<number> {
	const row = await db.select().from(projectionMeta).where(eq(projectionMeta.id, 1)).get();
	return row?.version ?? 0;
}

async function bumpVersion(db: OrganizationDb): Promise<number> {
	const rows = await db
		.insert(projectionMeta)
		.values({ id: 1, version: 1 })
		.onConflictDoUpdate({ target: projectionMeta.id, set: { version: sql`${projectionMeta.version} + 1` } })
		.returning({ version: projectionMeta.version });
	return rows[0]?.version ?? 0;
}

/**
 * Runs `write` and the version bump in one transaction (one commit, nothing half-written), then
 * broadcasts the change. `write` returns null when it changed nothing: no bump, no event.
 */
export async function commitChange(
	ctx: OrganizationCommandContext,
	name: string,
	write: (tx: OrganizationDb) => Promise<OrganizationChange | null>,
): Promise<OrganizationChange | null> {
	const committed = await ctx.db.transaction(
		async (tx) => {
			const change = await write(tx);
			return change ? { change, version: await bumpVersion(tx) } : null;
		},
		{ name },
	);
	if (committed) ctx.broadcast(EVENT.organizationUpdated, committed);
	return committed?.change ?? null;
}
