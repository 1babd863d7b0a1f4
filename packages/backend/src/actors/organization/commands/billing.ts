// Billing state changes: Stripe webhook events (each applied once, by event id), subscriptions read
// back after an admin action, the Stripe customer, the spend cap. Every change is audited and
// broadcast (organizationUpdated, type "billing").
import { actorRefSchema, parseInput, QUEUE, spendCapInputSchema } from "@foundry/shared";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { type SubscriptionView, subscriptionView } from "../../../adapters/stripe.ts";
import { type BillingCore, calendarMonth, readCore, toBillingState, writeCore } from "../billing.ts";
import { commitChange, type OrganizationCommandContext } from "../context.ts";
import { members, stripeEvents } from "../schema.ts";

/** Persists the new state and broadcasts it. */
async function saveCore(ctx: OrganizationCommandContext, core: BillingCore, name: string): Promise<void> {
	await commitChange(ctx, name, async (tx) => {
		await writeCore(tx, core);
		return { type: "billing", billing: await toBillingState(tx, core, ctx.billing) };
	});
}

function applyView(core: BillingCore, sub: SubscriptionView): BillingCore {
	if (sub.status === "canceled") return toFree(core);
	const status = sub.status === "active" || sub.status === "trialing" ? "active" : sub.status === "past_due" || sub.status === "unpaid" ? "past_due" : "incomplete";
	return {
		...core,
		plan: "team",
		status,
		seats: sub.seats,
		periodStart: sub.periodStart || core.periodStart,
		periodEnd: sub.periodEnd || core.periodEnd,
		cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
		paymentMethod: sub.paymentMethod ?? core.paymentMethod,
		stripeCustomerId: sub.customerId,
		stripeSubscriptionId: sub.id,
		stripeItemId: sub.itemId,
		...(status === "active" ? { pastDueSince: null, graceEndsAt: null } : {}),
	};
}

function toFree(core: BillingCore): BillingCore {
	const month = calendarMonth(Date.now());
	return { ...core, plan: "free", status: "canceled", seats: 1, periodStart: month.start, periodEnd: month.end, cancelAtPeriodEnd: false, stripeSubscriptionId: null, stripeItemId: null, pastDueSince: null, graceEndsAt: null };
}

const viewSchema = z.object({
	id: z.string(),
	customerId: z.string(),
	orgId: z.string().nullable(),
	status: z.string(),
	seats: z.number().int().min(1),
	itemId: z.string().nullable(),
	periodStart: z.number(),
	periodEnd: z.number(),
	cancelAtPeriodEnd: z.boolean(),
	paymentMethod: z.string().nullable(),
});
const applySchema = z.object({ subscription: viewSchema, actor: actorRefSchema, reason: z.string().max(100) });

/** organization.applySubscription: a subscription read from Stripe after an admin action. */
export async function applySubscription(ctx: OrganizationCommandContext, body: unknown): Promise<{ plan: string }> {
	const { subscription, actor, reason } = parseInput(applySchema, body);
	const before = await readCore(ctx.db);
	const next = applyView(before, subscription);
	await saveCore(ctx, next, "billing-subscription");
	ctx.outbox.audit({ kind: "billing.subscription_changed", actor, repoId: null, taskId: null, payload: { reason, plan: next.plan, status: next.status, seats: next.seats, cancelAtPeriodEnd: next.cancelAtPeriodEnd } });
	return { plan: next.plan };
}

const customerSchema = z.object({
	customerId: z.string().min(1),
	checkout: z.object({ sessionId: z.string(), seats: z.number().int(), actor: actorRefSchema }).optional(),
});

/** organization.setStripeCustomer: the Stripe customer, and the checkout an admin just started (audited). */
export async function setStripeCustomer(ctx: OrganizationCommandContext, body: unknown): Promise<{ customerId: string }> {
	const { customerId, checkout } = parseInput(customerSchema, body);
	const core = await readCore(ctx.db);
	if (core.stripeCustomerId !== customerId) await saveCore(ctx, { ...core, stripeCustomerId: customerId }, "billing-customer");
	if (checkout) {
		ctx.outbox.audit({ kind: "billing.checkout_started", actor: checkout.actor, repoId: null, taskId: null, payload: { sessionId: checkout.sessionId, seats: checkout.seats } });
	}
	return { customerId };
}

const capSchema = spendCapInputSchema.extend({ actor: actorRefSchema });

