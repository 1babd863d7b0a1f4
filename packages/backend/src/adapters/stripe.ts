// The one module that talks to Stripe: the official SDK, pointed by configuration at api.stripe.com
// or the local simulator. Webhooks are verified here (signature + timestamp tolerance) on the raw body.
import { FoundryError, type Invoice } from "@foundry/shared";
import Stripe from "stripe";
import type { BillingConfig } from "../config.ts";

/** A subscription as the organization stores it. */
export interface SubscriptionView {
	id: string;
	customerId: string;
	orgId: string | null;
	status: string;
	seats: number;
	itemId: string | null;
	periodStart: number;
	periodEnd: number;
	cancelAtPeriodEnd: boolean;
	paymentMethod: string | null;
}

export interface BillingApi {
	readonly enabled: boolean;
	ensureCustomer(input: { orgId: string; name: string; existing: string | null }): Promise<string>;
	checkout(input: { orgId: string; customerId: string; seats: number; successUrl: string; cancelUrl: string }): Promise<{ id: string; url: string }>;
	/** The subscription a completed checkout created (null while not completed). */
	checkoutSubscription(sessionId: string): Promise<SubscriptionView | null>;
	portal(customerId: string, returnUrl: string): Promise<string>;
	setCancelAtPeriodEnd(subscriptionId: string, cancel: boolean): Promise<SubscriptionView>;
	subscription(subscriptionId: string): Promise<SubscriptionView>;
	invoices(customerId: string): Promise<Invoice[]>;
	/** Reports agent minutes (idempotent: one identifier per turn). */
	reportUsage(input: { customerId: string; minutes: number; identifier: string; at: number }): Promise<void>;
	/** Verifies a webhook (raw body + Stripe-Signature); throws INVALID_INPUT when it is not genuine or stale. */
	verify(rawBody: string, signature: string | undefined): Promise<Stripe.Event>;
	/** The organization an object belongs to (metadata), looking the customer up when needed. */
	orgOf(object: Record<string, unknown>): Promise<string | null>;
}

const sec = (s: number | null | undefined) => (typeof s === "number" ? s * 1000 : 0);

function viewOf(sub: Stripe.Subscription): SubscriptionView {
	const item = sub.items?.data?.[0];
	const pm = sub.default_payment_method;
	const card = pm && typeof pm === "object" ? pm.card : null;
	const period = item as unknown as { current_period_start?: number; current_period_end?: number } | undefined;
	const legacy = sub as unknown as { current_period_start?: number; current_period_end?: number };
	return {
		id: sub.id,
		customerId: typeof sub.customer === "string" ? sub.customer : sub.customer.id,
		orgId: sub.metadata?.orgId ?? null,
		status: sub.status,
		seats: item?.quantity ?? 1,
		itemId: item?.id ?? null,
		periodStart: sec(period?.current_period_start ?? legacy.current_period_start),
		periodEnd: sec(period?.current_period_end ?? legacy.current_period_end),
		cancelAtPeriodEnd: sub.cancel_at_period_end,
		paymentMethod: card ? `${card.brand} •••• ${card.last4}` : null,
	};
}

/** Stripe failures as typed errors (the key never appears in messages). */
async function stripeCall<T>(what: string, run: () => Promise<T>): Promise<T> {
	try {
		return await run();
	} catch (err) {
		if (err instanceof FoundryError) throw err;
		const e = err as { statusCode?: number; message?: string };
		if (e.statusCode === 404) throw new FoundryError("NOT_FOUND", `Stripe: ${what}: ${e.message ?? "not found"}`);
		if (e.statusCode === 400) throw new FoundryError("INVALID_INPUT", `Stripe: ${what}: ${e.message ?? "refused"}`);
		throw new FoundryError("UPSTREAM_FAILED", `Stripe: ${what} failed: ${e.message ?? String(err)}`);
	}
}

