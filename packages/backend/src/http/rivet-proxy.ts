// The RivetKit gateway mounted at /v1/rivet: HTTP requests are forwarded to the engine with the
// prefix stripped; WebSocket upgrades are bridged socket-to-socket (see websocket.ts).
import { HTTP_PATH } from "@foundry/shared";
import type { Context } from "hono";
import type { AppEnv } from "./app.ts";
import { withCookieParams } from "./session-params.ts";

const HOP_BY_HOP = ["host", "connection", "keep-alive", "transfer-encoding", "upgrade", "content-length"];

export function upstreamUrl(engineUrl: string, requestUrl: string): string {
	const url = new URL(requestUrl);
	const rest = url.pathname.slice(HTTP_PATH.rivet.length) || "/";
	return `${engineUrl}${rest}${url.search}`;
}

export function rivetHttpProxy(engineUrl: string, authSecret: string) {
	return async (c: Context<AppEnv>): Promise<Response> => {
		const headers = new Headers(c.req.raw.headers);
		for (const h of HOP_BY_HOP) headers.delete(h);
		withCookieParams(headers, authSecret);
		const hasBody = c.req.method !== "GET" && c.req.method !== "HEAD";
		const upstream = await fetch(upstreamUrl(engineUrl, c.req.url), {
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
