// The simulator's own control API under /_sim (not Stripe's surface): what a customer's browser
// and card or Stripe's clock would do (complete a checkout, fail or pay, advance a period), the
// webhook endpoint and its delivery log, arbitrary signed sends, state dumps and reset.
import { Hono } from "hono";
import { z } from "zod";
import { completeCheckout } from "../billing/checkout.ts";
import { advance, failPayment, payOpenInvoices } from "../billing/lifecycle.ts";
import type { Sim } from "../sim.ts";
import { AUTOMATIC, type Subscription } from "../state/types.ts";
import { SimError } from "./errors.ts";
import { pageRoutes } from "./pages.ts";

const parse = <T extends z.ZodType>(schema: T, value: unknown): z.infer<T> => {
	const r = schema.safeParse(value);
	if (!r.success) throw new SimError(422, r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
	return r.data;
};

const webhookConfig = z.strictObject({
	url: z.string().url().nullable(),
	secret: z.string().min(1).optional(),
	retries: z.number().int().min(0).max(10).optional(),
	retryDelayMs: z.number().int().min(0).max(60_000).optional(),
	timeoutMs: z.number().int().min(1).max(60_000).optional(),
	apiVersion: z.string().min(1).optional(),
});

export function controlRoutes(sim: Sim) {
	const app = new Hono();
	app.onError((err, c) => {
		if (err instanceof SimError) return c.json({ message: err.message }, err.status);
		console.error("stripe-sim: control error", err);
		return c.json({ message: String(err) }, 500);
	});
	const body = async (c: { req: { json(): Promise<unknown> } }): Promise<unknown> => c.req.json().catch(() => ({}));
	const subscription = (id: string): Subscription => {
		const sub = sim.store.subscriptions.get(id);
		if (!sub) throw new SimError(404, `no subscription ${id}`);
		return sub;
	};
	const settled = async () => {
		await sim.webhooks.idle();
	};

	app.get("/state", (c) => c.json({ ...sim.store.dump(), webhook: sim.webhooks.config, apiVersion: sim.apiVersion, deliveries: sim.webhooks.deliveries() }));
	app.post("/reset", async (c) => {
		await sim.reset();
		return c.json({ ok: true });
	});

	app.get("/webhook", (c) => c.json(sim.webhooks.config));
	app.put("/webhook", async (c) => {
		const { apiVersion, ...config } = parse(webhookConfig, await body(c));
		if (apiVersion) sim.apiVersion = apiVersion;
		return c.json(sim.webhooks.configure(config));
	});
	app.get("/deliveries", (c) => c.json(sim.webhooks.deliveries()));
	app.post("/deliveries/idle", async (c) => {
		await settled();
		return c.json(sim.webhooks.deliveries());
	});
	app.post("/deliveries/:id/redeliver", (c) => {
		const delivery = sim.webhooks.redeliver(c.req.param("id"));
		if (!delivery) throw new SimError(404, `no delivery ${c.req.param("id")} (or no webhook endpoint)`);
		return c.json(delivery, 202);
	});
	app.post("/send", async (c) => {
		const input = parse(z.strictObject({ type: z.string().min(1), object: z.record(z.string(), z.unknown()), signature: z.enum(["valid", "bad", "stale"]).optional() }), await body(c));
		if (!sim.webhooks.config.url) throw new SimError(409, "no webhook endpoint configured (PUT /_sim/webhook)");
		const event = sim.emit(input.type, input.object, AUTOMATIC, undefined, input.signature);
		const delivery = sim.webhooks.deliveries().find((d) => d.eventId === event.id) ?? null;
		return c.json({ event, delivery }, 202);
	});

	app.get("/meter_events", (c) => c.json(sim.store.meterEvents.map((e) => ({ ...e.event, error: e.error, customer: e.customer, value: e.value }))));

	app.post("/checkout/:id/complete", async (c) => {
		const session = sim.store.checkoutSessions.get(c.req.param("id"));
		if (!session) throw new SimError(404, `no checkout session ${c.req.param("id")}`);
		const { fail } = parse(z.strictObject({ fail: z.boolean().optional() }), await body(c));
		const sub = completeCheckout(sim, session, { fail }, AUTOMATIC);
		return c.json({ session, subscription: sub, invoice: sub.latest_invoice ? sim.store.invoices.get(sub.latest_invoice) : null });
	});
	app.post("/subscriptions/:id/fail_payment", (c) => {
		const sub = subscription(c.req.param("id"));
		failPayment(sim, sub);
		return c.json({ subscription: sub, invoice: sub.latest_invoice ? sim.store.invoices.get(sub.latest_invoice) : null });
	});
	app.post("/subscriptions/:id/pay", (c) => {
		const sub = subscription(c.req.param("id"));
		payOpenInvoices(sim, sub);
		return c.json({ subscription: sub, invoice: sub.latest_invoice ? sim.store.invoices.get(sub.latest_invoice) : null });
	});
	app.post("/subscriptions/:id/advance", (c) => {
		const sub = subscription(c.req.param("id"));
		advance(sim, sub);
		return c.json({ subscription: sub, invoice: sub.latest_invoice ? sim.store.invoices.get(sub.latest_invoice) : null });
	});

	app.route("/", pageRoutes(sim));
	return app;
}
