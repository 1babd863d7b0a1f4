// The simulator's core: the store, the clock, the events it emits (recorded, and delivered to the
// configured webhook endpoint) and the base URL its hosted pages live under.
import { IdempotencyCache } from "./http/idempotency.ts";
import { newId, nowSeconds } from "./state/ids.ts";
import { Store } from "./state/store.ts";
import type { Origin, StripeEvent } from "./state/types.ts";
import { type SignatureMode, WebhookDispatcher } from "./webhooks/dispatcher.ts";

/** The API version of the pinned `stripe` SDK (23.1.0): what events carry by default. */
export const DEFAULT_API_VERSION = "2026-10-28.endive";

export class Sim {
	store = new Store(nowSeconds());
	readonly webhooks = new WebhookDispatcher();
	readonly idempotency = new IdempotencyCache();
	apiVersion = DEFAULT_API_VERSION;
	/** `http://host:port`, set once the server listens. */
	baseUrl = "";

	now(): number {
		return nowSeconds();
	}

	/** Hosted pages (checkout, portal, invoices) under the control prefix. */
	page(kind: "checkout" | "portal" | "invoices", id: string): string {
		return `${this.baseUrl}/_sim/${kind}/${id}`;
	}

	/**
	 * Records a Stripe event with a snapshot of `object` and queues its delivery.
	 * `previous` holds the changed fields' old values (Stripe's data.previous_attributes).
	 */
	emit(type: string, object: object, origin: Origin, previous?: Record<string, unknown>, signature?: SignatureMode): StripeEvent {
		const event: StripeEvent = {
			id: newId("evt"),
			object: "event",
			api_version: this.apiVersion,
			created: this.now(),
			data: { object: structuredClone(object), ...(previous ? { previous_attributes: structuredClone(previous) } : {}) },
			livemode: false,
			pending_webhooks: this.webhooks.config.url ? 1 : 0,
			request: { id: origin.requestId, idempotency_key: origin.idempotencyKey },
			type,
		};
		this.store.events.push(event);
		this.webhooks.enqueue(event, JSON.stringify(event, null, 2), { signature });
		return event;
	}

	/** Clears all objects, deliveries and idempotency keys and reseeds; the webhook endpoint is kept. */
	async reset(): Promise<void> {
		await this.webhooks.idle();
		this.webhooks.clear();
		this.idempotency.clear();
		this.store = new Store(this.now());
	}
}
