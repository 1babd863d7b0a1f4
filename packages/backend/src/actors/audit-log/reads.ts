// Read actions of the audit log: filtered, cursor-paginated listing.
import { type AuditEvent, type AuditPage, LIMITS, type ListAuditInput } from "@foundry/shared";
import { and, asc, desc, eq, gt, lt, type SQL } from "drizzle-orm";
import type { AuditLogDb } from "./database.ts";
import { auditEvents } from "./schema.ts";

export async function listEvents(db: AuditLogDb, input: ListAuditInput): Promise<AuditPage> {
	const limit = input.limit ?? LIMITS.AUDIT_PAGE_DEFAULT;
	const order = input.order ?? "desc";
	const filters: SQL[] = [];
	if (input.taskId) filters.push(eq(auditEvents.taskId, input.taskId));
	if (input.repoId) filters.push(eq(auditEvents.repoId, input.repoId));
	if (input.kind) filters.push(eq(auditEvents.kind, input.kind));
	if (input.cursor) {
		const after = Number(input.cursor);
		filters.push(order === "desc" ? lt(auditEvents.seq, after) : gt(auditEvents.seq, after));
	}
	const rows = await db
		.select()
		.from(auditEvents)
		.where(filters.length > 0 ? and(...filters) : undefined)
		.orderBy(order === "desc" ? desc(auditEvents.seq) : asc(auditEvents.seq))
		.limit(limit + 1);
	const page = rows.slice(0, limit).map(toEvent);
	const last = page[page.length - 1];
	return { events: page, nextCursor: rows.length > limit && last ? String(last.seq) : null };
}

function toEvent(row: typeof auditEvents.$inferSelect): AuditEvent {
	return {
		seq: row.seq,
		id: row.id,
		at: row.at,
		kind: row.kind as AuditEvent["kind"],
		actor: row.actor,
		repoId: row.repoId,
		taskId: row.taskId,
		payload: JSON.parse(row.payload) as Record<string, unknown>,
	};
}