export async function setSpendCap(ctx: OrganizationCommandContext, body: unknown): Promise<{ minutes: number | null }> {
	const { minutes, actor } = parseInput(capSchema, body);
	const core = await readCore(ctx.db);
	await saveCore(ctx, { ...core, capMinutes: minutes }, "billing-cap");
	ctx.outbox.audit({ kind: "billing.cap_changed", actor, repoId: null, taskId: null, payload: { from: core.capMinutes, to: minutes } });
	return { minutes };
}

const eventSchema = z.object({ id: z.string().min(1), type: z.string().min(1), object: z.record(z.string(), z.unknown()), subscription: viewSchema.optional() });

/** organization.applyStripeEvent: one verified webhook event, applied once. */
export async function applyStripeEvent(ctx: OrganizationCommandContext, body: unknown): Promise<{ applied: boolean }> {
	const event = parseInput(eventSchema, body);
	const [fresh] = await ctx.db.insert(stripeEvents).values({ id: event.id, type: event.type, receivedAt: Date.now() }).onConflictDoNothing().returning();
	if (!fresh) return { applied: false };
	const core = await readCore(ctx.db);
	const next = await nextCore(ctx, core, event.type, event.object, event.subscription);
	if (!next) return { applied: false };
	await saveCore(ctx, next.core, `stripe-${event.type}`);
	ctx.outbox.audit({ kind: next.audit, actor: "stripe", repoId: null, taskId: null, payload: { event: event.id, type: event.type, plan: next.core.plan, status: next.core.status, seats: next.core.seats } });
	return { applied: true };
}

type Obj = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : null);

async function nextCore(ctx: OrganizationCommandContext, core: BillingCore, type: string, object: Obj, view?: SubscriptionView): Promise<{ core: BillingCore; audit: "billing.checkout_completed" | "billing.subscription_changed" | "billing.subscription_canceled" | "billing.invoice_paid" | "billing.payment_failed" } | null> {
	switch (type) {
		case "checkout.session.completed":
			return { core: { ...core, stripeCustomerId: str(object.customer) ?? core.stripeCustomerId, stripeSubscriptionId: str(object.subscription) ?? core.stripeSubscriptionId }, audit: "billing.checkout_completed" };
		case "customer.subscription.created":
		case "customer.subscription.updated":
			return { core: applyView(core, view ?? subscriptionView(object as never)), audit: "billing.subscription_changed" };
		case "customer.subscription.deleted":
			if (core.stripeSubscriptionId && str(object.id) !== core.stripeSubscriptionId) return null; // an older subscription
			return { core: toFree(core), audit: "billing.subscription_canceled" };
		case "invoice.paid": {
			const invoices = [invoiceOf(object), ...core.invoices.filter((i) => i.id !== object.id)].slice(0, 12);
			const cleared = core.status === "past_due" ? { status: "active" as const, pastDueSince: null, graceEndsAt: null } : {};
			return { core: { ...core, invoices, ...cleared }, audit: "billing.invoice_paid" };
		}
		case "invoice.payment_failed": {
			const since = core.pastDueSince ?? Date.now();
			const invoices = [invoiceOf(object), ...core.invoices.filter((i) => i.id !== object.id)].slice(0, 12);
			await notifyAdmins(ctx, "Payment failed", `A payment for ${ctx.orgId} failed. Agent sends stop after the grace period unless the payment method is updated (foundry billing portal).`, `payment-failed:${since}`);
			return { core: { ...core, status: "past_due", pastDueSince: since, graceEndsAt: since + ctx.billing.graceMs, invoices }, audit: "billing.payment_failed" };
		}
		default:
			return null;
	}
}

function invoiceOf(o: Obj) {
	const n = (v: unknown) => (typeof v === "number" ? v : 0);
	return {
		id: str(o.id) ?? "",
		status: str(o.status) ?? "open",
		amountDue: n(o.amount_due),
		amountPaid: n(o.amount_paid),
		currency: str(o.currency) ?? "usd",
		url: str(o.hosted_invoice_url),
		periodStart: n(o.period_start) * 1000,
		periodEnd: n(o.period_end) * 1000,
	};
}

/** Tells every admin of the organization (de-duplicated by key). */
export async function notifyAdmins(ctx: OrganizationCommandContext, title: string, text: string, key: string, taskId?: string): Promise<void> {
	const admins = await ctx.db.select({ userId: members.userId }).from(members).where(eq(members.role, "admin"));
	for (const a of admins) {
		ctx.outbox.tellUser(a.userId, QUEUE.user.notify, { orgId: ctx.orgId, taskId: taskId ?? "", kind: "billing", title, body: text, dedupeKey: `billing:${ctx.orgId}:${key}` });
	}
}
