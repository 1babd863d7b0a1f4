// The sandbox's lifecycle: provision on demand, detect expiry (surfaced on every open session of that
// sandbox), release (stop sessions, destroy the sandbox).
import { parseInput, sandboxKey } from "@foundry/shared";
import { and, eq, notInArray } from "drizzle-orm";
import { z } from "zod";
import { sandboxError } from "../../../adapters/sandbox-agent.ts";
import { decodeHandle, notice, readSandbox, type SandboxCommandContext, type SandboxRow, systemIssue, updateSession, writeSandbox } from "../context.ts";
import { prepareRepo, type RepoSpec } from "../git.ts";
import type { SandboxRuntime } from "../runtime.ts";
import { sessions } from "../schema.ts";
import { endTurn, interruptTurn } from "../turns.ts";
import { bindsFor, locate, repoAccess } from "./repo-access.ts";

/** What the runtime reports when the sandbox stopped answering mid-turn. */
export const EXPIRED = "sandbox expired";
const LOST_NOTICE = "the next message continues in a new sandbox (the agent starts without the earlier conversation; this transcript keeps it)";

export interface Ready {
	rt: SandboxRuntime;
	row: SandboxRow;
}

/**
 * The current sandbox if it answers; otherwise it is marked expired and a new one is provisioned
 * for the task's repository (a local one is bound into it at its own path).
 */
export async function ensureSandbox(ctx: SandboxCommandContext, repoUrl: string): Promise<Ready> {
	const current = await liveSandbox(ctx);
	if (current) return current;
	const binds = bindsFor(locate(ctx, repoUrl));
	const before = await writeSandbox(ctx, { state: "provisioning", provider: ctx.provider.name, error: null });
	let handle: Awaited<ReturnType<typeof ctx.provider.create>>;
	try {
		handle = await ctx.provider.create(`${ctx.orgId}-${ctx.taskId}`, { ...(binds.length > 0 ? { binds } : {}), owner: { orgId: ctx.orgId, taskId: ctx.taskId } });
	} catch (err) {
		const e = sandboxError(err, "provisioning the sandbox failed");
		await writeSandbox(ctx, { state: "error", error: e.message });
		throw e;
	}
	const generation = before.generation + 1;
	const row = await writeSandbox(ctx, {
		state: "ready",
		generation,
		handle: await ctx.secrets.encrypt(JSON.stringify(handle)),
		repoReady: 0,
		defaultBranch: null,
		error: null,
	});
	ctx.outbox.audit({ kind: "sandbox.provisioned", actor: "system", repoId: null, taskId: ctx.taskId, payload: { provider: handle.provider, generation } });
	const rt = ctx.attach(handle, generation);
	if (!rt) throw sandboxError(new Error("no runtime"), "provisioning the sandbox failed");
	return { rt, row };
}

/** The ready sandbox when it still answers; an unreachable one is expired here (`why` says how it was found). */
export async function liveSandbox(ctx: SandboxCommandContext, why = "the sandbox stopped answering"): Promise<Ready | null> {
	let row = await readSandbox(ctx.db);
	if (row.state === "paused") row = await resumeSandbox(ctx, row);
	if (row.state !== "ready") return null;
	const handle = await decodeHandle(ctx, row);
	const held = ctx.runtime();
	const rt = held && held.generation === row.generation ? held : handle ? ctx.attach(handle, row.generation) : null;
	if (rt && (await rt.alive())) return { rt, row };
	await expire(ctx, row, why);
	return null;
}

/**
 * The sandbox is gone (killed, timed out, backend restarted): said on it and in its sessions. Open
 * turns close as interrupted; the sessions stay usable — the next message re-opens them in a new
 * sandbox.
 */
export async function expire(ctx: SandboxCommandContext, row: SandboxRow, why: string): Promise<void> {
	await ctx.runtime()?.dispose();
	ctx.attach(null, row.generation);
	await writeSandbox(ctx, { state: "expired", error: `${EXPIRED} (${why})`, repoReady: 0 });
	ctx.outbox.audit({ kind: "sandbox.expired", actor: "system", repoId: null, taskId: ctx.taskId, payload: { generation: row.generation, reason: why } });
	ctx.log.warn({ generation: row.generation, why }, "sandbox expired");
	const open = await ctx.db
		.select()
		.from(sessions)
		.where(and(eq(sessions.generation, row.generation), notInArray(sessions.status, ["closed", "error", "pending_provision"])));
	for (const s of open) {
		if (s.status === "running" || s.status === "needs_input") await interruptTurn(ctx, s, why);
		await notice(ctx, s.id, "notice", `${EXPIRED} (${why}): ${LOST_NOTICE}`);
	}
}

/** Clones and checks out the task branch once per sandbox generation. */
export async function ensureRepo(ctx: SandboxCommandContext, ready: Ready, repo: Omit<RepoSpec, "defaultBranch">, ownerUserId: string): Promise<RepoSpec> {
	const handle = ready.rt.handle;
	if (ready.row.repoReady === 1 && ready.row.defaultBranch) return { ...repo, defaultBranch: ready.row.defaultBranch };
	const access = await repoAccess(ctx, repo.url, ownerUserId);
	const defaultBranch = await prepareRepo(ready.rt, handle.root, { location: access.location, branch: repo.branch }, access.committer, access.credential);
	await writeSandbox(ctx, { repoReady: 1, defaultBranch });
	return { ...repo, defaultBranch };
}

