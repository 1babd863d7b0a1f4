// Realtime subscriptions: a connection per subscription (RivetKit reconnects it with exponential
// backoff), a snapshot fetched on every (re)open, and events applied in version order on top.
// A gap in versions triggers a fresh snapshot, so subscribers always see a consistent state.
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

interface OrgConn {
	on(event: typeof EVENT.organizationUpdated, cb: (ev: OrganizationUpdatedEvent) => void): () => void;
	onOpen(cb: () => void): () => void;
	getSnapshot(): Promise<OrganizationSnapshot>;
	dispose(): Promise<void>;
}

interface TaskConn {
	on(event: typeof EVENT.taskUpdated, cb: (ev: TaskUpdatedEvent) => void): () => void;
	onOpen(cb: () => void): () => void;
	get(): Promise<TaskRecord>;
	dispose(): Promise<void>;
}

const BACKOFF_START_MS = 250;
const BACKOFF_MAX_MS = 10_000;

/** Shared machinery: fetch a snapshot with backoff on every open, then fold versioned events. */
function versionedSubscription<S extends { version: number }, E extends { version: number }>(spec: {
	endpoint: string;
	fetch(): Promise<S>;
	apply(state: S, ev: E): S | "gap";
	listener(state: S): void;
	onError?: (err: FoundryError) => void;
	register(onEvent: (ev: E) => void, onOpen: () => void): void;
	dispose(): Promise<void>;
}): Subscription {
	let state: S | null = null;
	let buffer: E[] = [];
	let syncing = false;
	let closed = false;
	let markReady: () => void = () => undefined;
	const ready = new Promise<void>((resolve) => {
		markReady = resolve;
	});

	const deliver = (next: S) => {
		state = next;
		spec.listener(next);
		markReady();
	};

	const resync = async () => {
		if (syncing || closed) return;
		syncing = true;
		buffer = [];
		let delay = BACKOFF_START_MS;
		while (!closed) {
			try {
				let next = await spec.fetch();
				for (const ev of buffer) {
					if (ev.version <= next.version) continue;
					const applied = spec.apply(next, ev);
					if (applied === "gap") break;
					next = applied;
				}
				buffer = [];
				syncing = false;
				deliver(next);
				return;
			} catch (err) {
				spec.onError?.(toFoundryError(err, spec.endpoint));
				await new Promise((r) => setTimeout(r, delay));
				delay = Math.min(delay * 2, BACKOFF_MAX_MS);
			}
		}
		syncing = false;
	};

	const onEvent = (ev: E) => {
		if (closed) return;
		if (syncing || state === null) {
			buffer.push(ev);
			return;
		}
		if (ev.version <= state.version) return;
		const applied = spec.apply(state, ev);
		if (applied === "gap") void resync();
		else deliver(applied);
	};

	spec.register(onEvent, () => void resync());
	return {
		ready,
		close: async () => {
			closed = true;
			await spec.dispose();
		},
	};
}

export function subscribeOrganization(
	endpoint: string,
	conn: OrgConn,
	listener: (snapshot: OrganizationSnapshot) => void,
	opts: SubscribeOptions = {},
): Subscription {
	return versionedSubscription<OrganizationSnapshot, OrganizationUpdatedEvent>({
		endpoint,
		fetch: () => conn.getSnapshot(),
		apply: (s, ev) => (ev.version === s.version + 1 ? applyChange(s, ev.version, ev.change) : "gap"),
		listener,
		onError: opts.onError,
		register: (onEvent, onOpen) => {
			conn.on(EVENT.organizationUpdated, onEvent);
			conn.onOpen(onOpen);
		},
		dispose: () => conn.dispose(),
	});
}

export function subscribeTask(
	endpoint: string,
	conn: TaskConn,
	listener: (task: TaskRecord) => void,
	opts: SubscribeOptions = {},
): Subscription {
	return versionedSubscription<TaskRecord, TaskRecord & { version: number }>({
		endpoint,
		fetch: () => conn.get(),
		// Task events carry the whole record, so any newer version simply replaces the state.
		apply: (_s, ev) => ev,
		listener,
		onError: opts.onError,
		register: (onEvent, onOpen) => {
			conn.on(EVENT.taskUpdated, (ev) => onEvent(ev.task));
			conn.onOpen(onOpen);
		},
		dispose: () => conn.dispose(),
	});
}
