// Agent sessions in the sandbox: open (provision → repository → agent session), prompt (the turn
// runs in the runtime, outside this loop), stop, permission answers, close, and the events and turn
// ends the runtime reports back.
import { FoundryError, PERMISSION_REPLIES, parseInput, QUEUE, sessionSchema } from "@foundry/shared";
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { sandboxError } from "../../../adapters/sandbox-agent.ts";
import { appendEvents, type NewEvent, notice, readSession, type SandboxCommandContext, systemIssue, updateSession } from "../context.ts";
import { type RepoSpec, repoDir, repoSchema } from "../git.ts";
import { normalizeEnvelope } from "../normalize.ts";
import type { TurnEndedBody } from "../runtime.ts";
import { events, sessions } from "../schema.ts";
import { afterTurn } from "./git-ops.ts";
import { endTurn, interruptTurn } from "../turns.ts";
import { closeRow, EXPIRED, ensureRepo, ensureSandbox, liveSandbox, planPause, type Ready } from "./provision.ts";

const openSchema = z.object({
	session: sessionSchema,
	repo: repoSchema,
	ownerUserId: z.string().min(1),
	prompt: z.string().nullable(),
	turnId: z.string().nullable().optional(),
});

/** sandbox.openSession: the background part of "create session". Failures land on the session. */
export async function openSession(ctx: SandboxCommandContext, body: unknown): Promise<{ status: string }> {
	const { session, repo, ownerUserId, prompt, turnId } = parseInput(openSchema, body);
	const existing = await ctx.db.select().from(sessions).where(eq(sessions.id, session.id)).get();
	if (existing && existing.status !== "pending_provision") return { status: existing.status }; // replay
	if (!existing) {
		const { taskId: _t, ...row } = session;
		await ctx.db.insert(sessions).values({ ...row, version: 0, generation: 0 });
	}
	try {
		const ready = await ensureSandbox(ctx, repo.url);
		await ensureRepo(ctx, ready, repo, ownerUserId);
		const record = await ready.rt.openSession(session.id, session.agent, session.model, repoDir(ready.rt.handle.root));
		ctx.outbox.audit({ kind: "session.ready", actor: "system", repoId: null, taskId: ctx.taskId, payload: { sessionId: session.id, agent: session.agent, model: session.model } });
		// A task created with a prompt: the first turn starts right away (one update: ready → running).
		if (prompt) ready.rt.startTurn(session.id, prompt);
		const status = prompt ? "running" : "ready";
		await updateSession(ctx, session.id, {
			status,
			error: null,
			generation: ready.row.generation,
			sdkRecord: JSON.stringify(record),
			turnStartedAt: prompt ? Date.now() : null,
			turnId: prompt ? (turnId ?? null) : null,
			lastTurnId: prompt ? (turnId ?? null) : null,
		});
		if (!prompt) await planPause(ctx);
		return { status };
	} catch (err) {
		const e = sandboxError(err, "the session could not start");
		ctx.log.warn({ err: e.message, sessionId: session.id }, "session failed to open");
		await notice(ctx, session.id, "error", e.message);
		await updateSession(ctx, session.id, { status: "error", error: e.message }, { ended: "error", message: e.message });
		ctx.outbox.audit({ kind: "session.failed", actor: "system", repoId: null, taskId: ctx.taskId, payload: { sessionId: session.id, error: e.message } });
		if (turnId) endTurn(ctx, turnId, Date.now());
		return { status: "error" };
	}
}

async function startTurn(ctx: SandboxCommandContext, live: Ready, sessionId: string, text: string, turnId: string | null): Promise<void> {
	live.rt.startTurn(sessionId, text);
	await updateSession(ctx, sessionId, { status: "running", error: null, turnStartedAt: Date.now(), turnId, lastTurnId: turnId });
}

const promptSchema = z.object({
	sessionId: z.string().min(1),
	text: z.string().min(1),
	turnId: z.string().nullable().optional(),
	/** Where to re-open the session when its sandbox was lost (the task sends them with every message). */
	repo: repoSchema.optional(),
	ownerUserId: z.string().min(1).optional(),
});
type PromptBody = z.infer<typeof promptSchema>;

/** sandbox.prompt: starts a turn (returns at once). */
export async function prompt(ctx: SandboxCommandContext, body: unknown): Promise<{ started: boolean }> {
	const input = parseInput(promptSchema, body);
	try {
		return await promptChecked(ctx, input);
	} catch (err) {
		if (input.turnId) endTurn(ctx, input.turnId, Date.now());
		if (err instanceof FoundryError && REFUSALS.has(err.code)) await refused(ctx, input.sessionId, err.message);
		throw err;
	}
}

const REFUSALS = new Set(["CONFLICT", "PRECONDITION_FAILED"]);

/**
 * A prompt refused before it started (the task's view of the session lagged behind this one): the
 * transcript says the message was not sent, and the task gets this side's state again (it may have
 * shown the session running on the strength of the message).
 */