export function billingApi(cfg: BillingConfig): BillingApi {
	const url = new URL(cfg.apiUrl);
	const stripe = new Stripe(cfg.secretKey ?? "sk_test_disabled", {
		host: url.hostname,
		port: url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80,
		protocol: url.protocol === "https:" ? "https" : "http",
		maxNetworkRetries: 1,
		timeout: 10_000,
		telemetry: false,
	});
	const off = () => {
		if (!cfg.secretKey) throw new FoundryError("PRECONDITION_FAILED", "billing is not configured on this backend (FOUNDRY_STRIPE_SECRET_KEY)");
	};
	const expand = ["default_payment_method"];
	return {
		enabled: Boolean(cfg.secretKey),
		async ensureCustomer({ orgId, name, existing }) {
			off();
			if (existing) return existing;
			const c = await stripeCall("create customer", () => stripe.customers.create({ name, metadata: { orgId } }, { idempotencyKey: `customer-${orgId}` }));
			return c.id;
		},
		async checkout({ orgId, customerId, seats, successUrl, cancelUrl }) {
			off();
			const s = await stripeCall("start checkout", () =>
				stripe.checkout.sessions.create({
					mode: "subscription",
					customer: customerId,
					client_reference_id: orgId,
					metadata: { orgId },
					subscription_data: { metadata: { orgId } },
					line_items: [{ price: cfg.teamPriceId, quantity: seats }],
					success_url: successUrl,
					cancel_url: cancelUrl,
				}),
			);
			if (!s.url) throw new FoundryError("UPSTREAM_FAILED", "Stripe returned a checkout session without a URL");
			return { id: s.id, url: s.url };
		},
		async checkoutSubscription(sessionId) {
			off();
			const s = await stripeCall("read checkout", () => stripe.checkout.sessions.retrieve(sessionId));
			const id = typeof s.subscription === "string" ? s.subscription : s.subscription?.id;
			if (s.status !== "complete" || !id) return null;
			return viewOf(await stripeCall("read subscription", () => stripe.subscriptions.retrieve(id, { expand })));
		},
		async portal(customerId, returnUrl) {
			off();
			const p = await stripeCall("open billing portal", () => stripe.billingPortal.sessions.create({ customer: customerId, return_url: returnUrl }));
			return p.url;
		},
		async setCancelAtPeriodEnd(subscriptionId, cancel) {
			off();
			return viewOf(await stripeCall("update subscription", () => stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: cancel, expand })));
		},
		async subscription(subscriptionId) {
			off();
			return viewOf(await stripeCall("read subscription", () => stripe.subscriptions.retrieve(subscriptionId, { expand })));
		},
		async invoices(customerId) {
			off();
			const list = await stripeCall("list invoices", () => stripe.invoices.list({ customer: customerId, limit: 12 }));
			return list.data.map((i) => ({
				id: i.id ?? "",
				status: i.status ?? "draft",
				amountDue: i.amount_due,
				amountPaid: i.amount_paid,
				currency: i.currency,
				url: i.hosted_invoice_url ?? null,
				periodStart: sec(i.period_start),
				periodEnd: sec(i.period_end),
			}));
		},
		async reportUsage({ customerId, minutes, identifier, at }) {
			off();
			await stripeCall("report usage", () =>
				stripe.billing.meterEvents.create({
					event_name: cfg.meterEvent,
					identifier,
					timestamp: Math.floor(at / 1000),
					payload: { stripe_customer_id: customerId, value: String(Math.max(1, Math.round(minutes))) },
				}),
			).catch((err: unknown) => {
				// A repeated identifier means this turn was reported already (idempotent).
				if (err instanceof FoundryError && /already|exists|duplicate/i.test(err.message)) return;
				throw err;
			});
		},
		async verify(rawBody, signature) {
			if (!cfg.webhookSecret) throw new FoundryError("PRECONDITION_FAILED", "Stripe webhooks are not configured (FOUNDRY_STRIPE_WEBHOOK_SECRET)");
			if (!signature) throw new FoundryError("INVALID_INPUT", "missing Stripe-Signature header");
			try {
				// Async: under Bun the SDK verifies with SubtleCrypto, which has no synchronous form.
				return await stripe.webhooks.constructEventAsync(rawBody, signature, cfg.webhookSecret);
			} catch (err) {
				throw new FoundryError("INVALID_INPUT", `webhook refused: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
			}
		},
		async orgOf(object) {
			const meta = (object.metadata ?? {}) as Record<string, string>;
			const details = ((object.subscription_details ?? (object.parent as Record<string, unknown> | undefined)?.subscription_details) ?? {}) as {
				metadata?: Record<string, string>;
			};
			const direct = meta.orgId ?? (typeof object.client_reference_id === "string" ? object.client_reference_id : undefined) ?? details.metadata?.orgId;
			if (direct) return direct;
			const customer = typeof object.customer === "string" ? object.customer : null;
			if (!customer || !cfg.secretKey) return null;
			const c = await stripeCall("read customer", () => stripe.customers.retrieve(customer));
			return "deleted" in c && c.deleted ? null : ((c as Stripe.Customer).metadata?.orgId ?? null);
		},
	};
}

export { viewOf as subscriptionView };
