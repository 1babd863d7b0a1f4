// Stripe's REST edge under /v1: request ids, API-key auth, form/query decoding into params,
// idempotent replays, Stripe-shaped errors for everything that goes wrong.
import { Hono } from "hono";
import type { Sim } from "../sim.ts";
import { newId } from "../state/ids.ts";
import type { Origin } from "../state/types.ts";
import { authError, StripeError, unrecognizedUrl } from "./errors.ts";
import { FormError, type FormTree, parseForm } from "./form.ts";

export type ApiEnv = { Variables: { params: FormTree; origin: Origin; requestId: string } };

const KEY_PREFIXES = ["sk_test_", "rk_test_"];

function apiKey(header: string | undefined): string | null {
	if (!header) return null;
	const [scheme, value = ""] = header.split(" ", 2);
	if (scheme?.toLowerCase() === "bearer") return value.trim() || null;
	if (scheme?.toLowerCase() === "basic") return Buffer.from(value, "base64").toString("utf8").split(":")[0] || null;
	return null;
}

function errorResponse(err: StripeError, requestId: string): Response {
	return Response.json(err.json(requestId), { status: err.status, headers: { "request-id": requestId } });
}

export function createApi(sim: Sim, routes: Array<Hono<ApiEnv>>): Hono<ApiEnv> {
	const api = new Hono<ApiEnv>();
	api.onError((err, c) => {
		const requestId = c.get("requestId") ?? newId("req", 14);
		if (err instanceof StripeError) return errorResponse(err, requestId);
		console.error("stripe-sim: internal error", err);
		return errorResponse(new StripeError(500, { type: "api_error", message: "An unknown error occurred" }), requestId);
	});

	api.use("*", async (c, next) => {
		const requestId = newId("req", 14);
		c.set("requestId", requestId);
		const key = apiKey(c.req.header("authorization"));
		if (key === null || !KEY_PREFIXES.some((p) => key.startsWith(p))) return errorResponse(authError(key), requestId);
		const url = new URL(c.req.url);
		const body = c.req.method === "GET" ? "" : await c.req.text();
		try {
			c.set("params", { ...parseForm(url.search.slice(1)), ...parseForm(body) });
		} catch (err) {
			if (err instanceof FormError) return errorResponse(new StripeError(400, { type: "invalid_request_error", message: err.message }, true), requestId);
			throw err;
		}
		const idemKey = c.req.method === "POST" ? (c.req.header("idempotency-key") ?? null) : null;
		c.set("origin", { requestId, idempotencyKey: idemKey });
		c.header("request-id", requestId);
		c.header("stripe-version", c.req.header("stripe-version") ?? sim.apiVersion);
		if (idemKey === null) return next();

		c.header("idempotency-key", idemKey);
		const fingerprint = `${c.req.method} ${url.pathname}\n${body}`;
		const decision = sim.idempotency.begin(idemKey, fingerprint);
		if (decision.kind === "replay") {
			const { status, body: saved, contentType } = decision.response;
			return new Response(saved, { status, headers: { "content-type": contentType, "request-id": requestId, "idempotency-key": idemKey, "idempotent-replayed": "true" } });
		}
		if (decision.kind === "mismatch") {
			const message = `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idemKey}' if you meant to execute a different request.`;
			return errorResponse(new StripeError(400, { type: "idempotency_error", message }), requestId);
		}
		if (decision.kind === "in_progress") {
			const message = `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${idemKey}. Please try again later.`;
			return errorResponse(new StripeError(409, { type: "idempotency_error", message }), requestId);
		}
		let saved: { status: number; body: string; contentType: string } | null = null;
		try {
			await next();
			const refused = c.error instanceof StripeError && c.error.validation;
			if (!refused && c.res.status < 500) {
				saved = { status: c.res.status, body: await c.res.clone().text(), contentType: c.res.headers.get("content-type") ?? "application/json" };
			}
		} finally {
			sim.idempotency.finish(idemKey, saved);
		}
	});

	for (const r of routes) api.route("/", r);
	// Mounted sub-apps use the root's notFound, so unknown /v1 URLs end here instead.
	api.all("*", (c) => {
		const path = new URL(c.req.url).pathname;
		return errorResponse(unrecognizedUrl(c.req.method, path), c.get("requestId"));
	});
	return api;
}
