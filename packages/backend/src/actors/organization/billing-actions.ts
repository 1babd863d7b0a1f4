// Billing actions: the ones that must answer with something from Stripe (a checkout or portal URL,
// the subscription after a change) call it here, outside the command loop, then apply the result
// through the queue (one writer). Reads are local. Usage is reported to Stripe from a scheduled
// action, idempotently (one meter event identifier per turn).
import {
	type BillingState,
	checkoutInputSchema,
	FoundryError,
	finalizeCheckoutInputSchema,
	parseInput,
	QUEUE,
	spendCapInputSchema,
	type UsageReport,
	usageInputSchema,
} from "@foundry/shared";
import { and, eq, isNotNull } from "drizzle-orm";
import type { BillingApi } from "../../adapters/stripe.ts";
import { dispatch } from "../shared/dispatch.ts";
import { type BillingEnv, readCore, toBillingState } from "./billing.ts";
import type { OrganizationDb } from "./database.ts";
import { countMembers } from "./reads.ts";
import { turns } from "./schema.ts";
import { readUsage } from "./usage.ts";

export interface BillingDeps {
	billingApi: BillingApi;
	billingEnv: BillingEnv;
	publicUrl: string;
}

interface Ctx {
	db: OrganizationDb;
	key: string[];
	queue: { enqueueAndWait(name: string, body: unknown, opts?: { timeout?: number }): Promise<unknown>; send(name: string, body: unknown): Promise<unknown> };
	schedule: { at(at: number, action: string, ...args: unknown[]): Promise<unknown>; after(ms: number, action: string, ...args: unknown[]): Promise<unknown> };
}

