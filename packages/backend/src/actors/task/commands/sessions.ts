// Sessions on a task: the task keeps the index (what clients list) and the status it derives from
// it; the sandbox actor does the work. Every command returns at once — provisioning, turns and git
// run in the sandbox and report back (applySession).
import {
	actorRefSchema,
	createSessionInputSchema,
	FoundryError,
	organizationKey,
	PERMISSION_REPLIES,
	parseInput,
	QUEUE,
	type Session,
	sandboxKey,
	sessionSchema,
	type TaskRecord,
	type TaskStatus,
	userKey,
} from "@foundry/shared";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { newSessionId } from "../../../domain/ids.ts";
import { sendAndWait } from "../../shared/peers.ts";
import { commitChange, ensureRecord, type TaskCommandContext } from "../context.ts";
import { sessionIndex } from "../schema.ts";

type IndexRow = typeof sessionIndex.$inferSelect;
/** The client's view: the index's bookkeeping (the last turn sent) stays inside. */
const toSession = ({ lastTurnId: _last, ...row }: IndexRow, taskId: string): Session => ({ ...row, taskId });

export async function listSessions(ctx: Pick<TaskCommandContext, "db" | "taskId">): Promise<Session[]> {
	const rows = await ctx.db.select().from(sessionIndex).orderBy(desc(sessionIndex.createdAt));
	return rows.map((r) => toSession(r, ctx.taskId));
}

async function sessionRow(ctx: TaskCommandContext, id: string): Promise<IndexRow> {
	const row = await ctx.db.select().from(sessionIndex).where(eq(sessionIndex.id, id)).get();
	if (!row) throw new FoundryError("NOT_FOUND", `session ${id} does not exist on this task`, { sessionId: id });
	return row;
}

/**
 * Work for the task's sandbox leaves after this batch commits (Outbox.tell): the caller never waits
 * on the sandbox actor or its creation. If it cannot be delivered, the session lands in error.
 */
function tellSandbox(ctx: TaskCommandContext, queue: string, body: unknown, sessionId: string | null, turnId: string | null = null): void {
	ctx.outbox.tell({
		actor: "sandbox",
		key: sandboxKey(ctx.orgId, ctx.taskId),
		queue,
		body,
		...(sessionId ? { onUndelivered: { queue: UNDELIVERED, body: { sessionId, turnId } } } : {}),
	});
}

/** The task's own follow-up when a message for the sandbox could not be delivered. */
export const UNDELIVERED = "task.sessionUndelivered";
const undeliveredSchema = z.object({ sessionId: z.string(), turnId: z.string().nullable().optional(), message: z.string() });

/** A session whose work never reached the sandbox: in error with the reason, for every client to see. */
export async function sessionUndelivered(ctx: TaskCommandContext, body: unknown): Promise<void> {
	const { sessionId, turnId, message } = parseInput(undeliveredSchema, body);
	// The turn admitted for it never ran: it ends now, at zero length (or the organization would
	// count it running for ever). This already is the delivery's failure path, so it is sent here.
	if (turnId) {
		const at = Date.now();
		await ctx.peers.organization.getOrCreate(organizationKey(ctx.orgId)).send(QUEUE.organization.recordUsage, { turnId, startedAt: at, endedAt: at });
	}
	const record = await ensureRecord(ctx);
	const row = await ctx.db.select().from(sessionIndex).where(eq(sessionIndex.id, sessionId)).get();
	if (!row || row.status === "closed") return;
	// A message that never arrived leaves the session as it was before it: usable (idle).
	const status = row.status === "pending_provision" ? "error" : turnId && row.status === "running" ? "idle" : row.status;
	const next: IndexRow = { ...row, status, error: `the sandbox could not be reached: ${message}`.slice(0, 1_000), updatedAt: Date.now() };
	await ctx.db.update(sessionIndex).set({ status: next.status, error: next.error, updatedAt: next.updatedAt }).where(eq(sessionIndex.id, sessionId));
	ctx.broadcastSession(toSession(next, ctx.taskId));
	await deriveStatus(ctx, record);
}
const repoOf = (record: TaskRecord) => ({ url: record.repoUrl, branch: record.branch });

