// One kept-open RivetKit connection for a subscription: opens it, runs `sync` after every open
// (retried with backoff until it succeeds), and reopens with exponential backoff when RivetKit gives
// up on it (status "idle"). Events of a replaced or closed connection are dropped by `isCurrent`.
import type { FoundryError } from "@foundry/shared";
import { toFoundryError } from "./errors.ts";

export interface Subscription {
	/** Resolves once the first snapshot was delivered. */
	ready: Promise<void>;
	close(): Promise<void>;
}

export interface SubscribeOptions {
	onError?: (err: FoundryError) => void;
	/** The connection went up (true) or down (false): for a "reconnecting…" indicator. */
	onConnectionChange?: (connected: boolean) => void;
}

/** The part of a RivetKit actor connection every subscription uses. */
export interface BaseConn {
	onOpen(cb: () => void): () => void;
	onStatusChange(cb: (status: string) => void): () => void;
	dispose(): Promise<void>;
}

export const BACKOFF_START_MS = 250;
export const BACKOFF_MAX_MS = 10_000;

export function backoffMs(attempt: number): number {
	return Math.min(BACKOFF_START_MS * 2 ** attempt, BACKOFF_MAX_MS);
}

export interface ConnectionSpec<C extends BaseConn> {
	endpoint: string;
	connect(): C;
	/** Registers event listeners on a new connection; `isCurrent()` is false once it was replaced or closed. */
	listen(conn: C, isCurrent: () => boolean): void;
	/** Fetches state after an open (or a `resync`); a throw is reported and retried with backoff. */
	sync(conn: C, isCurrent: () => boolean): Promise<void>;
	onError?: (err: FoundryError) => void;
	onConnectionChange?: (connected: boolean) => void;
}

export interface KeptConnection<C> extends Subscription {
	/** Runs `sync` again for this connection (once more after the running one, when one is running). */
	resync(conn: C): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function keepConnected<C extends BaseConn>(spec: ConnectionSpec<C>): KeptConnection<C> {
	let current: C | null = null;
	let closed = false;
	let attempt = 0;
	let syncingFor: C | null = null;
	let again = false;
	let markReady: () => void = () => undefined;
	const ready = new Promise<void>((resolve) => {
		markReady = resolve;
	});
	const report = (err: unknown) => spec.onError?.(toFoundryError(err, spec.endpoint));
	const currentCheck = (conn: C) => () => !closed && current === conn;

	const resync = async (conn: C) => {
		if (syncingFor === conn) {
			again = true;
			return;
		}
		syncingFor = conn;
		const isCurrent = currentCheck(conn);
		let tries = 0;
		while (isCurrent()) {
			again = false;
			try {
				await spec.sync(conn, isCurrent);
				if (!isCurrent()) break;
				markReady();
				if (!again) break;
				tries = 0;
			} catch (err) {
				if (!isCurrent()) break;
				report(err);
				await sleep(backoffMs(tries++));
			}
		}
		if (syncingFor === conn) syncingFor = null;
	};

	const reconnectLater = (conn: C) => {
		if (closed || conn !== current) return;
		current = null;
		conn.dispose().catch(report);
		setTimeout(open, backoffMs(attempt++));
	};

	function open() {
		if (closed) return;
		const conn = spec.connect();
		current = conn;
		spec.listen(conn, currentCheck(conn));
		conn.onOpen(() => {
			attempt = 0;
			void resync(conn);
		});
		// "idle" means RivetKit stopped trying (a failed open); anything else it retries itself.
		conn.onStatusChange((status) => {
			if (conn === current) spec.onConnectionChange?.(status === "connected");
			if (status === "idle") reconnectLater(conn);
		});
	}

	open();
	return {
		ready,
		resync: (conn) => void resync(conn),
		close: async () => {
			closed = true;
			const conn = current;
			current = null;
			await conn?.dispose();
		},
	};
}