const releaseSchema = z.object({ destroy: z.boolean(), reason: z.string().max(200), actor: z.string() });

/** sandbox.release: stop every running turn, close the connection, destroy the sandbox. */
export async function release(ctx: SandboxCommandContext, body: unknown): Promise<{ released: boolean }> {
	const { reason, actor } = parseInput(releaseSchema, body);
	const row = await readSandbox(ctx.db);
	const rt = ctx.runtime();
	const open = await ctx.db.select().from(sessions).where(notInArray(sessions.status, ["closed", "error"]));
	for (const s of open) {
		if (rt?.running(s.id)) await rt.cancel(s.id).catch((err: unknown) => ctx.log.warn({ err, sessionId: s.id }, "cancel on release failed"));
		await closeRow(ctx, s);
	}
	await rt?.dispose();
	ctx.attach(null, row.generation);
	const handle = await decodeHandle(ctx, row);
	if (handle && (row.state === "ready" || row.state === "paused" || row.state === "expired")) {
		// A sandbox that cannot be destroyed keeps running: a leak someone must see.
		await ctx.provider.destroy(handle).catch((err: unknown) => systemIssue(ctx, "sandbox.release", "the sandbox could not be destroyed (it may still be running)", err));
	}
	if (row.state === "none") return { released: false };
	await writeSandbox(ctx, { state: "destroyed", handle: null, repoReady: 0, error: null });
	ctx.outbox.audit({ kind: "sandbox.released", actor, repoId: null, taskId: ctx.taskId, payload: { reason, generation: row.generation } });
	return { released: true };
}

/** Closes a session for good; a turn still open in metering ends now. */
export async function closeRow(ctx: SandboxCommandContext, s: typeof sessions.$inferSelect): Promise<void> {
	await updateSession(ctx, s.id, { status: "closed", turnStartedAt: null, turnId: null });
	if (s.turnId) endTurn(ctx, s.turnId, s.turnStartedAt ?? Date.now());
}

/** A paused sandbox is continued before use; one that cannot be is expired. */
async function resumeSandbox(ctx: SandboxCommandContext, row: SandboxRow): Promise<SandboxRow> {
	const handle = await decodeHandle(ctx, row);
	try {
		if (handle) await ctx.provider.resume?.(handle);
	} catch (err) {
		ctx.log.warn({ err: err instanceof Error ? err.message : String(err) }, "paused sandbox could not be resumed");
		await expire(ctx, row, "the paused sandbox could not be resumed");
		return readSandbox(ctx.db);
	}
	ctx.outbox.audit({ kind: "sandbox.resumed", actor: "system", repoId: null, taskId: ctx.taskId, payload: { generation: row.generation } });
	return writeSandbox(ctx, { state: "ready" });
}

/** sandbox.pause: an idle sandbox (no turn running, nothing touched for the idle period) is paused. */
export async function pauseIfIdle(ctx: SandboxCommandContext, _body: unknown): Promise<{ paused: boolean }> {
	const row = await readSandbox(ctx.db);
	const idleMs = ctx.config.idlePauseMs;
	if (row.state !== "ready" || idleMs <= 0 || !ctx.provider.pause) return { paused: false };
	const busy = await ctx.db.select({ id: sessions.id, updatedAt: sessions.updatedAt, status: sessions.status }).from(sessions);
	const now = Date.now();
	if (busy.some((s) => s.status === "running" || s.status === "needs_input" || s.status === "pending_provision")) return { paused: false };
	const last = Math.max(row.updatedAt, ...busy.map((s) => s.updatedAt));
	if (now - last < idleMs) return { paused: false };
	const handle = await decodeHandle(ctx, row);
	if (!handle) return { paused: false };
	await ctx.runtime()?.dispose();
	ctx.attach(null, row.generation);
	await ctx.provider.pause(handle);
	await writeSandbox(ctx, { state: "paused" });
	ctx.outbox.audit({ kind: "sandbox.paused", actor: "system", repoId: null, taskId: ctx.taskId, payload: { generation: row.generation, idleMs } });
	return { paused: true };
}

/** After activity: pausing is looked at once the idle period has passed. */
export async function planPause(ctx: SandboxCommandContext): Promise<void> {
	if (ctx.config.idlePauseMs <= 0 || !ctx.provider.pause) return;
	// Only an optimization (an idle sandbox keeps running until the next look): a failure is logged.
	await ctx.peers.sandbox
		.getOrCreate(sandboxKey(ctx.orgId, ctx.taskId))
		.schedulePause({ at: Date.now() + ctx.config.idlePauseMs + 250 })
		.catch((err: unknown) => ctx.log.warn({ err }, "pausing the idle sandbox could not be planned"));
}
