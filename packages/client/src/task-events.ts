// A task's live events: its record, its sessions, git action results and the changes summary.
// After every (re)open the subscribed parts are fetched again; records are versioned (sessions per
// session, plus their update time), so each handler only ever sees newer states. Git results are delivered once each, and
// only those that happened after subscribing (the first fetch marks the earlier ones as seen).
import { type ChangesSummary, EVENT, type GitOpResult, type ListedFollowUp, type Session, type TaskPresenceEvent, type TaskRecord, type TaskUpdatedEvent, type TaskViewer } from "@foundry/shared";
import { type BaseConn, keepConnected, type SubscribeOptions, type Subscription } from "./connection.ts";

export interface TaskHandlers {
	onTask?(task: TaskRecord): void;
	onSession?(session: Session): void;
	onGitResult?(result: GitOpResult): void;
	onChanges?(changes: ChangesSummary): void;
	/** Who has the task open now. Setting it makes this subscription one of them (presence). */
	onPresence?(viewers: TaskViewer[]): void;
	/** The PR's follow-ups (newest first), whenever one arrives or some are sent. */
	onFollowUps?(followUps: ListedFollowUp[]): void;
}

export interface TaskEventsConn extends BaseConn {
	on(event: typeof EVENT.taskUpdated, cb: (ev: TaskUpdatedEvent) => void): () => void;
	on(event: typeof EVENT.sessionUpdated, cb: (ev: { session: Session }) => void): () => void;
	on(event: typeof EVENT.gitResult, cb: (ev: { result: GitOpResult }) => void): () => void;
	on(event: typeof EVENT.changesUpdated, cb: (ev: { changes: ChangesSummary | null }) => void): () => void;
	on(event: typeof EVENT.presenceUpdated, cb: (ev: TaskPresenceEvent) => void): () => void;
	on(event: typeof EVENT.followUpsUpdated, cb: (ev: { followUps: ListedFollowUp[] }) => void): () => void;
	get(): Promise<TaskRecord>;
	listSessions(): Promise<Session[]>;
	lastGitResults(): Promise<GitOpResult[]>;
	getChanges(): Promise<ChangesSummary | null>;
	watch(): Promise<TaskViewer[]>;
	listFollowUps(): Promise<ListedFollowUp[]>;
}

export const gitResultKey = (r: GitOpResult): string => `${r.op}|${r.at}|${r.ok ? 1 : 0}|${r.message}`;

/** Remembers what a task subscription delivered, so each handler only gets newer states. */
export class TaskEventState {
	#taskVersion = -1;
	#sessions = new Map<string, { version: number; updatedAt: number }>();
	#changesAt = -1;
	#seenGit = new Set<string>();
	#gitBaseline = false;

	constructor(private readonly handlers: TaskHandlers) {}

	task(task: TaskRecord): void {
		if (task.version <= this.#taskVersion) return;
		this.#taskVersion = task.version;
		this.handlers.onTask?.(task);
	}

	/** Newer: a higher version (the sandbox's), or the same one changed later by the task (rename, close). */
	session(session: Session): void {
		const held = this.#sessions.get(session.id);
		if (held && (session.version < held.version || (session.version === held.version && session.updatedAt <= held.updatedAt))) return;
		this.#sessions.set(session.id, { version: session.version, updatedAt: session.updatedAt });
		this.handlers.onSession?.(session);
	}

	changes(changes: ChangesSummary | null): void {
		if (changes === null || changes.computedAt <= this.#changesAt) return;
		this.#changesAt = changes.computedAt;
		this.handlers.onChanges?.(changes);
	}

	/** A live result: delivered unless already seen. */
	gitResult(result: GitOpResult): void {
		const key = gitResultKey(result);
		if (this.#seenGit.has(key)) return;
		this.#seenGit.add(key);
		this.handlers.onGitResult?.(result);
	}

	/** The stored results: the first time they only mark what happened before subscribing. */
	storedGitResults(results: GitOpResult[]): void {
		const sorted = [...results].sort((a, b) => a.at - b.at);
		if (this.#gitBaseline) {
			for (const r of sorted) this.gitResult(r);
			return;
		}
		this.#gitBaseline = true;
		for (const r of sorted) this.#seenGit.add(gitResultKey(r));
	}
}

export function subscribeTaskEvents(
	endpoint: string,
	connect: () => TaskEventsConn,
	handlers: TaskHandlers,
	opts: SubscribeOptions = {},
): Subscription {
	const state = new TaskEventState(handlers);
	const kept = keepConnected<TaskEventsConn>({
		endpoint,
		connect,
		listen: (conn, isCurrent) => {
			if (handlers.onTask) {
				conn.on(EVENT.taskUpdated, (ev) => {
					if (isCurrent()) state.task(ev.task);
				});
			}
			if (handlers.onSession) {
				conn.on(EVENT.sessionUpdated, (ev) => {
					if (isCurrent()) state.session(ev.session);
				});
			}
			if (handlers.onGitResult) {
				conn.on(EVENT.gitResult, (ev) => {
					if (isCurrent()) state.gitResult(ev.result);
				});
			}
			if (handlers.onChanges) {
				conn.on(EVENT.changesUpdated, (ev) => {
					if (isCurrent()) state.changes(ev.changes);
				});
			}
			const { onPresence, onFollowUps } = handlers;
			if (onPresence) {
				conn.on(EVENT.presenceUpdated, (ev) => {
					if (isCurrent()) onPresence(ev.viewers);
				});
			}
			if (onFollowUps) {
				conn.on(EVENT.followUpsUpdated, (ev) => {
					if (isCurrent()) onFollowUps(ev.followUps);
				});
			}
		},
		sync: async (conn, isCurrent) => {
			// Only the parts someone listens to; fetched together (each is one actor round trip).
			// A reopened connection is a new one to the actor: watching again re-registers presence.
			const [task, sessions, git, changes, viewers, followUps] = await Promise.all([
				handlers.onTask ? conn.get() : null,
				handlers.onSession ? conn.listSessions() : null,
				handlers.onGitResult ? conn.lastGitResults() : null,
				handlers.onChanges ? conn.getChanges() : null,
				handlers.onPresence ? conn.watch() : null,
				handlers.onFollowUps ? conn.listFollowUps() : null,
			]);
			if (!isCurrent()) return;
			if (viewers) handlers.onPresence?.(viewers);
			if (followUps) handlers.onFollowUps?.(followUps);
			if (task) state.task(task);
			for (const s of sessions ?? []) state.session(s);
			if (git) state.storedGitResults(git);
			state.changes(changes);
		},
		onError: opts.onError,
		onConnectionChange: opts.onConnectionChange,
	});
	return { ready: kept.ready, close: kept.close };
}
