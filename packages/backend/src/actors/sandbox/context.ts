// What sandbox command handlers work with: tables, the live runtime, and how changes reach the
// task (session index) and clients (events).
import {
	ACTOR,
	FoundryError,
	QUEUE,
	type SandboxInfo,
	type Session,
	type SessionEventsPayload,
	type TranscriptEvent,
	type TranscriptKind,
	organizationKey,
	taskKey,
} from "@foundry/shared";
import { desc, eq } from "drizzle-orm";
import type { Logger } from "pino";
import type { SandboxHandle, SandboxProvider } from "../../adapters/sandbox-agent.ts";
import type { SecretBox } from "../../auth/secret-box.ts";
import type { SandboxConfig } from "../../config.ts";
import type { GithubHost } from "../../domain/repo-url.ts";
import type { Outbox } from "../shared/outbox.ts";
import { type PeerClient, runtimeIssueBody } from "../shared/peers.ts";
import type { SandboxDb } from "./database.ts";
import type { RuntimeHost, SandboxRuntime } from "./runtime.ts";
import { toTranscriptEvent } from "./reads.ts";
import { events, sandbox, sessions } from "./schema.ts";

export interface SandboxCommandContext {
	db: SandboxDb;
	orgId: string;
	taskId: string;
	peers: PeerClient;
	outbox: Outbox;
	log: Logger;
	provider: SandboxProvider;
	config: SandboxConfig;
	secrets: SecretBox;
	/** The configured GitHub's origin: the only place the task owner's token is offered. */
	githubHost: GithubHost;
	broadcastSessionEvents(payload: SessionEventsPayload): void;
	broadcastSandbox(payload: { sandbox: SandboxInfo }): void;
	/** The live runtime of the current sandbox generation, if one is held. */
	runtime(): SandboxRuntime | null;
	/** Builds (or drops) the live runtime for a sandbox handle. */
	attach(handle: SandboxHandle | null, generation: number): SandboxRuntime | null;
}

export type SandboxRow = typeof sandbox.$inferSelect;
type SessionRow = typeof sessions.$inferSelect;

export async function readSandbox(db: SandboxDb): Promise<SandboxRow> {
	const row = await db.select().from(sandbox).where(eq(sandbox.id, 1)).get();
	return row ?? { id: 1, state: "none", provider: "", generation: 0, handle: null, repoReady: 0, defaultBranch: null, error: null, updatedAt: 0 };
}

export const toSandboxInfo = (row: SandboxRow): SandboxInfo => ({
	state: row.state,
	provider: row.provider,
	generation: row.generation,
	error: row.error,
	updatedAt: row.updatedAt,
});

export async function writeSandbox(ctx: SandboxCommandContext, patch: Partial<Omit<SandboxRow, "id">>): Promise<SandboxRow> {
	const next: SandboxRow = { ...(await readSandbox(ctx.db)), ...patch, updatedAt: Date.now() };
	const { id: _id, ...values } = next;
	await ctx.db.insert(sandbox).values(next).onConflictDoUpdate({ target: sandbox.id, set: values });
	ctx.broadcastSandbox({ sandbox: toSandboxInfo(next) });
	return next;
}

export async function decodeHandle(ctx: Pick<SandboxCommandContext, "secrets">, row: SandboxRow): Promise<SandboxHandle | null> {
	return row.handle ? (JSON.parse(await ctx.secrets.decrypt(row.handle)) as SandboxHandle) : null;
}

export const toSession = (row: SessionRow, taskId: string): Session => ({
	id: row.id,
	taskId,
	name: row.name,
	agent: row.agent,
	model: row.model,
	status: row.status,
	error: row.error,
	createdBy: row.createdBy,
	createdAt: row.createdAt,
	updatedAt: row.updatedAt,
	version: row.version,
});

export async function readSession(db: SandboxDb, id: string): Promise<SessionRow> {
	const row = await db.select().from(sessions).where(eq(sessions.id, id)).get();
	if (!row) throw new FoundryError("NOT_FOUND", `session ${id} does not exist`, { sessionId: id });
	return row;
}

