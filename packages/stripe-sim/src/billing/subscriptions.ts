// Subscription changes made through the REST API: cancel at period end (and undo), seat changes,
// price swaps, metadata, immediate cancellation. Each emits what Stripe emits.
import { invalid, noSuch } from "../http/errors.ts";
import { mergeMetadata } from "../http/params.ts";
import type { Sim } from "../sim.ts";
import { newId } from "../state/ids.ts";
import type { Metadata, Origin, Subscription, SubscriptionItem } from "../state/types.ts";
import { updating } from "./lifecycle.ts";

export interface ItemUpdate {
	id?: string;
	price?: string;
	quantity?: number;
	deleted?: boolean;
	metadata?: Metadata | "";
}

export interface SubscriptionUpdate {
	cancel_at_period_end?: boolean;
	cancel_at?: number | "";
	items?: ItemUpdate[];
	metadata?: Metadata | "";
	default_payment_method?: string;
	description?: string;
	cancellation_details?: { comment?: string; feedback?: string };
	proration_behavior?: "create_prorations" | "none" | "always_invoice";
}

const CANCELED_ALLOWED = new Set(["metadata", "cancellation_details", "proration_behavior"]);

function applyItem(sim: Sim, sub: Subscription, update: ItemUpdate, index: number): void {
	const param = (f: string) => `items[${index}][${f}]`;
	const price = update.price === undefined ? undefined : sim.store.prices.get(update.price);
	if (update.price !== undefined && !price) throw noSuch("price", update.price, param("price"));
	const items = sub.items.data;
	const existing = update.id === undefined ? undefined : items.find((i) => i.id === update.id);
	if (update.id !== undefined && !existing) throw invalid(`Invalid subscription_item id: ${update.id}`, { param: param("id") });
	if (existing && update.deleted) {
		sub.items.data = items.filter((i) => i !== existing);
		return;
	}
	const target: SubscriptionItem | undefined = existing;
	const nextPrice = price ?? target?.price;
	if (!nextPrice) throw invalid(`Missing required param: ${param("price")}.`, { param: param("price"), code: "parameter_missing" });
	const metered = nextPrice.recurring?.usage_type === "metered";
	if (metered && update.quantity !== undefined) {
		throw invalid(`Quantity should not be specified where usage_type is \`metered\`. Remove quantity from \`items[${index}]\`.`, { param: param("quantity") });
	}
	if (target) {
		if (price) target.price = structuredClone(price);
		if (update.quantity !== undefined) target.quantity = update.quantity;
		if (update.metadata !== undefined) target.metadata = mergeMetadata(target.metadata, update.metadata);
		return;
	}
	items.push({
		id: newId("si", 14),
		object: "subscription_item",
		created: sim.now(),
		livemode: false,
		subscription: sub.id,
		price: structuredClone(nextPrice),
		...(metered ? {} : { quantity: update.quantity ?? 1 }),
		metadata: update.metadata === undefined || update.metadata === "" ? {} : update.metadata,
		current_period_start: sub.current_period_start,
		current_period_end: sub.current_period_end,
	});
}

export function updateSubscription(sim: Sim, sub: Subscription, update: SubscriptionUpdate, origin: Origin): Subscription {
	if (sub.status === "canceled") {
		const other = Object.keys(update).find((k) => !CANCELED_ALLOWED.has(k));
		if (other) throw invalid("A canceled subscription can only update its cancellation_details and metadata.", { param: other });
	}
	if (update.default_payment_method !== undefined && !sim.store.paymentMethods.has(update.default_payment_method)) {
		throw noSuch("pm", update.default_payment_method, "default_payment_method");
	}
	// Validate every item change before applying any, so a refused request changes nothing.
	const draft = structuredClone(sub);
	for (const [i, item] of (update.items ?? []).entries()) applyItem(sim, draft, item, i);
	if (draft.items.data.length === 0) throw invalid("A subscription must have at least one active plan.", { param: "items" });
	updating(sim, sub, origin, () => {
		sub.items = { ...draft.items, total_count: draft.items.data.length };
		if (update.cancel_at_period_end !== undefined) {
			sub.cancel_at_period_end = update.cancel_at_period_end;
			sub.cancel_at = update.cancel_at_period_end ? sub.current_period_end : null;
			sub.canceled_at = update.cancel_at_period_end ? sim.now() : null;
		}
		if (update.cancel_at !== undefined) {
			sub.cancel_at = update.cancel_at === "" ? null : update.cancel_at;
			sub.cancel_at_period_end = sub.cancel_at !== null && sub.cancel_at === sub.current_period_end;
			sub.canceled_at = sub.cancel_at === null ? null : sim.now();
		}
		if (update.cancellation_details) sub.cancellation_details = { ...sub.cancellation_details, ...update.cancellation_details };
		sub.metadata = mergeMetadata(sub.metadata, update.metadata);
		if (update.default_payment_method !== undefined) sub.default_payment_method = update.default_payment_method;
		if (update.description !== undefined) sub.description = update.description;
	});
	return sub;
}

/** DELETE /v1/subscriptions/:id: ends it now and emits customer.subscription.deleted. */
export function cancelSubscription(sim: Sim, sub: Subscription, details: { comment?: string; feedback?: string } | undefined, origin: Origin): Subscription {
	if (sub.status === "canceled") throw invalid(`This subscription has already been canceled: ${sub.id}`, { code: "resource_missing" });
	const now = sim.now();
	sub.status = "canceled";
	sub.canceled_at = now;
	sub.ended_at = now;
	sub.cancel_at_period_end = false;
	sub.cancel_at = null;
	sub.cancellation_details = { comment: details?.comment ?? null, feedback: details?.feedback ?? null, reason: "cancellation_requested" };
	sim.emit("customer.subscription.deleted", sub, origin);
	return sub;
}
