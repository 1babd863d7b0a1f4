// A turn's end as metering sees it, and turns that ended without the agent saying so (their
// sandbox was lost, or the process running them is gone): closed as interrupted, reported once.
import { organizationKey, QUEUE } from "@foundry/shared";
import { eq, max } from "drizzle-orm";
import { notice, type SandboxCommandContext, updateSession } from "./context.ts";
import { events, type sessions } from "./schema.ts";

type SessionRow = typeof sessions.$inferSelect;

/**
 * Tells the organization a turn's measured time, after this batch commits (retried until
 * delivered; the organization ignores a turn it already closed, so it is counted once).
 */
export function endTurn(ctx: SandboxCommandContext, turnId: string, startedAt: number, endedAt = Date.now()): void {
	ctx.outbox.tell({ actor: "organization", key: organizationKey(ctx.orgId), queue: QUEUE.organization.recordUsage, body: { turnId, startedAt, endedAt } });
}

/** When the session was last heard from (its newest transcript event), or null. */
async function lastEventAt(ctx: SandboxCommandContext, sessionId: string): Promise<number | null> {
	const row = await ctx.db.select({ at: max(events.at) }).from(events).where(eq(events.sessionId, sessionId)).get();
	return row?.at ?? null;
}

/**
 * Closes a turn nobody runs now: the session becomes usable (idle, the reason on it and
 * in its transcript), and the turn is metered up to the last event observed from it — time after
 * that was not spent by the agent.
 */
export async function interruptTurn(ctx: SandboxCommandContext, row: SessionRow, why: string): Promise<void> {
	const startedAt = row.turnStartedAt ?? Date.now();
	const endedAt = Math.max(startedAt, (await lastEventAt(ctx, row.id)) ?? startedAt);
	const text = `turn interrupted: ${why}`;
	await notice(ctx, row.id, "error", text);
	await updateSession(ctx, row.id, { status: "idle", error: text, turnStartedAt: null, turnId: null }, { ended: "error", message: text });
	if (row.turnId) endTurn(ctx, row.turnId, startedAt, endedAt);
	ctx.outbox.audit({
		kind: "session.turn_interrupted",
		actor: "system",
		repoId: null,
		taskId: ctx.taskId,
		payload: { sessionId: row.id, reason: why, seconds: Math.round((endedAt - startedAt) / 1000) },
	});
	ctx.log.warn({ sessionId: row.id, why }, "turn interrupted");
}