/** What the task hears with a session change: whether a turn just ended, and how. */
export interface TurnOutcome {
	ended: "finished" | "error" | "needs_input";
	message: string | null;
}

/** Persists a session change and pushes it into the task's session index. */
export async function updateSession(
	ctx: SandboxCommandContext,
	id: string,
	patch: Partial<Omit<SessionRow, "id" | "version">>,
	turn?: TurnOutcome,
): Promise<Session> {
	const row = await readSession(ctx.db, id);
	const next: SessionRow = { ...row, ...patch, updatedAt: Date.now(), version: row.version + 1 };
	const { id: _id, ...values } = next;
	await ctx.db.update(sessions).set(values).where(eq(sessions.id, id));
	const session = toSession(next, ctx.taskId);
	// After this batch commits, retried until delivered (the task applies versions in order, once).
	ctx.outbox.tell({ actor: "task", key: taskKey(ctx.orgId, ctx.taskId), queue: QUEUE.task.applySession, body: { session, turn: turn ?? null } });
	return session;
}

async function nextIndex(db: SandboxDb, sessionId: string): Promise<number> {
	const last = await db.select({ idx: events.idx }).from(events).where(eq(events.sessionId, sessionId)).orderBy(desc(events.idx)).limit(1).get();
	return (last?.idx ?? 0) + 1;
}

export interface NewEvent {
	sessionId: string;
	sdkIndex: number | null;
	sdkGeneration: number;
	at: number;
	sender: TranscriptEvent["sender"];
	kind: TranscriptKind;
	text: string;
	data: unknown;
}

/** Appends transcript events (an sdk index seen before is skipped) and broadcasts the new ones. */
export async function appendEvents(ctx: SandboxCommandContext, batch: NewEvent[]): Promise<TranscriptEvent[]> {
	const stored: TranscriptEvent[] = [];
	// The next index is read once per session and batch; a replayed sdk index hits the unique index.
	const next = new Map<string, number>();
	for (const e of batch) {
		const idx = next.get(e.sessionId) ?? (await nextIndex(ctx.db, e.sessionId));
		const [row] = await ctx.db
			.insert(events)
			.values({ ...e, idx, data: JSON.stringify(e.data ?? null) })
			.onConflictDoNothing()
			.returning({ idx: events.idx });
		next.set(e.sessionId, row ? idx + 1 : idx);
		if (row) stored.push(toTranscriptEvent({ ...e, idx, data: e.data ?? null }));
	}
	const bySession = new Map<string, TranscriptEvent[]>();
	for (const e of stored) bySession.set(e.sessionId, [...(bySession.get(e.sessionId) ?? []), e]);
	for (const [sessionId, list] of bySession) ctx.broadcastSessionEvents({ sessionId, events: list });
	return stored;
}

/**
 * A failure that is the system's fault and has no caller to answer (a sandbox left running, a
 * changes summary not computed): logged, and a runtime issue on the organization after the batch.
 */
export function systemIssue(ctx: SandboxCommandContext, command: string, message: string, err?: unknown): void {
	ctx.log.error({ command, err }, message);
	const detail = err instanceof Error ? err.message : err === undefined ? "" : String(err);
	ctx.outbox.tell({
		actor: "organization",
		key: organizationKey(ctx.orgId),
		queue: QUEUE.organization.recordRuntimeIssue,
		body: runtimeIssueBody({
			actorName: ACTOR.sandbox,
			actorKey: [ctx.orgId, ctx.taskId],
			command,
			error: { code: "UPSTREAM_FAILED", message: (detail ? `${message}: ${detail}` : message).slice(0, 1_000) },
		}),
	});
}

/** A Foundry notice in a session's transcript (errors, sandbox expiry …). */
export function notice(ctx: SandboxCommandContext, sessionId: string, kind: "notice" | "error", text: string): Promise<TranscriptEvent[]> {
	return appendEvents(ctx, [{ sessionId, sdkIndex: null, sdkGeneration: 0, at: Date.now(), sender: "foundry", kind, text, data: null }]);
}

export type { RuntimeHost };
