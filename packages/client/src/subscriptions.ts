// Realtime subscriptions. Each subscription holds one RivetKit connection; on every (re)open it
// fetches a snapshot and then folds versioned events on top (a version gap triggers a fresh
// snapshot), so subscribers always see a consistent state. RivetKit gives up on a connection once
// an open attempt fails (status "idle"), so reconnecting with exponential backoff is done here.
import {
	EVENT,
	type FoundryError,
	type OrganizationSnapshot,
	type OrganizationUpdatedEvent,
	type TaskRecord,
	type TaskUpdatedEvent,
} from "@foundry/shared";
import { toFoundryError } from "./errors.ts";
import { applyChange } from "./reduce.ts";

export interface Subscription {
	/** Resolves once the first snapshot was delivered. */
	ready: Promise<void>;
	close(): Promise<void>;
}

export interface SubscribeOptions {
	onError?: (err: FoundryError) => void;
}

interface BaseConn {
	onOpen(cb: () => void): () => void;
	onStatusChange(cb: (status: string) => void): () => void;
	dispose(): Promise<void>;
}

export interface OrgConn extends BaseConn {
	on(event: typeof EVENT.organizationUpdated, cb: (ev: OrganizationUpdatedEvent) => void): () => void;
	getSnapshot(): Promise<OrganizationSnapshot>;
}

export interface TaskConn extends BaseConn {
	on(event: typeof EVENT.taskUpdated, cb: (ev: TaskUpdatedEvent) => void): () => void;
	get(): Promise<TaskRecord>;
}

export const BACKOFF_START_MS = 250;
export const BACKOFF_MAX_MS = 10_000;

export function backoffMs(attempt: number): number {
	return Math.min(BACKOFF_START_MS * 2 ** attempt, BACKOFF_MAX_MS);
}

interface Spec<S, E, C extends BaseConn> {
	endpoint: string;
	connect(): C;
	listen(conn: C, onEvent: (ev: E) => void): void;
	fetch(conn: C): Promise<S>;
	apply(state: S, ev: E): S | "gap";
	listener(state: S): void;
	onError?: (err: FoundryError) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function versionedSubscription<S extends { version: number }, E extends { version: number }, C extends BaseConn>(
	spec: Spec<S, E, C>,
): Subscription {
	let current: C | null = null;
	let state: S | null = null;
	let buffer: E[] = [];
	/** The connection a snapshot is being fetched for; its events are buffered meanwhile. */
	let syncingFor: C | null = null;
	let closed = false;
	let attempt = 0;
	let markReady: () => void = () => undefined;
	const ready = new Promise<void>((resolve) => {
		markReady = resolve;
	});
	const report = (err: unknown) => spec.onError?.(toFoundryError(err, spec.endpoint));

	const deliver = (next: S) => {
		state = next;
		spec.listener(next);
		markReady();
	};

	const resync = async (conn: C) => {
		if (syncingFor === conn) return;
		syncingFor = conn;
		buffer = [];
		for (let tries = 0; !closed && current === conn; tries++) {
			try {
				let next = await spec.fetch(conn);
				if (closed || current !== conn) break; // a newer connection owns the buffer now
				for (const ev of buffer) {
					if (ev.version <= next.version) continue;
					const applied = spec.apply(next, ev);
					if (applied === "gap") break;
					next = applied;
				}
				buffer = [];
				syncingFor = null;
				deliver(next);
				return;
			} catch (err) {
				report(err);
				await sleep(backoffMs(tries));
			}
		}
		if (syncingFor === conn) syncingFor = null;
	};

	const onEvent = (conn: C, ev: E) => {
		if (closed || conn !== current) return;
		if (syncingFor === conn || state === null) {
			buffer.push(ev);
			return;
		}
		if (ev.version <= state.version) return;
		const applied = spec.apply(state, ev);
		if (applied === "gap") void resync(conn);
		else deliver(applied);
	};

	const reconnectLater = (conn: C) => {
		if (closed || conn !== current) return;
		current = null;
		conn.dispose().catch(report);
		const delay = backoffMs(attempt++);
		setTimeout(open, delay);
	};

	function open() {
		if (closed) return;
		const conn = spec.connect();
		current = conn;
		spec.listen(conn, (ev) => onEvent(conn, ev));
		conn.onOpen(() => {
			attempt = 0;
			void resync(conn);
		});
		// "idle" means RivetKit stopped trying (a failed open); anything else it retries itself.
		conn.onStatusChange((status) => {
			if (status === "idle") reconnectLater(conn);
		});
	}

	open();
	return {
		ready,
		close: async () => {
			closed = true;
			const conn = current;
			current = null;
			await conn?.dispose();
		},
	};
}

export function subscribeOrganization(
	endpoint: string,
	connect: () => OrgConn,
	listener: (snapshot: OrganizationSnapshot) => void,
	opts: SubscribeOptions = {},
): Subscription {
	return versionedSubscription<OrganizationSnapshot, OrganizationUpdatedEvent, OrgConn>({
		endpoint,
		connect,
		listen: (conn, onEvent) => conn.on(EVENT.organizationUpdated, onEvent),
		fetch: (conn) => conn.getSnapshot(),
		apply: (s, ev) => (ev.version === s.version + 1 ? applyChange(s, ev.version, ev.change) : "gap"),
		listener,
		onError: opts.onError,
	});
}

export function subscribeTask(
	endpoint: string,
	connect: () => TaskConn,
	listener: (task: TaskRecord) => void,
	opts: SubscribeOptions = {},
): Subscription {
	return versionedSubscription<TaskRecord, TaskRecord, TaskConn>({
		endpoint,
		connect,
		listen: (conn, onEvent) => conn.on(EVENT.taskUpdated, (ev) => onEvent(ev.task)),
		fetch: (conn) => conn.get(),
		// Task events carry the whole record, so any newer version simply replaces the state.
		apply: (_s, ev) => ev,
		listener,
		onError: opts.onError,
	});
}
