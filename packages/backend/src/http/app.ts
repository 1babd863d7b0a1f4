// The Hono app: request ids, request logs, health, the RivetKit gateway, and error mapping.
import { FoundryError, HTTP_PATH, orgIdSchema, type Principal } from "@foundry/shared";
import { type Context, Hono } from "hono";
import { getConnInfo } from "hono/bun";
import { requestId } from "hono/request-id";
import type { Logger } from "pino";
import type { FoundryAuth } from "../auth/better-auth.ts";
import { mountAuth } from "./auth-routes.ts";
import { deviceRoute } from "./device-page.ts";
import { errorResponse, handleError } from "./errors.ts";
import { githubWebhookRoute, type WebhookDeps } from "./github-webhook.ts";
import { type StripeWebhookDeps, stripeWebhookRoute } from "./stripe-webhook.ts";
import { type HealthDeps, healthRoute } from "./health.ts";
import type { GatewayDeps } from "./gateway.ts";
import type { RateLimiter } from "./rate-limit.ts";
import { rivetHttpProxy } from "./rivet-proxy.ts";
import { type WebUiOptions, webUiRoute } from "./web-ui.ts";

export interface AppEnv {
	Variables: { requestId: string };
}

export interface AppDeps extends HealthDeps {
	log: Logger;
	gateway: GatewayDeps;
	limiter: RateLimiter;
	auth: FoundryAuth;
	whoami(headers: Headers): Promise<Principal>;
	webhooks: WebhookDeps;
	stripeWebhooks: StripeWebhookDeps;
	web: WebUiOptions;
	/** The GitHub App's install page (null: FOUNDRY_GITHUB_APP_SLUG is not set). */
	githubInstallUrl: string | null;
}

/**
 * Where Stripe's checkout and portal send the browser back: the organization's billing page in the
 * web UI, which applies a completed checkout at once (the webhook does the same a moment later).
 */
function billingReturn(c: Context<AppEnv>): Response {
	const org = orgIdSchema.safeParse(c.req.query("org"));
	if (!org.success) return c.text("Billing is updated in a moment. You can close this tab.");
	const session = c.req.query("session_id");
	const checkout = c.req.query("canceled") ? "canceled" : session && /^[\w-]{1,200}$/.test(session) ? session : undefined;
	return c.redirect(`/${encodeURIComponent(org.data)}/billing${checkout ? `?checkout=${encodeURIComponent(checkout)}` : ""}`);
}

/** The client's address as the socket sees it (behind a proxy: the proxy's; see docs/security.md). */
export function clientAddress(c: Context<AppEnv>): string {
	try {
		return getConnInfo(c).remote.address ?? "unknown";
	} catch {
		// Not served by Bun (tests calling app.fetch directly): one shared bucket.
		return "unknown";
	}
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
	// Sign-in and the device flow are the unauthenticated surface: limited per client address.
	app.use(`${HTTP_PATH.auth}/*`, async (c, next) => {
		deps.limiter.take(c.req.path.startsWith(`${HTTP_PATH.auth}/device`) ? "device" : "auth", clientAddress(c));
		await next();
	});
	app.use(HTTP_PATH.device, async (c, next) => {
		deps.limiter.take("device", clientAddress(c));
		await next();
	});
	mountAuth(app, deps.auth, deps.whoami);
	app.post(HTTP_PATH.githubWebhook, githubWebhookRoute(deps.webhooks));
	app.post(HTTP_PATH.stripeWebhook, stripeWebhookRoute(deps.stripeWebhooks));
	app.get(HTTP_PATH.device, deviceRoute(deps.web));
	// The web UI's "Install the GitHub App" link: GitHub's install page for this deployment's App.
	app.get(HTTP_PATH.githubInstall, (c) => {
		if (!deps.githubInstallUrl) throw new FoundryError("PRECONDITION_FAILED", "this Foundry does not know its GitHub App's slug: set FOUNDRY_GITHUB_APP_SLUG");
		return c.redirect(deps.githubInstallUrl, 302);
	});
	// Where Stripe's checkout and portal send the browser back.
	app.get("/v1/billing/return", billingReturn);
	app.all(`${HTTP_PATH.rivet}/*`, rivetHttpProxy(deps.gateway, clientAddress));
	// Everything outside /v1 is the web UI (its routes are the app's, index.html answers them).
	app.get("*", webUiRoute(deps.web));
	app.notFound((c) => errorResponse(c, { code: "NOT_FOUND", message: `no route for ${c.req.method} ${c.req.path}` }));
	app.onError(handleError(deps.log));
	return app;
}