function assertOpen(record: TaskRecord): void {
	if (record.status === "archived") throw new FoundryError("PRECONDITION_FAILED", "the task is archived (unarchive it first)");
}

const createSchema = z.object({
	input: createSessionInputSchema,
	actor: actorRefSchema,
	prompt: z.string().nullable().optional(),
	/** A task created with a prompt: the organization chose the session id and admitted the turn. */
	sessionId: z.string().optional(),
	turnId: z.string().optional(),
});

/** task.createSession: pending_provision now; the sandbox provisions, clones and opens the agent session. */
export async function createSession(ctx: TaskCommandContext, body: unknown): Promise<Session> {
	const { input, actor, prompt, sessionId, turnId } = parseInput(createSchema, body);
	const record = await ensureRecord(ctx);
	assertOpen(record);
	const defaults = actor.startsWith("github:") ? { agent: null, model: null } : await ctx.peers.user.getOrCreate(userKey(actor)).agentDefaults();
	const agent = input.agent ?? defaults.agent ?? ctx.defaultAgent;
	const now = Date.now();
	const count = (await ctx.db.select({ id: sessionIndex.id }).from(sessionIndex)).length;
	const row: IndexRow = {
		id: sessionId ?? newSessionId(),
		name: input.name ?? `Session ${count + 1}`,
		agent,
		model: input.model ?? (input.agent ? null : defaults.model),
		status: "pending_provision",
		error: null,
		createdBy: actor,
		createdAt: now,
		updatedAt: now,
		version: 0,
		lastTurnId: null,
	};
	if (await ctx.db.select({ id: sessionIndex.id }).from(sessionIndex).where(eq(sessionIndex.id, row.id)).get()) return toSession(row, ctx.taskId); // replay
	const firstTurn = prompt ? (turnId ?? (await admit(ctx, record, row.id, turnIdFor(ctx, row.id)))) : null;
	await ctx.db.insert(sessionIndex).values({ ...row, lastTurnId: firstTurn });
	const session = toSession(row, ctx.taskId);
	ctx.broadcastSession(session);
	ctx.outbox.audit({ kind: "session.created", actor, repoId: record.repoId, taskId: record.id, payload: { sessionId: row.id, agent, model: row.model, withPrompt: Boolean(prompt) } });
	tellSandbox(ctx, QUEUE.sandbox.openSession, { session, repo: repoOf(record), ownerUserId: record.owner, prompt: prompt ?? null, turnId: firstTurn }, row.id, firstTurn);
	return session;
}

const sendSchema = z.object({ sessionId: z.string(), text: z.string(), actor: actorRefSchema });

/**
 * task.sendMessage: validated here, run by the sandbox. The sender becomes the task's owner (git acts
 * as them from now on) and the task moves up in their feed.
 */
