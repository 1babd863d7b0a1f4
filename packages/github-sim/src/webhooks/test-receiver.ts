// Test-only: a real local webhook receiver (node:http on port 0) that records every request and
// answers by path (/ok, /fail, /slow, /big, /redirect, /hang), for the dispatcher and payload tests.
import { createServer, type IncomingHttpHeaders } from "node:http";

export interface Received {
	path: string;
	headers: IncomingHttpHeaders;
	body: string;
	/** How many requests to the same path were open when this one arrived. */
	concurrent: number;
}

export interface Receiver {
	base: string;
	received: Received[];
	/** Destroys open connections (a hanging request included), then stops listening. */
	close(): Promise<void>;
}

export const SLOW_MS = 60;
export const BIG_BYTES = 10_000;

export async function startReceiver(): Promise<Receiver> {
	const received: Received[] = [];
	const open = new Map<string, number>();
	const server = createServer((req, res) => {
		const path = req.url ?? "/";
		const concurrent = (open.get(path) ?? 0) + 1;
		open.set(path, concurrent);
		const chunks: Buffer[] = [];
		req.on("data", (d: Buffer) => chunks.push(d));
		req.on("end", () => {
			received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), concurrent });
			const done = (status: number, body: string, headers: Record<string, string> = {}) => {
				open.set(path, (open.get(path) ?? 1) - 1);
				res.writeHead(status, headers).end(body);
			};
			if (path.startsWith("/fail")) done(500, "boom");
			else if (path.startsWith("/slow")) setTimeout(() => done(200, "slow ok"), SLOW_MS);
			else if (path.startsWith("/big")) done(200, "é".repeat(BIG_BYTES / 2));
			else if (path.startsWith("/redirect")) done(302, "", { location: "/ok" });
			else if (path.startsWith("/hang")) return; // never answers: the dispatcher's timeout must fire
			else done(202, "ok");
		});
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const address = server.address();
	if (!address || typeof address === "string") throw new Error("receiver has no TCP address");
	return {
		base: `http://127.0.0.1:${address.port}`,
		received,
		close: () =>
			new Promise<void>((resolve, reject) => {
				server.closeAllConnections();
				server.close((err) => (err ? reject(err) : resolve()));
			}),
	};
}

/** A URL on which nothing listens: a server bound to port 0 and closed again. */
export async function deadUrl(): Promise<string> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const address = server.address();
	if (!address || typeof address === "string") throw new Error("no TCP address");
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return `http://127.0.0.1:${address.port}/down`;
}