async function refused(ctx: SandboxCommandContext, sessionId: string, why: string): Promise<void> {
	if (!(await ctx.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.id, sessionId)).get())) return;
	await notice(ctx, sessionId, "error", `message not sent: ${why}`);
	await updateSession(ctx, sessionId, {});
}

async function promptChecked(ctx: SandboxCommandContext, input: PromptBody): Promise<{ started: boolean }> {
	const { sessionId, text } = input;
	let row = await readSession(ctx.db, sessionId);
	if (row.status === "closed") throw new FoundryError("PRECONDITION_FAILED", "session is closed; start a new session");
	if (row.status === "pending_provision") throw new FoundryError("PRECONDITION_FAILED", "session is still starting; send again when it is ready");
	// `error` is terminal (it never started); a failed turn or a lost sandbox leaves it usable.
	if (row.status === "error") throw new FoundryError("PRECONDITION_FAILED", `session cannot be used (${row.error ?? "error"}); start a new session`);
	// The same prompt delivered twice (the task's outbox replayed after a crash): started already,
	// maybe even ended — it does not run again.
	if (input.turnId && (row.turnId === input.turnId || row.lastTurnId === input.turnId)) return { started: true };
	if (row.status === "running" || row.status === "needs_input") {
		// Starting over a running turn would orphan it: its turn id (and its metering) lost for ever.
		if (ctx.runtime()?.running(sessionId)) throw new FoundryError("CONFLICT", "the agent is still working in this session; stop it or wait for the turn to end");
		await interruptTurn(ctx, row, "nothing was still running it");
		row = await readSession(ctx.db, sessionId);
	}
	try {
		const current = await liveSandbox(ctx);
		const live = current && current.row.generation === row.generation ? current : await reopen(ctx, row, input.repo, input.ownerUserId);
		await startTurn(ctx, live, sessionId, text, input.turnId ?? null);
	} catch (err) {
		const e = sandboxError(err, "the message could not be sent");
		await notice(ctx, sessionId, "error", e.message);
		await updateSession(ctx, sessionId, { error: e.message }, { ended: "error", message: e.message });
		throw e;
	}
	return { started: true };
}

/**
 * A session whose sandbox was lost continues in the current one (provisioned and cloned when
 * needed): a new agent session under the same id; the transcript says so.
 */
async function reopen(ctx: SandboxCommandContext, row: Awaited<ReturnType<typeof readSession>>, repo: Omit<RepoSpec, "defaultBranch"> | undefined, ownerUserId: string | undefined): Promise<Ready> {
	if (!repo || !ownerUserId) throw new FoundryError("PRECONDITION_FAILED", `${EXPIRED}; start a new session`);
	const ready = await ensureSandbox(ctx, repo.url);
	await ensureRepo(ctx, ready, repo, ownerUserId);
	const record = await ready.rt.openSession(row.id, row.agent, row.model, repoDir(ready.rt.handle.root));
	await notice(ctx, row.id, "notice", `continuing in a new sandbox (generation ${ready.row.generation})`);
	await updateSession(ctx, row.id, { generation: ready.row.generation, sdkRecord: JSON.stringify(record) });
	ctx.outbox.audit({ kind: "session.reopened", actor: "system", repoId: null, taskId: ctx.taskId, payload: { sessionId: row.id, generation: ready.row.generation } });
	return ready;
}

const refSchema = z.object({ sessionId: z.string().min(1) });
const cancelSchema = refSchema.extend({ reason: z.string().max(200).optional() });

/** sandbox.cancel: interrupts the running turn within a second (sandbox-agent's cancel). */
export async function cancel(ctx: SandboxCommandContext, body: unknown): Promise<{ cancelled: boolean }> {
	const { sessionId, reason } = parseInput(cancelSchema, body);
	const row = await readSession(ctx.db, sessionId);
	const rt = ctx.runtime();
	if (!rt?.running(sessionId)) {
		// Stop on a session the tables call busy but nothing runs (a crash): it is closed, not ignored.
		if (row.status !== "running" && row.status !== "needs_input") return { cancelled: false };
		await interruptTurn(ctx, row, reason ? `stopped (${reason}); nothing was still running it` : "stopped; nothing was still running it");
		return { cancelled: true };
	}
	await rt.cancel(sessionId);
	if (reason) await notice(ctx, sessionId, "notice", `stopped: ${reason}`);
	return { cancelled: true };
}

const permissionSchema = z.object({ sessionId: z.string().min(1), requestId: z.string().min(1), reply: z.enum(PERMISSION_REPLIES) });

export async function respondPermission(ctx: SandboxCommandContext, body: unknown): Promise<{ answered: boolean }> {
	const { sessionId, requestId, reply } = parseInput(permissionSchema, body);
	const rt = ctx.runtime();
	if (!rt) throw new FoundryError("NOT_FOUND", "no pending permission request (the sandbox is not running)");
	const owner = await rt.respondPermission(requestId, reply);
	if (owner !== sessionId) throw new FoundryError("INVALID_INPUT", "that permission request belongs to another session");
	await notice(ctx, sessionId, "notice", `permission answered: ${reply}`);
	await updateSession(ctx, sessionId, { status: "running" });
	return { answered: true };
}

