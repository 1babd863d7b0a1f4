// Realtime subscriptions over versioned state. Each subscription holds one kept-open RivetKit
// connection (connection.ts); on every (re)open it fetches a snapshot and then folds versioned events
// on top (a version gap triggers a fresh snapshot), so subscribers always see a consistent state.
import { EVENT, type FoundryError, type OrganizationSnapshot, type OrganizationUpdatedEvent } from "@foundry/shared";
import { type BaseConn, keepConnected, type SubscribeOptions, type Subscription } from "./connection.ts";
import { applyChange } from "./reduce.ts";

export type { BaseConn, SubscribeOptions, Subscription } from "./connection.ts";

export interface OrgConn extends BaseConn {
	on(event: typeof EVENT.organizationUpdated, cb: (ev: OrganizationUpdatedEvent) => void): () => void;
	getSnapshot(): Promise<OrganizationSnapshot>;
}

interface Spec<S, E, C extends BaseConn> {
	endpoint: string;
	connect(): C;
	listen(conn: C, onEvent: (ev: E) => void): void;
	fetch(conn: C): Promise<S>;
	apply(state: S, ev: E): S | "gap";
	listener(state: S): void;
	onError?: (err: FoundryError) => void;
	onConnectionChange?: (connected: boolean) => void;
}

function versionedSubscription<S extends { version: number }, E extends { version: number }, C extends BaseConn>(
	spec: Spec<S, E, C>,
): Subscription {
	let state: S | null = null;
	/** Events that arrive while a snapshot is fetched; folded onto it. */
	let buffer: E[] = [];
	let syncing = false;

	const deliver = (next: S) => {
		state = next;
		spec.listener(next);
	};

	const kept = keepConnected<C>({
		endpoint: spec.endpoint,
		connect: spec.connect,
		listen: (conn, isCurrent) =>
			spec.listen(conn, (ev) => {
				if (!isCurrent()) return;
				if (syncing || state === null) {
					buffer.push(ev);
					return;
				}
				if (ev.version <= state.version) return;
				const applied = spec.apply(state, ev);
				if (applied === "gap") kept.resync(conn);
				else deliver(applied);
			}),
		sync: async (conn, isCurrent) => {
			syncing = true;
			buffer = [];
			let next = await spec.fetch(conn);
			if (!isCurrent()) return; // a newer connection owns the buffer now
			let gap = false;
			for (const ev of buffer) {
				if (ev.version <= next.version) continue;
				const applied = spec.apply(next, ev);
				if (applied === "gap") {
					gap = true;
					break;
				}
				next = applied;
			}
			buffer = [];
			syncing = false;
			deliver(next);
			if (gap) kept.resync(conn);
		},
		onError: spec.onError,
		onConnectionChange: spec.onConnectionChange,
	});
	return { ready: kept.ready, close: kept.close };
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
		onConnectionChange: opts.onConnectionChange,
	});
}
