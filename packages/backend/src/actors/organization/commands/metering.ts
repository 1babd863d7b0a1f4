// Seats and agent minutes. A turn is admitted (seat, payment state, spend cap checked) before it
// starts, measured when it ends (the sandbox's start/end), and running turns are stopped when the
// period's cap is reached. Admins hear at 80 % and 100 %.
import { FoundryError, parseInput, QUEUE, sandboxKey, taskKey } from "@foundry/shared";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import { type BillingCore, capMinutesOf, readCore, toBillingState, usedSeconds } from "../billing.ts";
import { commitChange, type OrganizationCommandContext } from "../context.ts";
import { billingAlerts, seats, turns } from "../schema.ts";
import { notifyAdmins } from "./billing.ts";

const admitSchema = z.object({
	turnId: z.string().min(1).max(200),
	sessionId: z.string().min(1),
	taskId: z.string().min(1),
	userId: z.string().min(1),
	login: z.string(),
});

/** organization.admitTurn: may this member start an agent turn now? Takes their seat if needed. */
export async function admitTurn(ctx: OrganizationCommandContext, body: unknown): Promise<{ admitted: true }> {
	const t = parseInput(admitSchema, body);
	if (await ctx.db.select({ id: turns.id }).from(turns).where(eq(turns.id, t.turnId)).get()) return { admitted: true }; // replay
	const core = await readCore(ctx.db);
	const now = Date.now();
	// A refusal is a typed error to the sender (nothing is written, so nothing is audited).
	assertPaid(core, now);
	await assertUnderCap(ctx, core, now);
	await takeSeat(ctx, core, t.userId, t.login, now);
	await ctx.db.insert(turns).values({ id: t.turnId, sessionId: t.sessionId, taskId: t.taskId, userId: t.userId, login: t.login, periodStart: core.periodStart, startedAt: now });
	await scheduleCapCheck(ctx, core, now);
	await ctx.peers.organization.getOrCreate([ctx.orgId]).scheduleTurnCheck({ at: now + ctx.billing.turnCheckMs });
	return { admitted: true };
}

function assertPaid(core: BillingCore, now: number): void {
	if (core.status === "past_due" && core.graceEndsAt !== null && now > core.graceEndsAt) {
		throw new FoundryError("PRECONDITION_FAILED", "payment is past due and the grace period has ended: agent turns are paused until an admin updates the payment method (`foundry billing portal`)");
	}
}

async function assertUnderCap(ctx: OrganizationCommandContext, core: BillingCore, now: number): Promise<void> {
	const cap = capMinutesOf(core, ctx.billing);
	if (cap === null) return;
	const used = await usedSeconds(ctx.db, core.periodStart, now);
	if (used.ended + used.running < cap * 60) return;
	const what = core.capMinutes !== null ? `the spend cap of ${cap} agent minutes` : `the free plan's ${cap} included agent minutes`;
	const fix = core.capMinutes !== null ? "an admin can raise it (`foundry billing cap <minutes>`)" : "an admin can upgrade (`foundry billing checkout`)";
	throw new FoundryError("PRECONDITION_FAILED", `${what} for this period ${core.capMinutes !== null ? "is" : "are"} used up; ${fix}`);
}

async function takeSeat(ctx: OrganizationCommandContext, core: BillingCore, userId: string, login: string, now: number): Promise<void> {
	const held = await ctx.db.select({ userId: seats.userId, login: seats.login }).from(seats).where(eq(seats.periodStart, core.periodStart));
	if (held.some((s) => s.userId === userId)) return;
	if (ctx.billing.enabled && held.length >= core.seats) {
		const who = held.map((s) => s.login).join(", ");
		const fix = core.plan === "free" ? "an admin can upgrade to the team plan (`foundry billing checkout --seats N`)" : "an admin can add seats to the subscription (`foundry billing portal`)";
		throw new FoundryError("PRECONDITION_FAILED", `all ${core.seats} seat${core.seats === 1 ? "" : "s"} of the ${core.plan} plan are taken this period (${who}); ${fix}`);
	}
	await commitChange(ctx, "billing-seat", async (tx) => {
		await tx.insert(seats).values({ periodStart: core.periodStart, userId, login, takenAt: now });
		return { type: "billing", billing: await toBillingState(tx, core, ctx.billing) };
	});
	ctx.outbox.audit({ kind: "billing.seat_taken", actor: userId, repoId: null, taskId: null, payload: { login, seats: core.seats, plan: core.plan } });
}

/** When running turns would reach the cap, look again (the actor's schedule calls enforceCap). */
async function scheduleCapCheck(ctx: OrganizationCommandContext, core: BillingCore, now: number): Promise<void> {
	const cap = capMinutesOf(core, ctx.billing);
	if (cap === null) return;
	const used = await usedSeconds(ctx.db, core.periodStart, now);
	if (used.runningCount === 0) return;
	const left = Math.max(0, cap * 60 - used.ended - used.running);
	const at = now + Math.max(250, Math.ceil((left / used.runningCount) * 1000));
	await ctx.peers.organization.getOrCreate([ctx.orgId]).scheduleCapCheck({ at });
}

