// The live side of a sandbox actor (held in its vars, rebuilt after a wake): the sandbox-agent
// connection, open agent sessions, running turns and pending permission requests. Turns run here,
// outside the command loop, so stop, answers and other commands are never queued behind them.
// Everything observed goes back into the actor through its own queue (recordEvents, turnEnded).
import { FoundryError, QUEUE } from "@foundry/shared";
import type { Logger } from "pino";
import type { SandboxAgent, Session, SessionEvent, SessionPersistDriver, SessionRecord } from "sandbox-agent";
import { type SandboxHandle, type SandboxProvider, sandboxError, withTimeout } from "../../adapters/sandbox-agent.ts";
import { deliver } from "../shared/command-loop.ts";
import { chunkTarget, jsonBytes, QUEUE_LIMITS, truncateStrings } from "../shared/queue-limits.ts";

export interface ObservedEvent {
	sessionId: string;
	sdkIndex: number | null;
	at: number;
	sender: "client" | "agent" | "foundry";
	payload: unknown;
	/** Foundry's own entries (permission requests with their answer id, notices). */
	notice?: { kind: "permission_request" | "notice" | "error"; text: string };
}

export interface RecordEventsBody {
	generation: number;
	events: ObservedEvent[];
	records: SessionRecord[];
}

export interface TurnEndedBody {
	sessionId: string;
	generation: number;
	stopReason: string | null;
	error: string | null;
	expired: boolean;
}

/** What the runtime needs from its actor. */
export interface RuntimeHost {
	provider: SandboxProvider;
	timeoutMs: number;
	log: Logger;
	/** Sends to the actor's own queue (from outside any workflow step). */
	send(queue: string, body: unknown): Promise<void>;
	/** Keeps the actor awake while a turn runs. */
	keepAwake<T>(promise: Promise<T>): Promise<T>;
	/** Stored SDK events of a session (this generation), ascending, for the SDK's index seeding. */
	storedEvents(sessionId: string): Promise<SessionEvent[]>;
	storedRecords(): Promise<SessionRecord[]>;
}

const FLUSH_MS = 50;
/** recordEvents bodies stay under half the sandbox's message limit (see queue-limits.ts)... */
const MAX_BATCH_BYTES = chunkTarget(QUEUE_LIMITS.sandbox);
/** ...and one event under half of that: a larger one (a tool's huge output) keeps its strings' beginnings. */
const EVENT_MAX_BYTES = MAX_BATCH_BYTES / 2;
const LIVENESS_MS = 3_000;
/** Own-queue sends retry briefly: if the actor is going away, recovery on its next wake takes over. */
const OWN_QUEUE_BUDGET_MS = 5_000;

export class SandboxRuntime {
	#sdk: SandboxAgent | null = null;
	#sessions = new Map<string, Session>();
	#turns = new Map<string, Promise<void>>();
	#permissions = new Map<string, string>();
	#records = new Map<string, SessionRecord>();
	#buffer: ObservedEvent[] = [];
	#pendingRecords: SessionRecord[] = [];
	#flushing: Promise<void> | null = null;
	#timer: ReturnType<typeof setTimeout> | null = null;

	constructor(
		private readonly host: RuntimeHost,
		readonly handle: SandboxHandle,
		readonly generation: number,
	) {}

	running(sessionId: string): boolean {
		return this.#turns.has(sessionId);
	}

	async sdk(): Promise<SandboxAgent> {
		if (this.#sdk) return this.#sdk;
		for (const r of await this.host.storedRecords()) this.#records.set(r.id, r);
		this.#sdk = await this.host.provider.connect(this.handle, this.#persist());
		return this.#sdk;
	}

	async alive(): Promise<boolean> {
		return this.host.provider.alive(this.handle);
	}

	/** Opens the agent session (id = our session id), with the model when one was asked for. */
	async openSession(sessionId: string, agent: string, model: string | null, cwd: string): Promise<SessionRecord> {
		const sdk = await this.sdk();
		const catalog = await withTimeout(sdk.listAgents(), this.host.timeoutMs, "listAgents");
		const info = catalog.agents.find((a) => a.id === agent);
		if (!info) throw new FoundryError("INVALID_INPUT", `agent '${agent}' is not offered by this sandbox (available: ${catalog.agents.map((a) => a.id).join(", ")})`);
		if (!info.installed) throw new FoundryError("PRECONDITION_FAILED", `agent '${agent}' is not installed in the sandbox`);
		const session = await withTimeout(
			sdk.createSession({ id: sessionId, agent, cwd, ...(model ? { model } : {}) }),
			this.host.timeoutMs,
			"createSession",
		).catch((err: unknown) => {
			throw sandboxError(err, `opening a ${agent} session failed`);
		});
		this.#attach(session);
		return session.toRecord();
	}

	async #session(sessionId: string): Promise<Session> {
		const open = this.#sessions.get(sessionId);
		if (open) return open;
		const sdk = await this.sdk();
		const session = await withTimeout(sdk.resumeSession(sessionId), this.host.timeoutMs, "resumeSession");
		this.#attach(session);
		return session;
	}