export async function sendMessage(ctx: TaskCommandContext, body: unknown): Promise<Session> {
	const input = parseInput(sendSchema, body);
	let record = await ensureRecord(ctx);
	assertOpen(record);
	const row = await sessionRow(ctx, input.sessionId);
	const turnId = turnIdFor(ctx, row.id);
	if (row.lastTurnId === turnId) {
		// This message, replayed after a crash: admitted and recorded already; only the prompt may not
		// have left (the sandbox ignores a turn it has seen).
		tellSandbox(ctx, QUEUE.sandbox.prompt, { sessionId: row.id, text: input.text, turnId, repo: repoOf(record), ownerUserId: record.owner }, row.id, turnId);
		return toSession(row, ctx.taskId);
	}
	if (row.status === "closed") throw new FoundryError("PRECONDITION_FAILED", "the session is closed; start a new one");
	if (row.status === "pending_provision") throw new FoundryError("PRECONDITION_FAILED", "the session is still starting; send again when it is ready");
	if (row.status === "error") throw new FoundryError("PRECONDITION_FAILED", `the session cannot be used (${row.error ?? "error"}); start a new one`);
	if (row.status === "running" || row.status === "needs_input") throw new FoundryError("CONFLICT", "the agent is still working in this session; stop it or wait for the turn to end");
	if (record.owner !== input.actor) {
		const member = await ctx.peers.organization.getOrCreate(organizationKey(ctx.orgId)).getMember(input.actor);
		if (!member) throw new FoundryError("FORBIDDEN", "only members of the organization can send messages");
		record = await commitChange(
			ctx,
			record,
			{ owner: member.userId, ownerLogin: member.login, ownerAvatarUrl: member.avatarUrl },
			{ kind: "task.owner_changed", actor: input.actor, payload: { from: record.ownerLogin, to: member.login, reason: "sent a message" } },
		);
	}
	// Seat, payment and spend cap: the organization admits the turn (or refuses with what to do).
	await admit(ctx, record, row.id, turnId);
	ctx.outbox.tellUser(input.actor, QUEUE.user.bumpFeed, { orgId: ctx.orgId, taskId: ctx.taskId, reason: "message", at: Date.now() });
	ctx.outbox.audit({ kind: "session.message_sent", actor: input.actor, repoId: record.repoId, taskId: record.id, payload: { sessionId: row.id, length: input.text.length } });
	// With where it works: a session whose sandbox was lost is re-opened in a new one.
	tellSandbox(ctx, QUEUE.sandbox.prompt, { sessionId: row.id, text: input.text, turnId, repo: repoOf(record), ownerUserId: record.owner }, row.id, turnId);
	// Running from now on, so a second message is refused here (CONFLICT) instead of racing this one to
	// the sandbox; the version stays the sandbox's, whose next report replaces this.
	const next: IndexRow = { ...row, status: "running", error: null, updatedAt: Date.now(), lastTurnId: turnId };
	await ctx.db.update(sessionIndex).set({ status: next.status, error: null, updatedAt: next.updatedAt, lastTurnId: turnId }).where(eq(sessionIndex.id, row.id));
	ctx.broadcastSession(toSession(next, ctx.taskId));
	await deriveStatus(ctx, record);
	return toSession(next, ctx.taskId);
}

/**
 * The turn id metering uses, from the queue message when there is one: a batch replayed after a crash
 * admits the same turn again (the organization de-duplicates by id) instead of leaving the first one
 * open for ever.
 */
function turnIdFor(ctx: TaskCommandContext, sessionId: string): string {
	return `${sessionId}:${ctx.outbox.commandId ?? Date.now().toString(36)}`;
}

/** Asks the organization to admit a turn for the task's owner. */
async function admit(ctx: TaskCommandContext, record: TaskRecord, sessionId: string, turnId: string): Promise<string> {
	try {
		await sendAndWait(ctx.peers.organization.getOrCreate(organizationKey(ctx.orgId)), QUEUE.organization.admitTurn, {
			turnId,
			sessionId,
			taskId: ctx.taskId,
			userId: record.owner,
			login: record.ownerLogin,
		});
	} catch (err) {
		// No answer in time (the organization waking after a restart): the admission may still be
		// applied later, and nothing would run or end that turn. Its end follows it through the same
		// queue — a zero-length turn, or nothing when it was never admitted.
		if (!(err instanceof FoundryError) || err.code === "UPSTREAM_FAILED" || err.code === "INTERNAL") {
			const at = Date.now();
			ctx.outbox.tell({ actor: "organization", key: organizationKey(ctx.orgId), queue: QUEUE.organization.recordUsage, body: { turnId, startedAt: at, endedAt: at } });
		}
		throw err;
	}
	return turnId;
}

