// POST /v1/webhooks/stripe: verified with stripe.webhooks.constructEvent on the raw body (signature
// and timestamp tolerance); a bad signature or a stale timestamp is 400 and nothing is applied.
// A genuine event goes to its organization in one durable queue send (deduplicated there by id).
import { type ConnParams, FoundryError, organizationKey, orgIdSchema, QUEUE } from "@foundry/shared";
import type { Context } from "hono";
import type { Logger } from "pino";
import type { BillingApi } from "../adapters/stripe.ts";
import type { AppEnv } from "./app.ts";

interface StripeWebhookClient {
	organization: { getOrCreate(key: string[], opts: { params: ConnParams }): { send(name: string, body: unknown): Promise<unknown> } };
}

export interface StripeWebhookDeps {
	billing: BillingApi;
	client: () => StripeWebhookClient;
	params: ConnParams;
	log: Logger;
}

export function stripeWebhookRoute(deps: StripeWebhookDeps) {
	return async (c: Context<AppEnv>): Promise<Response> => {
		const raw = await c.req.text();
		let event: Awaited<ReturnType<BillingApi["verify"]>>;
		try {
			event = await deps.billing.verify(raw, c.req.header("stripe-signature"));
		} catch (err) {
			deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, "stripe webhook refused");
			throw err;
		}
		const object = event.data.object as unknown as Record<string, unknown>;
		const org = orgIdSchema.safeParse(await deps.billing.orgOf(object));
		if (!org.success) {
			deps.log.info({ event: event.id, type: event.type }, "stripe webhook ignored: no organization");
			return c.json({ received: true, applied: false }, 200);
		}
		if (!event.id) throw new FoundryError("INVALID_INPUT", "event without an id");
		// Subscription events carry the payment method as an id: read the subscription expanded, so
		// the organization stores its label (e.g. "visa •••• 4242") without calling Stripe itself.
		const subscription = event.type.startsWith("customer.subscription.") && event.type !== "customer.subscription.deleted" && typeof object.id === "string"
			? await deps.billing.subscription(object.id).catch((err: unknown) => {
					deps.log.warn({ event: event.id, err: err instanceof Error ? err.message : String(err) }, "subscription not readable; applying the event as sent");
					return undefined;
				})
			: undefined;
		await deps.client()
			.organization.getOrCreate(organizationKey(org.data), { params: deps.params })
			.send(QUEUE.organization.applyStripeEvent, { id: event.id, type: event.type, object, ...(subscription ? { subscription } : {}) });
		return c.json({ received: true }, 200);
	};
}
