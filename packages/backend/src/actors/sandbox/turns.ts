// A turn's end as metering sees it, and turns that ended without the agent saying so (their
// sandbox was lost, or the process running them is gone): closed as interrupted, reported once.
import { organizationKey, parseInput, QUEUE } from "@foundry/shared";
import { eq, max } from "drizzle-orm";
import { z } from "zod";
import { notice, type SandboxCommandContext, updateSession } from "./context.ts";
import { events, sessions } from "./schema.ts";

type SessionRow = typeof sessions.$inferSelect;

/**
 * Tells the organization a turn's measured time, after this batch commits (retried until
 * delivered; the organization ignores a turn it already closed, so it is counted once).
 */
export function endTurn(ctx: SandboxCommandContext, turnId: string, startedAt: number, endedAt = Date.now(), provisional = false): void {
	ctx.outbox.tell({ actor: "organization", key: organizationKey(ctx.orgId), queue: QUEUE.organization.recordUsage, body: { turnId, startedAt, endedAt, ...(provisional ? { provisional } : {}) } });
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

/**
 * sandbox.checkTurn: metering still counts this turn open. Running here: it is. Called running but
 * nothing runs it: interrupted now. Ended here: its measurement left then (and may still be on its
 * way), so only a provisional zero-length end is sent. Never seen: its prompt is still on its way
 * (the task retries it, or records it undelivered); the organization asks again later.
 */
export async function checkTurn(ctx: SandboxCommandContext, body: unknown): Promise<{ open: boolean }> {
	const { sessionId, turnId } = parseInput(checkTurnSchema, body);
	const row = await ctx.db.select().from(sessions).where(eq(sessions.id, sessionId)).get();
	if (!row) return { open: false };
	if (row.turnId === turnId) {
		if (ctx.runtime()?.running(sessionId)) return { open: true };
		await interruptTurn(ctx, row, "nothing was still running it");
		return { open: false };
	}
	if (row.lastTurnId === turnId) endTurn(ctx, turnId, Date.now(), Date.now(), true);
	return { open: false };
}

const checkTurnSchema = z.object({ sessionId: z.string().min(1), turnId: z.string().min(1) });
