// WebSocket bridge for /v1/rivet/*: the client's socket is upgraded here and paired with a
// socket to the engine. Messages sent before the engine side opens are buffered.
import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import type { Logger } from "pino";
import { upstreamUrl } from "./rivet-proxy.ts";
import { withCookieProtocol } from "./session-params.ts";

export interface BridgeData {
	target: string;
	protocols: string[];
	upstream?: WebSocket;
	pending: Array<string | Uint8Array<ArrayBuffer>>;
}

export function isRivetUpgrade(req: Request, prefix: string): boolean {
	return req.headers.get("upgrade")?.toLowerCase() === "websocket" && new URL(req.url).pathname.startsWith(prefix);
}

export function upgradeToBridge(req: Request, server: Server<BridgeData>, engineUrl: string, authSecret: string): boolean {
	const offered = (req.headers.get("sec-websocket-protocol") ?? "")
		.split(",")
		.map((p) => p.trim())
		.filter((p) => p.length > 0);
	const protocols = withCookieProtocol(offered, req.headers.get("cookie"), authSecret);
	const target = upstreamUrl(engineUrl, req.url).replace(/^http/, "ws");
	const first = offered[0];
	return server.upgrade(req, {
		data: { target, protocols, pending: [] },
		headers: first ? { "Sec-WebSocket-Protocol": first } : {},
	});
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
