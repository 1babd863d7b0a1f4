// Audit log contracts: append-only events and their paginated listing.
import { z } from "zod";
import { LIMITS } from "../limits.ts";

export const AUDIT_KINDS = [
	"repo.added",
	"repo.credential_set",
	"repo.credential_cleared",
	"task.created",
	"task.renamed",
	"task.archived",
	"task.unarchived",
	"task.status_changed",
	"runtime_issues.cleared",
	"task.owner_changed",
	"member.joined",
	"member.role_changed",
	"member.removed",
	"organization.installation_changed",
	"task.follow_up_recorded",
	"organization.settings_changed",
	"task.branch_pushed",
	"session.created",
	"session.ready",
	"session.message_sent",
	"session.stopped",
	"session.renamed",
	"session.closed",
	"session.failed",
	"session.turn_ended",
	"session.turn_interrupted",
	"session.reopened",
	"session.permission_answered",
	"sandbox.provisioned",
	"sandbox.expired",
	"sandbox.released",
	"sandbox.paused",
	"sandbox.resumed",
	"task.git_action",
	"task.killed",
	"task.pruned",
	"billing.checkout_started",
	"billing.checkout_completed",
	"billing.subscription_changed",
	"billing.subscription_canceled",
	"billing.invoice_paid",
	"billing.payment_failed",
	"billing.cap_changed",
	"billing.seat_taken",
	"billing.cap_reached",
] as const;
export const auditKindSchema = z.enum(AUDIT_KINDS);
export type AuditKind = z.infer<typeof auditKindSchema>;

export const auditAppendSchema = z.object({
	/** Emitter-chosen id; appending the same id twice stores one event. */
	id: z.string().min(1).max(100),
	at: z.number(),
	kind: auditKindSchema,
	actor: z.string().min(1),
	repoId: z.string().nullable(),
	taskId: z.string().nullable(),
	payload: z.record(z.string(), z.unknown()),
});
export type AuditAppend = z.infer<typeof auditAppendSchema>;

export const auditEventSchema = auditAppendSchema.extend({ seq: z.number() });
export type AuditEvent = z.infer<typeof auditEventSchema>;

export const listAuditInputSchema = z.object({
	taskId: z.string().optional(),
	repoId: z.string().optional(),
	kind: auditKindSchema.optional(),
	limit: z.number().int().min(1).max(LIMITS.AUDIT_PAGE_MAX).optional(),
	/** Opaque cursor from a previous page's nextCursor. */
	cursor: z.string().regex(/^\d+$/, "cursor is not valid").optional(),
	order: z.enum(["asc", "desc"]).optional(),
});
export type ListAuditInput = z.infer<typeof listAuditInputSchema>;

export interface AuditPage {
	events: AuditEvent[];
	nextCursor: string | null;
}