const checkSchema = z.object({ turnId: z.string().min(1), sessionId: z.string().min(1) });

/**
 * task.checkTurn: metering counts this turn open. One this task sent is the sandbox's to judge; one
 * it never sent (admitted, then the step that asked was cut off or failed) never ran: it closes at
 * zero length, provisionally (a measurement arriving later still counts).
 */
export async function checkTurn(ctx: TaskCommandContext, body: unknown): Promise<{ sent: boolean }> {
	const { turnId, sessionId } = parseInput(checkSchema, body);
	const row = await ctx.db.select({ lastTurnId: sessionIndex.lastTurnId }).from(sessionIndex).where(eq(sessionIndex.id, sessionId)).get();
	if (row?.lastTurnId === turnId) {
		tellSandbox(ctx, QUEUE.sandbox.checkTurn, { sessionId, turnId }, null);
		return { sent: true };
	}
	const at = Date.now();
	ctx.outbox.tell({ actor: "organization", key: organizationKey(ctx.orgId), queue: QUEUE.organization.recordUsage, body: { turnId, startedAt: at, endedAt: at, provisional: true } });
	return { sent: false };
}

const refSchema = z.object({ sessionId: z.string(), actor: actorRefSchema });

/** task.stopSession: records the stop (the action already told the sandbox to cancel the turn). */
export async function stopSession(ctx: TaskCommandContext, body: unknown): Promise<Session> {
	const { sessionId, actor } = parseInput(refSchema, body);
	const record = await ensureRecord(ctx);
	const row = await sessionRow(ctx, sessionId);
	ctx.outbox.audit({ kind: "session.stopped", actor, repoId: record.repoId, taskId: record.id, payload: { sessionId } });
	return toSession(row, ctx.taskId);
}

const renameSchema = z.object({ sessionId: z.string(), name: z.string(), actor: actorRefSchema });

export async function renameSession(ctx: TaskCommandContext, body: unknown): Promise<Session> {
	const { sessionId, name, actor } = parseInput(renameSchema, body);
	const record = await ensureRecord(ctx);
	const row = await sessionRow(ctx, sessionId);
	if (row.name === name) return toSession(row, ctx.taskId);
	const next = { ...row, name, updatedAt: Date.now() };
	await ctx.db.update(sessionIndex).set({ name, updatedAt: next.updatedAt }).where(eq(sessionIndex.id, sessionId));
	ctx.broadcastSession(toSession(next, ctx.taskId));
	ctx.outbox.audit({ kind: "session.renamed", actor, repoId: record.repoId, taskId: record.id, payload: { sessionId, from: row.name, to: name } });
	return toSession(next, ctx.taskId);
}

/** task.closeSession: closing the last session is allowed; the task is then idle. */
export async function closeSession(ctx: TaskCommandContext, body: unknown): Promise<Session> {
	const { sessionId, actor } = parseInput(refSchema, body);
	const record = await ensureRecord(ctx);
	const row = await sessionRow(ctx, sessionId);
	if (row.status === "closed") return toSession(row, ctx.taskId);
	const next: IndexRow = { ...row, status: "closed", updatedAt: Date.now() };
	await ctx.db.update(sessionIndex).set({ status: "closed", updatedAt: next.updatedAt }).where(eq(sessionIndex.id, sessionId));
	ctx.broadcastSession(toSession(next, ctx.taskId));
	tellSandbox(ctx, QUEUE.sandbox.closeSession, { sessionId }, null);
	ctx.outbox.audit({ kind: "session.closed", actor, repoId: record.repoId, taskId: record.id, payload: { sessionId } });
	await deriveStatus(ctx, record);
	return toSession(next, ctx.taskId);
}

const permissionSchema = z.object({ sessionId: z.string(), requestId: z.string(), reply: z.enum(PERMISSION_REPLIES), actor: actorRefSchema });