/** organization.enforceCap: running turns are stopped once the period's cap is reached. */
export async function enforceCap(ctx: OrganizationCommandContext, _body: unknown): Promise<{ stopped: number }> {
	const core = await readCore(ctx.db);
	const cap = capMinutesOf(core, ctx.billing);
	if (cap === null) return { stopped: 0 };
	const now = Date.now();
	const used = await usedSeconds(ctx.db, core.periodStart, now);
	if (used.ended + used.running < cap * 60) {
		await scheduleCapCheck(ctx, core, now);
		return { stopped: 0 };
	}
	const running = await ctx.db.select().from(turns).where(and(eq(turns.periodStart, core.periodStart), isNull(turns.endedAt)));
	for (const t of running) {
		await ctx.peers.sandbox.getOrCreate(sandboxKey(ctx.orgId, t.taskId)).send(QUEUE.sandbox.cancel, { sessionId: t.sessionId, reason: "spend cap reached" });
	}
	await alert(ctx, core, 100);
	if (running.length > 0) {
		ctx.outbox.audit({ kind: "billing.cap_reached", actor: "system", repoId: null, taskId: null, payload: { capMinutes: cap, stoppedTurns: running.map((t) => t.id) } });
	}
	return { stopped: running.length };
}

const usageSchema = z.object({
	turnId: z.string().min(1),
	startedAt: z.number(),
	endedAt: z.number(),
	/** From a turn check (its task never ran it): the turn's own measurement, arriving later, wins. */
	provisional: z.boolean().optional(),
});

/** organization.recordUsage: a turn's measured time (from the sandbox). */
export async function recordUsage(ctx: OrganizationCommandContext, body: unknown): Promise<{ seconds: number }> {
	const u = parseInput(usageSchema, body);
	const seconds = Math.max(0, Math.round((u.endedAt - u.startedAt) / 1000));
	const row = await ctx.db.select().from(turns).where(eq(turns.id, u.turnId)).get();
	if (!row) return { seconds: 0 };
	// Counted once: only an open turn, or one a check closed provisionally, takes a measurement.
	if (row.endedAt !== null && (row.provisional === 0 || u.provisional)) return { seconds: row.seconds ?? 0 };
	const provisional = u.provisional ? 1 : 0;
	await ctx.db.update(turns).set({ startedAt: u.startedAt, endedAt: u.endedAt, seconds, provisional }).where(eq(turns.id, u.turnId));
	const core = await readCore(ctx.db);
	const cap = capMinutesOf(core, ctx.billing);
	if (cap !== null) {
		const used = await usedSeconds(ctx.db, core.periodStart);
		if (used.ended >= cap * 60) await alert(ctx, core, 100);
		else if (used.ended >= cap * 60 * 0.8) await alert(ctx, core, 80);
	}
	if (core.plan === "team") await ctx.peers.organization.getOrCreate([ctx.orgId]).scheduleUsageFlush();
	return { seconds };
}

async function alert(ctx: OrganizationCommandContext, core: BillingCore, threshold: 80 | 100): Promise<void> {
	const [fresh] = await ctx.db.insert(billingAlerts).values({ periodStart: core.periodStart, threshold, sentAt: Date.now() }).onConflictDoNothing().returning();
	if (!fresh) return;
	const cap = capMinutesOf(core, ctx.billing);
	const text = threshold === 100 ? `Agent minutes for this period reached the cap of ${cap}: new turns are refused and running ones were stopped.` : `Agent minutes for this period passed 80 % of the cap of ${cap}.`;
	await notifyAdmins(ctx, `Spend cap ${threshold} %`, text, `cap-${threshold}:${core.periodStart}`);
}

const reportedSchema = z.object({ turnIds: z.array(z.string()).max(1_000) });

export async function markUsageReported(ctx: OrganizationCommandContext, body: unknown): Promise<{ marked: number }> {
	const { turnIds } = parseInput(reportedSchema, body);
	if (turnIds.length === 0) return { marked: 0 };
	await ctx.db.update(turns).set({ reported: 1 }).where(inArray(turns.id, turnIds));
	return { marked: turnIds.length };
}

const checkSchema = z.object({ all: z.boolean().optional() });

/**
 * organization.checkTurns: every turn open longer than the check interval (with `all`, every open
 * turn: a new instance after a restart) is looked at by its task — a turn nobody runs any more is
 * closed from there. Nothing else wakes a task whose step was cut off by a crash, so without this a
 * turn admitted for it stays open (and counted running) until someone opens the task.
 */
export async function checkTurns(ctx: OrganizationCommandContext, body: unknown): Promise<{ asked: number; nextAt: number | null }> {
	const { all } = parseInput(checkSchema, body ?? {});
	const now = Date.now();
	const every = ctx.billing.turnCheckMs;
	const open = await ctx.db.select({ id: turns.id, sessionId: turns.sessionId, taskId: turns.taskId, startedAt: turns.startedAt, checkedAt: turns.checkedAt }).from(turns).where(isNull(turns.endedAt));
	const due = all ? open : open.filter((t) => (t.checkedAt ?? t.startedAt) + every <= now);
	for (const t of due) {
		ctx.outbox.tell({ actor: "task", key: taskKey(ctx.orgId, t.taskId), queue: QUEUE.task.checkTurn, body: { turnId: t.id, sessionId: t.sessionId } });
	}
	if (due.length > 0) await ctx.db.update(turns).set({ checkedAt: now }).where(inArray(turns.id, due.map((t) => t.id)));
	const checked = new Set(due.map((t) => t.id));
	const next = open.map((t) => (checked.has(t.id) ? now : (t.checkedAt ?? t.startedAt)) + every);
	const nextAt = next.length > 0 ? Math.min(...next) : null;
	if (nextAt !== null) await ctx.peers.organization.getOrCreate([ctx.orgId]).scheduleTurnCheck({ at: nextAt });
	return { asked: due.length, nextAt };
}
