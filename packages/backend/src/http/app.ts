// The Hono app: request ids, request logs, health, the RivetKit gateway, and error mapping.
import { HTTP_PATH, type Principal } from "@foundry/shared";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import type { Logger } from "pino";
import type { FoundryAuth } from "../auth/better-auth.ts";
import { mountAuth } from "./auth-routes.ts";
import { errorResponse, handleError } from "./errors.ts";
import { githubWebhookRoute, type WebhookDeps } from "./github-webhook.ts";
import { type StripeWebhookDeps, stripeWebhookRoute } from "./stripe-webhook.ts";
import { type HealthDeps, healthRoute } from "./health.ts";
import { rivetHttpProxy } from "./rivet-proxy.ts";

export interface AppEnv {
	Variables: { requestId: string };
}

export interface AppDeps extends HealthDeps {
	log: Logger;
	engineUrl: string;
	auth: FoundryAuth;
	authSecret: string;
	whoami(headers: Headers): Promise<Principal>;
	webhooks: WebhookDeps;
	stripeWebhooks: StripeWebhookDeps;
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	app.use(requestId({ headerName: "X-Request-Id" }));
	app.use(async (c, next) => {
		const started = performance.now();
		await next();
		const durationMs = Math.round((performance.now() - started) * 10) / 10;
		// Gateway traffic is high-volume; keep it at debug.
		const level = c.req.path.startsWith(HTTP_PATH.rivet) ? "debug" : "info";
		deps.log[level]({ requestId: c.get("requestId"), method: c.req.method, path: c.req.path, status: c.res.status, durationMs }, "request");
	});
	app.get(HTTP_PATH.health, healthRoute(deps));
	mountAuth(app, deps.auth, deps.whoami);
	app.post(HTTP_PATH.githubWebhook, githubWebhookRoute(deps.webhooks));
	app.post(HTTP_PATH.stripeWebhook, stripeWebhookRoute(deps.stripeWebhooks));
	// Where Stripe's checkout and portal send the browser back.
	app.get("/v1/billing/return", (c) => c.text(c.req.query("canceled") ? "Checkout canceled. You can close this tab." : "Thanks! Billing is updated in a moment. You can close this tab."));
	app.all(`${HTTP_PATH.rivet}/*`, rivetHttpProxy(deps.engineUrl, deps.authSecret));
	app.notFound((c) => errorResponse(c, { code: "NOT_FOUND", message: `no route for ${c.req.method} ${c.req.path}` }));
	app.onError(handleError(deps.log));
	return app;
}
