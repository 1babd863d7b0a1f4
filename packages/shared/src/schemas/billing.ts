// Billing & metering (step 6): plans, subscription state from Stripe, seats, agent minutes, spend caps.
import { z } from "zod";

export const PLANS = ["free", "team"] as const;
export type Plan = (typeof PLANS)[number];
/** none: never subscribed (free plan). past_due: a payment failed (grace period, then sends are refused). */
export const BILLING_STATUSES = ["none", "active", "past_due", "canceled", "incomplete"] as const;
export type BillingStatus = (typeof BILLING_STATUSES)[number];

export interface Invoice {
	id: string;
	status: string;
	amountDue: number;
	amountPaid: number;
	currency: string;
	url: string | null;
	periodStart: number;
	periodEnd: number;
}

export interface SpendCap {
	/** Agent minutes per billing period; null: no cap. */
	minutes: number | null;
}

export interface BillingState {
	plan: Plan;
	status: BillingStatus;
	/** Seats the plan allows (free: 1; team: the subscription's quantity). */
	seats: number;
	/** Members holding a seat this period (a seat is taken by a member's first prompt in the period). */
	seatHolders: Array<{ userId: string; login: string; takenAt: number }>;
	periodStart: number;
	periodEnd: number;
	cancelAtPeriodEnd: boolean;
	/** e.g. "visa •••• 4242" */
	paymentMethod: string | null;
	/** When a payment failed; sends are refused after `graceEndsAt`. */
	pastDueSince: number | null;
	graceEndsAt: number | null;
	invoices: Invoice[];
	spendCap: SpendCap;
	/** Free plan: agent minutes included per period. */
	includedMinutes: number | null;
	stripeCustomerId: string | null;
	stripeSubscriptionId: string | null;
	updatedAt: number;
}

export interface UsageRow {
	/** user id, task id or session id, by the grouping asked for. */
	key: string;
	label: string;
	minutes: number;
	turns: number;
}

export interface UsageReport {
	periodStart: number;
	periodEnd: number;
	minutes: number;
	turns: number;
	/** Turns still running (their minutes count when they end). */
	running: number;
	capMinutes: number | null;
	by: "user" | "task" | "session" | null;
	rows: UsageRow[];
}

export const usageInputSchema = z.object({ by: z.enum(["user", "task", "session"]).optional() }).strict();
export const checkoutInputSchema = z.object({ seats: z.number().int().min(1).max(1_000).optional() }).strict();
export const finalizeCheckoutInputSchema = z.object({ sessionId: z.string().trim().min(1).max(200) }).strict();
export const spendCapInputSchema = z
	.object({ minutes: z.number().positive("the cap must be more than 0 minutes").max(10_000_000).nullable() })
	.strict();