export function billingActions(deps: BillingDeps, actorOf: (c: Ctx & { conn: unknown }) => string) {
	/** Organization key → when its pending turn check fires (this process's instances). */
	const turnChecks = new Map<string, number>();
	const state = async (db: OrganizationDb): Promise<BillingState> => toBillingState(db, await readCore(db), deps.billingEnv);
	const subscriptionOf = async (db: OrganizationDb): Promise<string> => {
		const core = await readCore(db);
		if (!core.stripeSubscriptionId) throw new FoundryError("PRECONDITION_FAILED", "this organization has no subscription (it is on the free plan)");
		return core.stripeSubscriptionId;
	};
	return {
		getBilling: (c: Ctx): Promise<BillingState> => state(c.db),
		getUsage: (c: Ctx, input?: unknown): Promise<UsageReport> => readUsage(c.db, deps.billingEnv, parseInput(usageInputSchema, input ?? {}).by ?? null),
		startCheckout: async (c: Ctx & { conn: unknown }, input?: unknown): Promise<{ url: string; sessionId: string }> => {
			const { seats } = parseInput(checkoutInputSchema, input ?? {});
			const orgId = c.key[0] ?? "";
			const core = await readCore(c.db);
			if (core.plan === "team" && core.status !== "canceled") throw new FoundryError("CONFLICT", "already on the team plan; change seats or payment in the billing portal (`foundry billing portal`)");
			const customerId = await deps.billingApi.ensureCustomer({ orgId, name: orgId, existing: core.stripeCustomerId });
			const quantity = seats ?? Math.max(1, await countMembers(c.db));
			const back = `${deps.publicUrl}/v1/billing/return?org=${encodeURIComponent(orgId)}`;
			const session = await deps.billingApi.checkout({ orgId, customerId, seats: quantity, successUrl: `${back}&session_id={CHECKOUT_SESSION_ID}`, cancelUrl: `${back}&canceled=1` });
			await dispatch(c.queue, QUEUE.organization.setStripeCustomer, { customerId, checkout: { sessionId: session.id, seats: quantity, actor: actorOf(c) } });
			return { url: session.url, sessionId: session.id };
		},
		finalizeCheckout: async (c: Ctx & { conn: unknown }, input: unknown): Promise<BillingState> => {
			const { sessionId } = parseInput(finalizeCheckoutInputSchema, input);
			const sub = await deps.billingApi.checkoutSubscription(sessionId);
			if (!sub) throw new FoundryError("PRECONDITION_FAILED", "the checkout is not completed yet");
			if (sub.orgId !== (c.key[0] ?? "")) throw new FoundryError("FORBIDDEN", "that checkout belongs to another organization");
			await dispatch(c.queue, QUEUE.organization.applySubscription, { subscription: sub, actor: actorOf(c), reason: "checkout finalized" });
			return state(c.db);
		},
		openBillingPortal: async (c: Ctx): Promise<{ url: string }> => {
			const core = await readCore(c.db);
			if (!core.stripeCustomerId) throw new FoundryError("PRECONDITION_FAILED", "no billing account yet: start a checkout first (`foundry billing checkout`)");
			return { url: await deps.billingApi.portal(core.stripeCustomerId, `${deps.publicUrl}/v1/billing/return?org=${encodeURIComponent(c.key[0] ?? "")}`) };
		},
		cancelSubscription: async (c: Ctx & { conn: unknown }): Promise<BillingState> => {
			const sub = await deps.billingApi.setCancelAtPeriodEnd(await subscriptionOf(c.db), true);
			await dispatch(c.queue, QUEUE.organization.applySubscription, { subscription: sub, actor: actorOf(c), reason: "cancel at period end" });
			return state(c.db);
		},
		resumeSubscription: async (c: Ctx & { conn: unknown }): Promise<BillingState> => {
			const sub = await deps.billingApi.setCancelAtPeriodEnd(await subscriptionOf(c.db), false);
			await dispatch(c.queue, QUEUE.organization.applySubscription, { subscription: sub, actor: actorOf(c), reason: "resumed" });
			return state(c.db);
		},
		setSpendCap: async (c: Ctx & { conn: unknown }, input: unknown): Promise<BillingState> => {
			await dispatch(c.queue, QUEUE.organization.setSpendCap, { ...parseInput(spendCapInputSchema, input), actor: actorOf(c) });
			return state(c.db);
		},
		/** Internal: report measured turns of team plans to Stripe (identifier = turn id: idempotent). */
		flushUsage: async (c: Ctx): Promise<{ reported: number }> => {
			const core = await readCore(c.db);
			if (!deps.billingApi.enabled || core.plan !== "team" || !core.stripeCustomerId) return { reported: 0 };
			// A provisional (zero-length) close is not reported: its real measurement may still replace it.
			const pending = await c.db.select().from(turns).where(and(eq(turns.reported, 0), eq(turns.provisional, 0), isNotNull(turns.endedAt))).limit(200);
			const done: string[] = [];
			for (const t of pending) {
				await deps.billingApi.reportUsage({ customerId: core.stripeCustomerId, minutes: (t.seconds ?? 0) / 60, identifier: t.id, at: t.endedAt ?? Date.now() });
				done.push(t.id);
			}
			if (done.length > 0) await dispatch(c.queue, QUEUE.organization.markUsageReported, { turnIds: done });
			return { reported: done.length };
		},
		scheduleUsageFlush: async (c: Ctx): Promise<void> => {
			await c.schedule.after(0, "flushUsage");
		},
		scheduleCapCheck: async (c: Ctx, input: unknown): Promise<void> => {
			const at = typeof (input as { at?: unknown })?.at === "number" ? (input as { at: number }).at : Date.now();
			await c.schedule.at(at, "capCheck");
		},
		capCheck: async (c: Ctx): Promise<void> => {
			await c.queue.send(QUEUE.organization.enforceCap, {});
		},
		// One turn check pending per organization instance: every admission asks for one, and each
		// check asks for the next while turns are open; a later request than the pending one is dropped.
		scheduleTurnCheck: async (c: Ctx, input: unknown): Promise<void> => {
			const at = typeof (input as { at?: unknown })?.at === "number" ? (input as { at: number }).at : Date.now();
			const id = c.key.join("/");
			const pending = turnChecks.get(id);
			if (pending !== undefined && pending > Date.now() && pending <= at) return;
			turnChecks.set(id, at);
			await c.schedule.at(at, "turnCheck");
		},
		turnCheck: async (c: Ctx): Promise<void> => {
			const id = c.key.join("/");
			if ((turnChecks.get(id) ?? 0) <= Date.now()) turnChecks.delete(id);
			await c.queue.send(QUEUE.organization.checkTurns, {});
		},
	};
}
