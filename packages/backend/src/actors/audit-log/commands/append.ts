// auditLog.append: store one event; the emitter-chosen id makes a replayed append a no-op.
import { auditAppendSchema, parseInput } from "@foundry/shared";
import type { AuditLogDb } from "../database.ts";
import { auditEvents } from "../schema.ts";

export async function appendEvent(db: AuditLogDb, body: unknown): Promise<{ stored: boolean }> {
	const event = parseInput(auditAppendSchema, body, "audit event");
	const rows = await db
		.insert(auditEvents)
		.values({ ...event, payload: JSON.stringify(event.payload) })
		.onConflictDoNothing({ target: auditEvents.id })
		.returning({ seq: auditEvents.seq });
	return { stored: rows.length > 0 };
}
