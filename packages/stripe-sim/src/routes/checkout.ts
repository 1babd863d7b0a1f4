// /v1/checkout/sessions and /v1/billing_portal/sessions: hosted pages live on the simulator
// (`/_sim/checkout/<id>`, `/_sim/portal/<id>`); the control API completes a checkout.
import { Hono } from "hono";
import { z } from "zod";
import { createCheckoutSession } from "../billing/checkout.ts";
import type { ApiEnv } from "../http/api.ts";
import { noSuch } from "../http/errors.ts";
import { expand, id, ignored, int, mergeMetadata, metadata, parseParams, str } from "../http/params.ts";
import { listOf, present } from "../http/present.ts";
import type { Sim } from "../sim.ts";
import { newId } from "../state/ids.ts";
import type { PortalSession } from "../state/types.ts";

const createSession = z.strictObject({
	mode: z.enum(["subscription", "payment", "setup"]),
	customer: id().optional(),
	customer_email: str().optional(),
	line_items: z.array(z.strictObject({ price: id(), quantity: int({ min: 1 }).optional(), adjustable_quantity: ignored() })),
	success_url: str().optional(),
	cancel_url: str().optional(),
	client_reference_id: str().optional(),
	metadata: metadata().optional(),
	subscription_data: z.strictObject({ metadata: metadata().optional(), description: ignored(), trial_period_days: ignored(), billing_cycle_anchor: ignored() }).optional(),
	expand: expand(),
	allow_promotion_codes: ignored(),
	automatic_tax: ignored(),
	billing_address_collection: ignored(),
	consent_collection: ignored(),
	customer_update: ignored(),
	locale: ignored(),
	payment_method_collection: ignored(),
	payment_method_types: ignored(),
	tax_id_collection: ignored(),
	ui_mode: ignored(),
});

export function checkoutRoutes(sim: Sim) {
	const app = new Hono<ApiEnv>();

	app.post("/checkout/sessions", (c) => {
		const p = parseParams(createSession, c.get("params"));
		const session = createCheckoutSession(sim, {
			mode: p.mode,
			customer: p.customer,
			customer_email: p.customer_email,
			line_items: p.line_items.map((l) => ({ price: l.price, ...(l.quantity !== undefined ? { quantity: l.quantity } : {}) })),
			success_url: p.success_url,
			cancel_url: p.cancel_url,
			client_reference_id: p.client_reference_id,
			metadata: mergeMetadata({}, p.metadata),
			subscriptionMetadata: mergeMetadata({}, p.subscription_data?.metadata),
		});
		return c.json(present(sim.store, session, p.expand));
	});
	app.get("/checkout/sessions", (c) => {
		const p = parseParams(
			z.strictObject({ limit: int().optional(), starting_after: str().optional(), ending_before: str().optional(), expand: expand(), customer: str().optional(), subscription: str().optional(), status: z.enum(["open", "complete", "expired"]).optional() }),
			c.get("params"),
		);
		const all = [...sim.store.checkoutSessions.values()]
			.filter((s) => (p.customer === undefined || s.customer === p.customer) && (p.subscription === undefined || s.subscription === p.subscription) && (p.status === undefined || s.status === p.status))
			.reverse();
		return c.json(present(sim.store, listOf(all, p, "/v1/checkout/sessions"), p.expand));
	});
	app.get("/checkout/sessions/:id", (c) => {
		const p = parseParams(z.strictObject({ expand: expand() }), c.get("params"));
		const session = sim.store.checkoutSessions.get(c.req.param("id"));
		if (!session) throw noSuch("cs", c.req.param("id"));
		return c.json(present(sim.store, session, p.expand));
	});

	app.post("/billing_portal/sessions", (c) => {
		const p = parseParams(
			z.strictObject({ customer: id(), return_url: str().optional(), configuration: ignored(), flow_data: ignored(), locale: ignored(), on_behalf_of: ignored(), expand: expand() }),
			c.get("params"),
		);
		if (!sim.store.customers.has(p.customer)) throw noSuch("cus", p.customer, "customer");
		const sessionId = newId("bps");
		const session: PortalSession = {
			id: sessionId,
			object: "billing_portal.session",
			created: sim.now(),
			livemode: false,
			configuration: "bpc_sim_default",
			customer: p.customer,
			flow: null,
			locale: null,
			on_behalf_of: null,
			return_url: p.return_url ?? null,
			url: sim.page("portal", sessionId),
		};
		sim.store.portalSessions.set(sessionId, session);
		return c.json(present(sim.store, session, p.expand));
	});
	return app;
}
