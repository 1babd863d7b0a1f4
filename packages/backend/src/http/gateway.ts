// The public gateway at /v1/rivet: every request passes the allowlist (gateway-policy.ts) and the
// caller's identity is checked against the actor key before anything reaches the engine. Client
// credentials for the engine itself (Authorization, rvt-token, x-rivet-token) are never forwarded.
import { FoundryError, HTTP_PATH, HTTP_STATUS_BY_CODE, type Principal } from "@foundry/shared";
import { sameSecret } from "../auth/credentials.ts";
import type { Logger } from "pino";
import { authorizeGateway, type GatewayTarget, parseGatewayRequest } from "./gateway-policy.ts";
import type { RateLimiter } from "./rate-limit.ts";

export interface GatewayDeps {
	engineUrl: string;
	/** Engine namespace this backend serves (the only one forwarded). */
	namespace: string;
	authSecret: string;
	/** Resolves connection params to a principal (the same resolver actors use, cached). */
	resolve(params: unknown): Promise<Principal>;
	/** Operator access to RivetKit's inspector through the public port; null: never forwarded. */
	inspectorToken: string | null;
	limiter: RateLimiter;
	log: Logger;
}

export const INSPECTOR_HEADER = "x-foundry-inspector-token";

/** Headers a client may not pass to the engine (engine credentials, routing overrides). */
export const ENGINE_ONLY_HEADERS = ["authorization", "x-rivet-token", "x-rivet-target", "x-rivet-actor", "x-rivet-namespace", INSPECTOR_HEADER, "cookie"];

/** An admitted request: its target, and whether the caller owns the key. */
export interface Admitted {
	target: GatewayTarget;
	/** Why the caller may not act on the key (null: they may). */
	refusal: FoundryError | null;
}

/**
 * Checks one gateway request: path and query allowlisted (else NOT_FOUND), the caller identified
 * and owning the key, or the operator's inspector token. Refusals of unauthenticated callers count
 * against the client's budget (RATE_LIMITED once spent).
 */
export async function admitGatewayRequest(deps: GatewayDeps, req: Request, params: unknown, client: string, upgrade: boolean): Promise<Admitted> {
	const url = new URL(req.url);
	const rest = url.pathname.slice(HTTP_PATH.rivet.length) || "/";
	let target: GatewayTarget;
	try {
		target = parseGatewayRequest(rest, url.searchParams, req.method, upgrade, deps.namespace);
	} catch (err) {
		deps.limiter.take("gatewayAnonymous", client);
		throw err;
	}
	if (target.kind === "inspector") {
		const offered = req.headers.get(INSPECTOR_HEADER);
		if (!deps.inspectorToken || offered === null || !sameSecret(offered, deps.inspectorToken)) {
			deps.limiter.take("gatewayAnonymous", client);
			throw new FoundryError("NOT_FOUND", "no such route");
		}
		return { target, refusal: null };
	}
	const principal = await resolveOrUpstream(deps, params);
	if (principal.kind === "anonymous") deps.limiter.take("gatewayAnonymous", client);
	try {
		authorizeGateway(target, principal);
		return { target, refusal: null };
	} catch (err) {
		if (err instanceof FoundryError) return { target, refusal: err };
		throw err;
	}
}

/** Resolution asks the auth index (an actor): when the engine cannot answer, say so, typed. */
async function resolveOrUpstream(deps: GatewayDeps, params: unknown): Promise<Principal> {
	try {
		return await deps.resolve(params);
	} catch (err) {
		deps.log.warn({ err }, "could not resolve a gateway caller's credentials");
		throw new FoundryError("UPSTREAM_FAILED", "could not check your credentials right now (the engine did not answer); retry shortly");
	}
}

/**
 * An event connection the caller may not open is still forwarded, but as `get`: it never creates
 * an actor, and an existing actor refuses the subscription itself with a typed error the client
 * understands (a refused upgrade would only look like a network failure to it).
 */
export function withoutCreate(requestUrl: string): string {
	const url = new URL(requestUrl);
	url.searchParams.set("rvt-method", "get");
	// The engine refuses creation parameters on a get (guard.query_get_disallowed_params).
	url.searchParams.delete("rvt-runner");
	url.searchParams.delete("rvt-crash-policy");
	return url.toString();
}

/** A refusal in RivetKit's HTTP error shape, so the client raises it as a typed user error. */
export function rivetErrorResponse(err: FoundryError): Response {
	return Response.json({ group: "user", code: err.code, message: err.message, metadata: err.details ?? null }, { status: HTTP_STATUS_BY_CODE[err.code] });
}

/** The engine URL for an admitted request (prefix stripped). */
export function upstreamUrl(engineUrl: string, requestUrl: string): string {
	const url = new URL(requestUrl);
	const rest = url.pathname.slice(HTTP_PATH.rivet.length) || "/";
	return `${engineUrl}${rest}${url.search}`;
}
