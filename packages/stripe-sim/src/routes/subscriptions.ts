// /v1/subscriptions (retrieve, list, update, cancel) and /v1/subscription_items.
import { Hono } from "hono";
import { z } from "zod";
import { cancelSubscription, updateSubscription } from "../billing/subscriptions.ts";
import type { ApiEnv } from "../http/api.ts";
import { noSuch } from "../http/errors.ts";
import { bool, expand, id, ignored, int, metadata, parseParams, str } from "../http/params.ts";
import { listOf, present } from "../http/present.ts";
import type { Sim } from "../sim.ts";
import type { Subscription, SubscriptionItem } from "../state/types.ts";

const STATUSES = ["incomplete", "incomplete_expired", "trialing", "active", "past_due", "canceled", "unpaid", "paused", "ended", "all"] as const;

const update = z.strictObject({
	cancel_at_period_end: bool().optional(),
	cancel_at: z.union([z.literal(""), int()]).optional(),
	items: z
		.array(z.strictObject({ id: id().optional(), price: id().optional(), quantity: int({ min: 0 }).optional(), deleted: bool().optional(), metadata: metadata().optional(), clear_usage: ignored() }))
		.optional(),
	metadata: metadata().optional(),
	default_payment_method: id().optional(),
	description: str().optional(),
	cancellation_details: z.strictObject({ comment: str().optional(), feedback: str().optional() }).optional(),
	proration_behavior: z.enum(["create_prorations", "none", "always_invoice"]).optional(),
	proration_date: ignored(),
	payment_behavior: ignored(),
	billing_cycle_anchor: ignored(),
	expand: expand(),
});

export function subscriptionRoutes(sim: Sim) {
	const app = new Hono<ApiEnv>();
	const subscription = (sid: string): Subscription => {
		const found = sim.store.subscriptions.get(sid);
		if (!found) throw noSuch("sub", sid);
		return found;
	};

	app.get("/subscriptions", (c) => {
		const p = parseParams(
			z.strictObject({ limit: int().optional(), starting_after: str().optional(), ending_before: str().optional(), expand: expand(), customer: str().optional(), price: str().optional(), status: z.enum(STATUSES).optional() }),
			c.get("params"),
		);
		// Without a status filter Stripe lists the subscriptions that are not canceled.
		const wanted = (s: Subscription) => (p.status === "all" ? true : p.status === undefined ? s.status !== "canceled" : p.status === "ended" ? s.ended_at !== null : s.status === p.status);
		const all = [...sim.store.subscriptions.values()]
			.filter((s) => wanted(s) && (p.customer === undefined || s.customer === p.customer) && (p.price === undefined || s.items.data.some((i) => i.price.id === p.price)))
			.reverse();
		return c.json(present(sim.store, listOf(all, p, "/v1/subscriptions"), p.expand));
	});
	app.get("/subscriptions/:id", (c) => {
		const p = parseParams(z.strictObject({ expand: expand() }), c.get("params"));
		return c.json(present(sim.store, subscription(c.req.param("id")), p.expand));
	});
	app.post("/subscriptions/:id", (c) => {
		const sub = subscription(c.req.param("id"));
		const { expand: exp, ...changes } = parseParams(update, c.get("params"));
		const { proration_date: _d, payment_behavior: _p, billing_cycle_anchor: _b, ...modelled } = changes;
		const items = modelled.items?.map(({ clear_usage: _c, ...item }) => item);
		updateSubscription(sim, sub, { ...modelled, ...(items ? { items } : {}) }, c.get("origin"));
		return c.json(present(sim.store, sub, exp));
	});
	app.delete("/subscriptions/:id", (c) => {
		const sub = subscription(c.req.param("id"));
		const p = parseParams(
			z.strictObject({ cancellation_details: z.strictObject({ comment: str().optional(), feedback: str().optional() }).optional(), invoice_now: bool().optional(), prorate: bool().optional(), expand: expand() }),
			c.get("params"),
		);
		cancelSubscription(sim, sub, p.cancellation_details, c.get("origin"));
		return c.json(present(sim.store, sub, p.expand));
	});

	const item = (iid: string): SubscriptionItem => {
		const found = sim.store.subscriptionItem(iid);
		if (!found) throw noSuch("si", iid);
		return found;
	};
	app.get("/subscription_items/:id", (c) => {
		const p = parseParams(z.strictObject({ expand: expand() }), c.get("params"));
		return c.json(present(sim.store, item(c.req.param("id")), p.expand));
	});
	app.get("/subscription_items", (c) => {
		const p = parseParams(z.strictObject({ subscription: id(), limit: int().optional(), starting_after: str().optional(), ending_before: str().optional(), expand: expand() }), c.get("params"));
		const sub = sim.store.subscriptions.get(p.subscription);
		if (!sub) throw noSuch("sub", p.subscription, "subscription");
		return c.json(present(sim.store, listOf(sub.items.data, p, `/v1/subscription_items?subscription=${sub.id}`), p.expand));
	});
	return app;
}