/** sandbox.closeSession: stops a running turn, then the session is closed for good. */
export async function closeSession(ctx: SandboxCommandContext, body: unknown): Promise<{ closed: boolean }> {
	const { sessionId } = parseInput(refSchema, body);
	const row = await ctx.db.select().from(sessions).where(eq(sessions.id, sessionId)).get();
	if (!row || row.status === "closed") return { closed: false };
	const rt = ctx.runtime();
	if (rt?.running(sessionId)) await rt.cancel(sessionId).catch((err: unknown) => ctx.log.warn({ err, sessionId }, "cancel on close failed"));
	await closeRow(ctx, row);
	return { closed: true };
}

const recordSchema = z.object({
	generation: z.number().int(),
	events: z.array(
		z.object({
			sessionId: z.string(),
			sdkIndex: z.number().int().nullable(),
			at: z.number(),
			sender: z.enum(["client", "agent", "foundry"]),
			payload: z.unknown(),
			notice: z.object({ kind: z.enum(["permission_request", "notice", "error"]), text: z.string() }).optional(),
		}),
	),
	records: z.array(z.object({ id: z.string() }).passthrough()),
});

/** sandbox.recordEvents: what the runtime observed, stored once per (session, sdk index). */
export async function recordEvents(ctx: SandboxCommandContext, body: unknown): Promise<{ stored: number }> {
	const parsed = parseInput(recordSchema, body);
	for (const record of parsed.records) {
		await ctx.db.update(sessions).set({ sdkRecord: JSON.stringify(record) }).where(eq(sessions.id, record.id));
	}
	const known = new Set((await ctx.db.select({ id: sessions.id }).from(sessions)).map((s) => s.id));
	const batch: NewEvent[] = parsed.events
		.filter((e) => known.has(e.sessionId))
		.map((e) => {
			const n = e.notice ?? normalizeEnvelope((e.payload as { payload?: unknown } | null)?.payload);
			return { sessionId: e.sessionId, sdkIndex: e.sdkIndex, sdkGeneration: parsed.generation, at: e.at, sender: e.sender, kind: n.kind, text: n.text, data: e.payload };
		});
	const stored = await appendEvents(ctx, batch);
	for (const e of stored.filter((x) => x.kind === "permission_request")) {
		await updateSession(ctx, e.sessionId, { status: "needs_input" }, { ended: "needs_input", message: e.text });
	}
	return { stored: stored.length };
}

const turnEndedSchema = z.object({
	sessionId: z.string(),
	generation: z.number().int(),
	stopReason: z.string().nullable(),
	error: z.string().nullable(),
	expired: z.boolean(),
});

/** sandbox.turnEnded: running → idle (or error); the task notifies the owner; changes are recomputed. */
export async function turnEnded(ctx: SandboxCommandContext, body: unknown): Promise<{ status: string }> {
	const ended = parseInput(turnEndedSchema, body) as TurnEndedBody;
	const row = await readSession(ctx.db, ended.sessionId);
	// Closed, or already closed as interrupted (recovery), or from an older sandbox: nothing to end.
	if ((row.status !== "running" && row.status !== "needs_input") || row.generation !== ended.generation) return { status: row.status };
	if (ended.expired) {
		const live = await liveSandbox(ctx); // marks the sandbox and its sessions expired
		if (!live) return { status: "error" };
	}
	const failed = ended.error !== null;
	// The agent's own error is already in the transcript (its JSON-RPC error); others are not.
	if (failed && !(await lastIsError(ctx, ended.sessionId, ended.error ?? ""))) await notice(ctx, ended.sessionId, "error", ended.error ?? "agent error");
	// A failed turn leaves the session usable: idle, with the turn's error shown on it.
	const status = "idle";
	const minutes = row.turnStartedAt ? Math.round((Date.now() - row.turnStartedAt) / 1000) : null;
	await updateSession(ctx, ended.sessionId, { status, error: ended.error, turnStartedAt: null, turnId: null }, { ended: failed ? "error" : "finished", message: ended.error ?? ended.stopReason });
	if (row.turnId) endTurn(ctx, row.turnId, row.turnStartedAt ?? Date.now());
	ctx.outbox.audit({ kind: "session.turn_ended", actor: "system", repoId: null, taskId: ctx.taskId, payload: { sessionId: ended.sessionId, stopReason: ended.stopReason, error: ended.error, seconds: minutes } });
	if (!failed) await afterTurn(ctx).catch((err: unknown) => systemIssue(ctx, QUEUE.sandbox.turnEnded, "the task's changes could not be computed after a turn", err));
	await planPause(ctx);
	return { status };
}

async function lastIsError(ctx: SandboxCommandContext, sessionId: string, message: string): Promise<boolean> {
	const errors = await ctx.db
		.select({ text: events.text })
		.from(events)
		.where(and(eq(events.sessionId, sessionId), eq(events.kind, "error")))
		.orderBy(desc(events.idx))
		.limit(1);
	return errors.some((e) => e.text !== "" && message.includes(e.text));
}