export async function respondPermission(ctx: TaskCommandContext, body: unknown): Promise<{ accepted: true }> {
	const { sessionId, requestId, reply, actor } = parseInput(permissionSchema, body);
	const record = await ensureRecord(ctx);
	const row = await sessionRow(ctx, sessionId);
	if (row.status !== "needs_input") throw new FoundryError("PRECONDITION_FAILED", "the session is not waiting for a permission answer");
	tellSandbox(ctx, QUEUE.sandbox.respondPermission, { sessionId, requestId, reply }, null);
	ctx.outbox.audit({ kind: "session.permission_answered", actor, repoId: record.repoId, taskId: record.id, payload: { sessionId, requestId, reply } });
	return { accepted: true };
}

const applySchema = z.object({
	session: sessionSchema,
	turn: z.object({ ended: z.enum(["finished", "error", "needs_input"]), message: z.string().nullable() }).nullable(),
});

/** task.applySession: the sandbox's view of a session (older versions ignored); the owner hears when a turn ends. */
export async function applySession(ctx: TaskCommandContext, body: unknown): Promise<{ applied: boolean }> {
	const { session, turn } = parseInput(applySchema, body);
	const record = await ensureRecord(ctx);
	const held = await ctx.db.select().from(sessionIndex).where(eq(sessionIndex.id, session.id)).get();
	if (!held) return { applied: false };
	if (held.version >= session.version) return { applied: false };
	// Closing is the task's decision: a late report does not reopen the session.
	const status = held.status === "closed" ? "closed" : session.status;
	const { taskId: _t, ...row } = { ...session, status, name: held.name };
	await ctx.db.update(sessionIndex).set(row).where(eq(sessionIndex.id, session.id));
	ctx.broadcastSession({ ...session, status, name: held.name });
	await deriveStatus(ctx, record);
	if (turn) notifyOwner(ctx, record, { ...session, name: held.name }, turn);
	return { applied: true };
}

function notifyOwner(ctx: TaskCommandContext, record: TaskRecord, session: Session, turn: { ended: "finished" | "error" | "needs_input"; message: string | null }): void {
	if (record.owner.startsWith("github:")) return;
	const kind = turn.ended === "finished" ? "agent_finished" : turn.ended === "error" ? "agent_error" : "agent_needs_input";
	const title = { agent_finished: "Agent finished", agent_error: "Agent error", agent_needs_input: "Agent needs input" }[kind];
	ctx.outbox.tellUser(record.owner, QUEUE.user.markSessionUnread, { orgId: ctx.orgId, taskId: ctx.taskId, sessionId: session.id });
	ctx.outbox.tellUser(record.owner, QUEUE.user.notify, {
		orgId: ctx.orgId,
		taskId: ctx.taskId,
		kind,
		title: `${title}: ${record.title} (${session.name})`.slice(0, 300),
		body: (turn.message ?? "").slice(0, 4_000),
		sessionId: session.id,
		dedupeKey: `turn:${session.id}:${session.version}`,
	});
}

/** The task's status follows its sessions: any running, else any waiting for input, else the latest session's outcome. */
export async function deriveStatus(ctx: TaskCommandContext, record: TaskRecord): Promise<TaskRecord> {
	if (record.status === "archived") return record;
	const rows = await ctx.db.select({ s: sessionIndex.status, error: sessionIndex.error }).from(sessionIndex).orderBy(desc(sessionIndex.updatedAt));
	const open = rows.filter((r) => r.s !== "closed");
	const statuses = open.map((r) => r.s);
	const latestFailed = open[0] !== undefined && (open[0].s === "error" || open[0].error !== null);
	const next: TaskStatus = statuses.includes("running") ? "running" : statuses.includes("needs_input") ? "needs_input" : latestFailed ? "error" : "idle";
	if (next === record.status) return record;
	return commitChange(ctx, record, { status: next }, { kind: "task.status_changed", actor: "system", payload: { from: record.status, to: next } });
}
