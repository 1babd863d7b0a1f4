// WebSocket bridge for /v1/rivet/*: the client's socket is upgraded here and paired with a
// socket to the engine. Messages sent before the engine side opens are buffered.
import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import type { Logger } from "pino";
import { FoundryError, HTTP_STATUS_BY_CODE } from "@foundry/shared";
import { type Admitted, admitGatewayRequest, type GatewayDeps, upstreamUrl, withoutCreate } from "./gateway.ts";
import { retryAfterOf } from "./rate-limit.ts";
import { withCookieProtocol, wsConnParams } from "./session-params.ts";

export interface BridgeData {
	target: string;
	protocols: string[];
	upstream?: WebSocket;
	pending: Array<string | Uint8Array<ArrayBuffer>>;
}

const CLIENT_PROTOCOL_PREFIXES = ["rivet_encoding.", "rivet_conn_params.", "rivet_test_ack_hook."];

export function isRivetUpgrade(req: Request, prefix: string): boolean {
	return req.headers.get("upgrade")?.toLowerCase() === "websocket" && new URL(req.url).pathname.startsWith(prefix);
}

/**
 * Admits the upgrade (gateway.ts) and pairs it with an engine socket. Returns the refusal as an
 * HTTP response with the typed error, or undefined once upgraded.
 */
export async function upgradeToBridge(req: Request, server: Server<BridgeData>, deps: GatewayDeps, client: string): Promise<Response | undefined> {
	const offered = (req.headers.get("sec-websocket-protocol") ?? "")
		.split(",")
		.map((p) => p.trim())
		.filter((p) => p.length > 0);
	// Engine credentials and routing overrides ride in subprotocols too (rivet_token.…): only what the
	// client API sends is passed on.
	const allowed = offered.filter((p) => p === "rivet" || CLIENT_PROTOCOL_PREFIXES.some((prefix) => p.startsWith(prefix)));
	const protocols = withCookieProtocol(allowed, req.headers.get("cookie"), deps.authSecret);
	let admitted: Admitted;
	try {
		admitted = await admitGatewayRequest(deps, req, wsConnParams(protocols), client, true);
	} catch (err) {
		return refusal(err);
	}
	const requestUrl = admitted.refusal ? withoutCreate(req.url) : req.url;
	const target = upstreamUrl(deps.engineUrl, requestUrl).replace(/^http/, "ws");
	const first = offered[0];
	const upgraded = server.upgrade(req, {
		data: { target, protocols, pending: [] },
		headers: first ? { "Sec-WebSocket-Protocol": first } : {},
	});
	return upgraded ? undefined : new Response("websocket upgrade failed", { status: 400 });
}

function refusal(err: unknown): Response {
	const payload = err instanceof FoundryError ? err.toPayload() : { code: "INTERNAL" as const, message: "internal error" };
	const headers: Record<string, string> = {};
	const retryAfterS = retryAfterOf(err);
	if (retryAfterS !== null) headers["retry-after"] = String(retryAfterS);
	return Response.json({ error: payload }, { status: HTTP_STATUS_BY_CODE[payload.code], headers });
}

export function bridgeHandler(log: Logger): WebSocketHandler<BridgeData> {
	return {
		open(ws) {
			const upstream = new WebSocket(ws.data.target, ws.data.protocols);
			upstream.binaryType = "arraybuffer";
			ws.data.upstream = upstream;
			upstream.onopen = () => {
				for (const m of ws.data.pending) upstream.send(m);
				ws.data.pending = [];
			};
			upstream.onmessage = (ev) => ws.send(ev.data as string | ArrayBuffer);
			upstream.onclose = (ev) => ws.close(safeCloseCode(ev.code), ev.reason);
			upstream.onerror = () => {
				log.warn({ target: redactTarget(ws.data.target) }, "engine websocket error");
				ws.close(1011, "engine connection failed");
			};
		},
		message(ws, message) {
			const data = typeof message === "string" ? message : new Uint8Array(message);
			const upstream = ws.data.upstream;
			if (upstream && upstream.readyState === WebSocket.OPEN) upstream.send(data);
			else ws.data.pending.push(data);
		},
		close(ws, code, reason) {
			const upstream = ws.data.upstream;
			if (upstream && upstream.readyState <= WebSocket.OPEN) upstream.close(safeCloseCode(code), reason);
		},
	};
}

function safeCloseCode(code: number): number {
	// 1005/1006/1015 are reserved and may not be sent in a close frame.
	return code === 1005 || code === 1006 || code === 1015 || code < 1000 ? 1000 : code;
}

function redactTarget(target: string): string {
	return target.split("?")[0] ?? target;
}

export type BridgeSocket = ServerWebSocket<BridgeData>;
