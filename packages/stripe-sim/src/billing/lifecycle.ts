// What happens to a subscription over time, driven by the control API as a customer's card and
// Stripe's clock would: renewals (paid or failed), payment retries, the end of a period.
import { SimError } from "../control/errors.ts";
import type { Sim } from "../sim.ts";
import { addInterval } from "../state/ids.ts";
import { AUTOMATIC, type Subscription, type SubscriptionStatus } from "../state/types.ts";
import { createInvoice, failInvoice, payInvoice } from "./invoices.ts";

/** Top-level fields whose value changed, with their old values (Stripe's previous_attributes). */
export function changes<T extends object>(before: T, after: T): Partial<T> | undefined {
	const prev: Partial<T> = {};
	let changed = false;
	for (const key of Object.keys(after) as Array<keyof T>) {
		if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
			prev[key] = before[key];
			changed = true;
		}
	}
	return changed ? prev : undefined;
}

/** Runs a mutation and emits customer.subscription.updated when it changed anything. */
export function updating(sim: Sim, sub: Subscription, origin = AUTOMATIC, mutate: () => void): void {
	const before = structuredClone(sub);
	mutate();
	const prev = changes(before, sub);
	if (prev) sim.emit("customer.subscription.updated", sub, origin, prev);
}

function openInvoices(sim: Sim, sub: Subscription) {
	return sim.store.invoicesOf(sub.id).filter((i) => i.status === "open");
}

function settledStatus(sim: Sim, sub: Subscription): SubscriptionStatus {
	if (openInvoices(sim, sub).length === 0) return "active";
	return sub.status === "incomplete" ? "incomplete" : "past_due";
}

function live(sub: Subscription): void {
	if (sub.status === "canceled" || sub.status === "incomplete_expired") throw new SimError(400, `subscription ${sub.id} is ${sub.status}`);
}

/** The next period starts: licensed items billed ahead, metered usage of the ended period billed. */
function renew(sim: Sim, sub: Subscription, fail: boolean): void {
	const interval = sub.items.data[0]?.price.recurring ?? { interval: "month" as const, interval_count: 1 };
	const ended = { start: sub.current_period_start, end: sub.current_period_end };
	const next = { start: ended.end, end: addInterval(ended.end, interval.interval, interval.interval_count) };
	const before = structuredClone(sub);
	sub.current_period_start = next.start;
	sub.current_period_end = next.end;
	for (const item of sub.items.data) {
		item.current_period_start = next.start;
		item.current_period_end = next.end;
	}
	const invoice = createInvoice(sim, sub, "subscription_cycle", next, ended);
	if (fail) {
		failInvoice(sim, invoice, AUTOMATIC);
		sub.status = sub.status === "incomplete" ? "incomplete" : "past_due";
	} else {
		payInvoice(sim, invoice, AUTOMATIC);
		sub.status = settledStatus(sim, sub);
	}
	const prev = changes(before, sub);
	if (prev) sim.emit("customer.subscription.updated", sub, AUTOMATIC, prev);
}

/** Moves to the next period: ends a subscription set to cancel, else renews it with a paid invoice. */
export function advance(sim: Sim, sub: Subscription): void {
	live(sub);
	const cancelAt = sub.cancel_at ?? (sub.cancel_at_period_end ? sub.current_period_end : null);
	if (cancelAt !== null && cancelAt <= sub.current_period_end) {
		sub.status = "canceled";
		sub.ended_at = cancelAt;
		sub.canceled_at ??= sim.now();
		sim.emit("customer.subscription.deleted", sub, AUTOMATIC);
		return;
	}
	renew(sim, sub, false);
}

/**
 * A charge fails: an open invoice is retried and fails again; with none open, the next renewal's
 * charge fails (the period moves on, as in Stripe) and the subscription goes past_due.
 */
export function failPayment(sim: Sim, sub: Subscription): void {
	live(sub);
	const open = openInvoices(sim, sub).at(-1);
	if (!open) {
		renew(sim, sub, true);
		return;
	}
	updating(sim, sub, AUTOMATIC, () => {
		failInvoice(sim, open, AUTOMATIC);
		if (sub.status !== "incomplete") sub.status = "past_due";
	});
}

/** The customer pays: every open invoice is paid (oldest first) and the subscription is active again. */
export function payOpenInvoices(sim: Sim, sub: Subscription): void {
	live(sub);
	const open = openInvoices(sim, sub).sort((a, b) => a.created - b.created);
	if (open.length === 0) throw new SimError(400, `subscription ${sub.id} has no open invoice`);
	updating(sim, sub, AUTOMATIC, () => {
		for (const invoice of open) payInvoice(sim, invoice, AUTOMATIC);
		sub.status = settledStatus(sim, sub);
	});
}
