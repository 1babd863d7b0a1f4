// The RivetKit gateway mounted at /v1/rivet: admitted HTTP requests (gateway.ts) are forwarded to
// the engine with the prefix stripped; WebSocket upgrades are bridged socket-to-socket (websocket.ts).
import type { Context } from "hono";
import type { AppEnv } from "./app.ts";
import { FoundryError } from "@foundry/shared";
import { type Admitted, admitGatewayRequest, ENGINE_ONLY_HEADERS, type GatewayDeps, rivetErrorResponse, upstreamUrl } from "./gateway.ts";
import { httpConnParams, withCookieParams } from "./session-params.ts";

const HOP_BY_HOP = ["host", "connection", "keep-alive", "transfer-encoding", "upgrade", "content-length"];

export function rivetHttpProxy(deps: GatewayDeps, clientAddress: (c: Context<AppEnv>) => string) {
	return async (c: Context<AppEnv>): Promise<Response> => {
		const headers = new Headers(c.req.raw.headers);
		for (const h of HOP_BY_HOP) headers.delete(h);
		withCookieParams(headers, deps.authSecret);
		let admitted: Admitted;
		try {
			admitted = await admitGatewayRequest(deps, c.req.raw, httpConnParams(headers), clientAddress(c), false);
		} catch (err) {
			// Not-found routes keep Foundry's HTTP error shape; the rest speak RivetKit's to the client.
			if (err instanceof FoundryError && err.code === "UPSTREAM_FAILED") return rivetErrorResponse(err);
			throw err;
		}
		const { target, refusal } = admitted;
		if (refusal) return rivetErrorResponse(refusal);
		for (const h of ENGINE_ONLY_HEADERS) {
			// The inspector authenticates with the actor's own inspector token in Authorization.
			if (!(target.kind === "inspector" && h === "authorization")) headers.delete(h);
		}
		const hasBody = c.req.method !== "GET" && c.req.method !== "HEAD";
		const upstream = await fetch(upstreamUrl(deps.engineUrl, c.req.url), {
			method: c.req.method,
			headers,
			body: hasBody ? await c.req.arrayBuffer() : undefined,
			redirect: "manual",
		});
		const outHeaders = new Headers(upstream.headers);
		outHeaders.delete("content-encoding");
		outHeaders.delete("content-length");
		return new Response(upstream.body, { status: upstream.status, headers: outHeaders });
	};
}
