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
		let event: ReturnType<BillingApi["verify"]>;
		try {
			event = deps.billing.verify(raw, c.req.header("stripe-signature"));
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
		await deps.client()
			.organization.getOrCreate(organizationKey(org.data), { params: deps.params })
			.send(QUEUE.organization.applyStripeEvent, { id: event.id, type: event.type, object });
		return c.json({ received: true }, 200);
	};
}
