// The simulator's HTTP server: Stripe's REST API under /v1 and the control API (with the hosted
// pages) under /_sim. One Bun.serve per instance.
import { Hono } from "hono";
import { controlRoutes } from "./control/routes.ts";
import { createApi } from "./http/api.ts";
import { billingRoutes } from "./routes/billing.ts";
import { checkoutRoutes } from "./routes/checkout.ts";
import { catalogRoutes } from "./routes/customers.ts";
import { subscriptionRoutes } from "./routes/subscriptions.ts";
import { Sim } from "./sim.ts";
import type { WebhookConfig } from "./webhooks/dispatcher.ts";

export interface StripeSimOptions {
	port: number;
	host?: string;
	webhook?: Partial<WebhookConfig>;
}

export interface StripeSimServer {
	url: string;
	port: number;
	sim: Sim;
	stop(): Promise<void>;
}

export function startStripeSimServer(opts: StripeSimOptions): StripeSimServer {
	const host = opts.host ?? "127.0.0.1";
	const sim = new Sim();
	if (opts.webhook) sim.webhooks.configure(opts.webhook);
	const root = new Hono();
	root.route("/v1", createApi(sim, [catalogRoutes(sim), checkoutRoutes(sim), subscriptionRoutes(sim), billingRoutes(sim)]));
	root.route("/_sim", controlRoutes(sim));
	root.notFound((c) => c.json({ error: { type: "invalid_request_error", message: `Unrecognized request URL (${c.req.method}: ${new URL(c.req.url).pathname}).` } }, 404));
	const server = Bun.serve({ hostname: host, port: opts.port, idleTimeout: 0, fetch: root.fetch });
	const port = server.port ?? opts.port;
	sim.baseUrl = `http://${host}:${port}`;
	return {
		url: sim.baseUrl,
		port,
		sim,
		stop: async () => {
			await sim.webhooks.idle();
			await server.stop(true);
		},
	};
}
