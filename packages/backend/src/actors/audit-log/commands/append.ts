// auditLog.append: store a batch of events; emitter-chosen ids make a replayed append a no-op.
import { auditAppendSchema, parseInput } from "@foundry/shared";
import { z } from "zod";
import type { AuditLogDb } from "../database.ts";
import { auditEvents } from "../schema.ts";

const batchSchema = z.object({ events: z.array(auditAppendSchema).min(1).max(1_000) });

export async function appendEvents(db: AuditLogDb, body: unknown): Promise<{ stored: number }> {
	const { events } = parseInput(batchSchema, body, "audit events");
	const rows = await db
		.insert(auditEvents)
		.values(events.map((e) => ({ ...e, payload: JSON.stringify(e.payload) })))
		.onConflictDoNothing({ target: auditEvents.id })
		.returning({ seq: auditEvents.seq });
	return { stored: rows.length };
}
