// The organization's billing state: plan and subscription (from Stripe), the current period, seats
// taken in it, the spend cap. Stored as one JSON row; seats and turns in their own tables.
import type { BillingState, BillingStatus, Invoice, Plan } from "@foundry/shared";
import { and, asc, eq, isNull, sum } from "drizzle-orm";
import type { OrganizationDb } from "./database.ts";
import { billing, seats, turns } from "./schema.ts";

/** What is stored; seat holders are read from their table. */
export interface BillingCore {
	plan: Plan;
	status: BillingStatus;
	seats: number;
	/** Team plans: the subscription's period; free: the calendar month (UTC). */
	periodStart: number;
	periodEnd: number;
	cancelAtPeriodEnd: boolean;
	paymentMethod: string | null;
	pastDueSince: number | null;
	graceEndsAt: number | null;
	invoices: Invoice[];
	capMinutes: number | null;
	stripeCustomerId: string | null;
	stripeSubscriptionId: string | null;
	stripeItemId: string | null;
}

export interface BillingEnv {
	/** Stripe configured. Without it (a self-hosted backend without billing) plans do not limit seats or minutes; admins' spend caps still apply. */
	enabled: boolean;
	freeMinutes: number;
	graceMs: number;
	/** A turn open this long is checked with its task (metering never keeps a turn nobody runs). */
	turnCheckMs: number;
}

export function calendarMonth(now: number): { start: number; end: number } {
	const d = new Date(now);
	return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

const FREE = (now: number): BillingCore => {
	const month = calendarMonth(now);
	return {
		plan: "free",
		status: "none",
		seats: 1,
		periodStart: month.start,
		periodEnd: month.end,
		cancelAtPeriodEnd: false,
		paymentMethod: null,
		pastDueSince: null,
		graceEndsAt: null,
		invoices: [],
		capMinutes: null,
		stripeCustomerId: null,
		stripeSubscriptionId: null,
		stripeItemId: null,
	};
};

/** The stored state, with the free plan's period rolled forward to the current month. */
export async function readCore(db: OrganizationDb, now = Date.now()): Promise<BillingCore> {
	const row = await db.select().from(billing).where(eq(billing.id, 1)).get();
	const core = row ? ({ ...FREE(now), ...(JSON.parse(row.state) as Partial<BillingCore>) } as BillingCore) : FREE(now);
	if (core.plan === "free" && now >= core.periodEnd) {
		const month = calendarMonth(now);
		return { ...core, periodStart: month.start, periodEnd: month.end };
	}
	return core;
}

export async function writeCore(db: OrganizationDb, core: BillingCore): Promise<void> {
	const row = { id: 1, state: JSON.stringify(core), updatedAt: Date.now() };
	await db.insert(billing).values(row).onConflictDoUpdate({ target: billing.id, set: row });
}

/** Seconds of agent time in the period: measured turns, plus the elapsed part of running ones. */
export async function usedSeconds(db: OrganizationDb, periodStart: number, now = Date.now()): Promise<{ ended: number; running: number; runningCount: number }> {
	const ended = await db.select({ s: sum(turns.seconds) }).from(turns).where(eq(turns.periodStart, periodStart)).get();
	const open = await db.select({ startedAt: turns.startedAt }).from(turns).where(and(eq(turns.periodStart, periodStart), isNull(turns.endedAt)));
	const running = open.reduce((acc, t) => acc + Math.max(0, (now - t.startedAt) / 1000), 0);
	return { ended: Number(ended?.s ?? 0), running, runningCount: open.length };
}

/** The cap that applies: the admin's, else the free plan's included minutes. */
export function capMinutesOf(core: BillingCore, env: BillingEnv): number | null {
	return core.capMinutes ?? (core.plan === "free" && env.enabled ? env.freeMinutes : null);
}

export async function toBillingState(db: OrganizationDb, core: BillingCore, env: BillingEnv): Promise<BillingState> {
	const holders = await db
		.select({ userId: seats.userId, login: seats.login, takenAt: seats.takenAt })
		.from(seats)
		.where(eq(seats.periodStart, core.periodStart))
		.orderBy(asc(seats.takenAt));
	return {
		plan: core.plan,
		status: core.status,
		seats: core.seats,
		seatHolders: holders,
		periodStart: core.periodStart,
		periodEnd: core.periodEnd,
		cancelAtPeriodEnd: core.cancelAtPeriodEnd,
		paymentMethod: core.paymentMethod,
		pastDueSince: core.pastDueSince,
		graceEndsAt: core.graceEndsAt,
		invoices: core.invoices,
		spendCap: { minutes: core.capMinutes },
		includedMinutes: core.plan === "free" && env.enabled ? env.freeMinutes : null,
		stripeCustomerId: core.stripeCustomerId,
		stripeSubscriptionId: core.stripeSubscriptionId,
		updatedAt: Date.now(),
	};
}
