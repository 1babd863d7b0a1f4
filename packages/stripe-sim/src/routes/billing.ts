// /v1/invoices, /v1/billing/meter_events, the legacy /v1/subscription_items/:id/usage_records,
// and /v1/events.
import { Hono } from "hono";
import { z } from "zod";
import { recordMeterEvent, recordUsage } from "../billing/usage.ts";
import type { ApiEnv } from "../http/api.ts";
import { noSuch } from "../http/errors.ts";
import { expand, int, parseParams, str } from "../http/params.ts";
import { listOf, present } from "../http/present.ts";
import type { Sim } from "../sim.ts";

const page = { limit: int().optional(), starting_after: str().optional(), ending_before: str().optional(), expand: expand() };

export function billingRoutes(sim: Sim) {
	const app = new Hono<ApiEnv>();

	app.get("/invoices", (c) => {
		const p = parseParams(
			z.strictObject({ ...page, customer: str().optional(), subscription: str().optional(), status: z.enum(["draft", "open", "paid", "uncollectible", "void"]).optional(), collection_method: str().optional() }),
			c.get("params"),
		);
		const all = [...sim.store.invoices.values()]
			.filter((i) => (p.customer === undefined || i.customer === p.customer) && (p.subscription === undefined || i.subscription === p.subscription) && (p.status === undefined || i.status === p.status))
			.reverse();
		return c.json(present(sim.store, listOf(all, p, "/v1/invoices"), p.expand));
	});
	app.get("/invoices/:id", (c) => {
		const p = parseParams(z.strictObject({ expand: expand() }), c.get("params"));
		const invoice = sim.store.invoices.get(c.req.param("id"));
		if (!invoice) throw noSuch("in", c.req.param("id"));
		return c.json(present(sim.store, invoice, p.expand));
	});

	app.post("/billing/meter_events", (c) => {
		const p = parseParams(
			z.strictObject({ event_name: z.string().min(1).max(100), payload: z.record(z.string(), z.string()), identifier: z.string().min(1).max(100).optional(), timestamp: int().optional(), expand: expand() }),
			c.get("params"),
		);
		const event = recordMeterEvent(sim, { event_name: p.event_name, payload: p.payload, identifier: p.identifier, timestamp: p.timestamp });
		return c.json(event);
	});

	app.post("/subscription_items/:id/usage_records", (c) => {
		const found = sim.store.subscriptionItem(c.req.param("id"));
		if (!found) throw noSuch("si", c.req.param("id"));
		const p = parseParams(
			z.strictObject({ quantity: int({ min: 0 }), timestamp: z.union([z.literal("now"), int()]).optional(), action: z.enum(["increment", "set"]).optional(), expand: expand() }),
			c.get("params"),
		);
		const timestamp = p.timestamp === undefined || p.timestamp === "now" ? sim.now() : p.timestamp;
		return c.json(recordUsage(sim, found, { quantity: p.quantity, timestamp, action: p.action ?? "increment" }));
	});

	app.get("/events", (c) => {
		const p = parseParams(z.strictObject({ ...page, type: str().optional(), types: z.array(str()).optional(), created: z.unknown().optional() }), c.get("params"));
		const match = (type: string) => (p.type === undefined || (p.type.endsWith(".*") ? type.startsWith(p.type.slice(0, -1)) : type === p.type)) && (p.types === undefined || p.types.includes(type));
		const all = sim.store.events.filter((e) => match(e.type)).reverse();
		return c.json(present(sim.store, listOf(all, p, "/v1/events"), p.expand));
	});
	app.get("/events/:id", (c) => {
		const p = parseParams(z.strictObject({ expand: expand() }), c.get("params"));
		const event = sim.store.events.find((e) => e.id === c.req.param("id"));
		if (!event) throw noSuch("evt", c.req.param("id"));
		return c.json(present(sim.store, event, p.expand));
	});
	return app;
}