	#attach(session: Session): void {
		this.#sessions.set(session.id, session);
		session.onPermissionRequest((req) => {
			this.#permissions.set(req.id, session.id);
			this.#observe({
				sessionId: session.id,
				sdkIndex: null,
				at: Date.now(),
				sender: "foundry",
				payload: { requestId: req.id, options: req.options, toolCall: req.toolCall, availableReplies: req.availableReplies },
				notice: { kind: "permission_request", text: String(req.toolCall?.title ?? "permission requested") },
			});
		});
	}

	/** Starts a turn in the background; its end reaches the actor as `turnEnded`. */
	startTurn(sessionId: string, text: string): void {
		if (this.#turns.has(sessionId)) throw new FoundryError("CONFLICT", "a turn is already running in this session; stop it or wait");
		const turn = this.#runTurn(sessionId, text).finally(() => this.#turns.delete(sessionId));
		this.#turns.set(sessionId, turn);
		void this.host.keepAwake(turn);
	}

	async #runTurn(sessionId: string, text: string): Promise<void> {
		const ended: TurnEndedBody = { sessionId, generation: this.generation, stopReason: null, error: null, expired: false };
		let watch: ReturnType<typeof setInterval> | undefined;
		try {
			const session = await this.#session(sessionId);
			// A sandbox that dies mid-turn leaves prompt() pending forever: watch it.
			const gone = new Promise<never>((_, reject) => {
				watch = setInterval(() => {
					void this.alive().then((ok) => {
						if (!ok) reject(new FoundryError("UPSTREAM_FAILED", "sandbox expired"));
					});
				}, LIVENESS_MS);
			});
			const result = await Promise.race([session.prompt([{ type: "text", text }]), gone]);
			ended.stopReason = result.stopReason;
		} catch (err) {
			const message = err instanceof Error ? err.message : String(err);
			ended.expired = message === "sandbox expired" || !(await this.alive());
			ended.error = ended.expired ? "sandbox expired" : message;
			if (ended.expired) this.#sdk = null;
		} finally {
			clearInterval(watch);
		}
		// Late events of the turn arrive after prompt() resolves; give them a moment, then flush.
		await new Promise((r) => setTimeout(r, 150));
		await this.flush();
		// Not delivered even after retries: the actor is going away; its next instance finds the
		// session still running with nobody running it and closes the turn (recover on wake).
		await this.#toActor(QUEUE.sandbox.turnEnded, ended).catch((err: unknown) => this.host.log.error({ err, sessionId }, "turn end not delivered; recovery closes it on the next wake"));
	}

	/** Stops whatever the agent still does in a session whose turn this runtime never started (recovery). */
	async abandon(sessionId: string): Promise<void> {
		const sdk = await this.sdk();
		await withTimeout(sdk.destroySession(sessionId), 5_000, "cancel");
	}

	/** Interrupts the running turn (sandbox-agent's cancel: destroySession). */
	async cancel(sessionId: string): Promise<boolean> {
		if (!this.#turns.has(sessionId) || !this.#sdk) return false;
		await withTimeout(this.#sdk.destroySession(sessionId), 5_000, "cancel");
		return true;
	}

	async respondPermission(requestId: string, reply: "once" | "always" | "reject"): Promise<string> {
		const sessionId = this.#permissions.get(requestId);
		const session = sessionId ? this.#sessions.get(sessionId) : undefined;
		if (!sessionId || !session) throw new FoundryError("NOT_FOUND", "no such pending permission request (already answered, or the turn ended)");
		await withTimeout(session.respondPermission(requestId, reply), 5_000, "respondPermission");
		this.#permissions.delete(requestId);
		return sessionId;
	}

	async run(command: string, args: string[], opts: { cwd: string; env?: Record<string, string>; timeoutMs?: number }) {
		const sdk = await this.sdk();
		const timeoutMs = opts.timeoutMs ?? this.host.timeoutMs;
		return withTimeout(sdk.runProcess({ command, args, cwd: opts.cwd, env: opts.env, timeoutMs, maxOutputBytes: 4 << 20 }), timeoutMs + 5_000, `${command} ${args[0] ?? ""}`);
	}

	async writeFile(path: string, content: string): Promise<void> {
		const sdk = await this.sdk();
		await withTimeout(sdk.writeFsFile({ path }, content), this.host.timeoutMs, "writeFsFile");
	}

	/** Drops the connection (the sandbox keeps running). */
	async dispose(): Promise<void> {
		const sdk = this.#sdk;
		this.#sdk = null;
		this.#sessions.clear();
		await this.flush();
		if (sdk) await sdk.dispose().catch((err: unknown) => this.host.log.warn({ err }, "sandbox-agent dispose failed"));
	}

	#observe(event: ObservedEvent): void {
		this.#buffer.push({ ...event, payload: fitEvent(event.payload) });
		this.#timer ??= setTimeout(() => {
			this.#timer = null;
			void this.flush();
		}, FLUSH_MS);
	}

	/** Sends buffered events and session records to the actor (in order; chunked by size). */
	async flush(): Promise<void> {
		while (this.#flushing) await this.#flushing;
		if (this.#buffer.length === 0 && this.#pendingRecords.length === 0) return;
		const events = this.#buffer.splice(0);
		const records = this.#pendingRecords.splice(0);
		this.#flushing = this.#deliver(events, records).finally(() => {
			this.#flushing = null;
		});
		await this.#flushing;
	}

	async #deliver(events: ObservedEvent[], records: SessionRecord[]): Promise<void> {
		let chunk: ObservedEvent[] = [];
		let size = 0;
		const send = async (last: boolean) => {
			const body: RecordEventsBody = { generation: this.generation, events: chunk, records: last ? records : [] };
			chunk = [];
			size = 0;
			await this.#toActor(QUEUE.sandbox.recordEvents, body).catch((err: unknown) =>
				this.host.log.error({ err, lost: body.events.length }, "transcript events not delivered (a gap in the transcript)"),
			);
		};
		for (const e of events) {
			const bytes = JSON.stringify(e.payload).length;
			if (size + bytes > MAX_BATCH_BYTES && chunk.length > 0) await send(false);
			chunk.push(e);
			size += bytes;
		}
		await send(true);
	}

	/** Sends to the actor's own queue; a transient failure (the gateway re-routing) is retried. */
	#toActor(queue: string, body: unknown): Promise<void> {
		return deliver(() => this.host.send(queue, body), this.host.log, queue, OWN_QUEUE_BUDGET_MS);
	}

	/** sandbox-agent's persistence, backed by the actor's tables (writes go through its queue). */
	#persist(): SessionPersistDriver {
		const pendingOf = (sessionId: string) =>
			this.#buffer
				.filter((e) => e.sessionId === sessionId && e.sdkIndex !== null)
				.map((e) => e.payload as SessionEvent);
		return {
			getSession: async (id) => this.#records.get(id),
			listSessions: async () => ({ items: [...this.#records.values()] }),
			updateSession: async (record) => {
				this.#records.set(record.id, record);
				this.#pendingRecords.push(record);
				this.#timer ??= setTimeout(() => {
					this.#timer = null;
					void this.flush();
				}, FLUSH_MS);
			},
			listEvents: async ({ sessionId, cursor, limit }) => {
				const all = [...(await this.host.storedEvents(sessionId)), ...pendingOf(sessionId)];
				const start = cursor ? Number(cursor) : 0;
				const items = all.slice(start, start + (limit ?? 500));
				const next = start + items.length;
				return { items, ...(next < all.length ? { nextCursor: String(next) } : {}) };
			},
			insertEvent: async (sessionId, event) => {
				this.#observe({ sessionId, sdkIndex: event.eventIndex, at: event.createdAt, sender: event.sender, payload: event });
			},
		};
	}
}

/** A payload that fits one transcript message: long strings cut, then shorter, then a placeholder. */
export function fitEvent(payload: unknown): unknown {
	let fitted = payload;
	for (const maxChars of [4_000, 500]) {
		if (jsonBytes(fitted) <= EVENT_MAX_BYTES) return fitted;
		fitted = truncateStrings(payload, maxChars);
	}
	if (jsonBytes(fitted) <= EVENT_MAX_BYTES) return fitted;
	// Its envelope (ids, index, sender, time) stays: the SDK re-reads stored events by index.
	const scalars = Object.entries(payload && typeof payload === "object" ? payload : {}).filter(([, v]) => v === null || typeof v !== "object");
	return { ...truncateStrings(Object.fromEntries(scalars), 500), omitted: "event too large to keep", bytes: jsonBytes(payload) };
}
