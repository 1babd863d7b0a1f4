// What organization command handlers work with, and how a change reaches clients:
// write rows first, then bump the projection version and broadcast the change.
import { EVENT, type OrganizationChange, type OrganizationUpdatedEvent } from "@foundry/shared";
import { eq, sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Outbox } from "../shared/outbox.ts";
import type { PeerClient } from "../shared/peers.ts";
import type { OrganizationDb } from "./database.ts";
import { projectionMeta } from "./schema.ts";

export interface OrganizationCommandContext {
	db: OrganizationDb;
	orgId: string;
	peers: PeerClient;
	outbox: Outbox;
	log: Logger;
	broadcast(name: typeof EVENT.organizationUpdated, payload: OrganizationUpdatedEvent): void;
}

export async function readVersion(db: OrganizationDb): Promise<number> {
	const row = await db.select().from(projectionMeta).where(eq(projectionMeta.id, 1)).get();
	return row?.version ?? 0;
}

export async function emitChange(ctx: OrganizationCommandContext, change: OrganizationChange): Promise<void> {
	const rows = await ctx.db
		.insert(projectionMeta)
		.values({ id: 1, version: 1 })
		.onConflictDoUpdate({ target: projectionMeta.id, set: { version: sql`${projectionMeta.version} + 1` } })
		.returning({ version: projectionMeta.version });
	const version = rows[0]?.version ?? 0;
	ctx.broadcast(EVENT.organizationUpdated, { version, change });
}
