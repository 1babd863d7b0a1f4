// Git actions on a task: push, publish a PR, revert a file (run in the sandbox as the owner), merge
// the PR (through github-data, as the member who asks). Results come back as applyGitResult and
// reach clients (gitResult event) with git's stderr or GitHub's message; each is audited.
import {
	actorRefSchema,
	type ChangesSummary,
	ERROR_CODES,
	type ErrorCode,
	FoundryError,
	GIT_OPS,
	type GitOpResult,
	githubDataKey,
	MERGE_METHODS,
	parseInput,
	QUEUE,
	type RepoPath,
	repoPathSchema,
	roleSchema,
	sandboxKey,
	type TaskRecord,
} from "@foundry/shared";
import { desc, eq, lt, ne } from "drizzle-orm";
import { z } from "zod";
import { locateRepo } from "../../../domain/repo-url.ts";
import { ensureRecord, type TaskCommandContext } from "../context.ts";
import { changes, gitResults, sessionIndex } from "../schema.ts";
import { deriveStatus } from "./sessions.ts";

const actionSchema = z.object({
	op: z.enum(GIT_OPS),
	actor: actorRefSchema,
	path: repoPathSchema.optional(),
	method: z.enum(MERGE_METHODS).optional(),
	pr: z.object({ title: z.string().optional(), body: z.string().optional(), draft: z.boolean().optional() }).optional(),
});

/** task.gitAction: hands the operation to the sandbox (or github-data for a merge) and returns. */
export async function gitAction(ctx: TaskCommandContext, body: unknown): Promise<{ accepted: true }> {
	const input = parseInput(actionSchema, body);
	const record = await ensureRecord(ctx);
	const repo = { url: record.repoUrl, branch: record.branch };
	const location = locateRepo(record.repoUrl, ctx.githubHost);
	if (input.op === "revert_file" && !input.path) throw new FoundryError("INVALID_INPUT", "path: a file to revert is required");
	if (input.op === "merge_pr" || input.op === "publish_pr") {
		if (location.kind !== "github") {
			throw new FoundryError("PRECONDITION_FAILED", "pull requests need a repository on the configured GitHub; this one is not (push the branch instead)");
		}
		if (input.op === "merge_pr") {
			await ctx.peers.githubData.getOrCreate(githubDataKey(ctx.orgId)).send(QUEUE.githubData.mergePullRequest, {
				taskId: ctx.taskId,
				asUserId: input.actor,
				repoFullName: location.fullName,
				head: record.branch,
				method: input.method ?? "merge",
			});
			return { accepted: true };
		}
	}
	const pr = { title: input.pr?.title ?? record.title, body: input.pr?.body ?? `${record.prompt}\n\n— opened with Foundry`, draft: input.pr?.draft ?? false };
	await ctx.peers.sandbox.getOrCreate(sandboxKey(ctx.orgId, ctx.taskId)).send(QUEUE.sandbox.git, {
		op: input.op,
		ownerUserId: record.owner,
		repo,
		actor: input.actor,
		path: input.path,
		pr,
	});
	return { accepted: true };
}

const KEEP_RESULTS = 50;
const resultSchema = z.object({
	result: z.object({ op: z.enum(GIT_OPS), ok: z.boolean(), message: z.string(), at: z.number(), code: z.enum(ERROR_CODES).optional() }),
});

/** task.applyGitResult: recorded, broadcast, audited (failures also logged). */
export async function applyGitResult(ctx: TaskCommandContext, body: unknown): Promise<GitOpResult> {
	const { result } = parseInput(resultSchema, body);
	const record = await ensureRecord(ctx);
	const [row] = await ctx.db.insert(gitResults).values({ ...result, ok: result.ok ? 1 : 0, code: result.code ?? null }).returning();
	if (row) await ctx.db.delete(gitResults).where(lt(gitResults.seq, row.seq - KEEP_RESULTS));
	ctx.broadcastGitResult(result);
	if (!result.ok) ctx.log.warn({ op: result.op, message: result.message }, "git action failed");
	ctx.outbox.audit({
		kind: "task.git_action",
		actor: "system",
		repoId: record.repoId,
		taskId: record.id,
		payload: { op: result.op, ok: result.ok, message: result.message.slice(0, 2_000), ...(result.code ? { code: result.code } : {}) },
	});
	return result;
}

export async function lastGitResults(db: TaskCommandContext["db"]): Promise<GitOpResult[]> {
	const rows = await db.select().from(gitResults).orderBy(desc(gitResults.seq)).limit(20);
	return rows.map((r) => ({ op: r.op as GitOpResult["op"], ok: r.ok === 1, message: r.message, at: r.at, ...(r.code ? { code: r.code as ErrorCode } : {}) }));
}

const changesSchema = z.object({
	changes: z.object({ files: z.array(z.object({ path: z.string(), status: z.string(), added: z.number().nullable(), removed: z.number().nullable() })), ahead: z.number(), computedAt: z.number() }),
	diffs: z.array(z.object({ path: z.string(), diff: z.string() })),
});

/** task.applyChanges: the sandbox's latest changes summary and diffs, cached for clients. */
export async function applyChanges(ctx: TaskCommandContext, body: unknown): Promise<{ files: number }> {
	const { changes: summary, diffs } = parseInput(changesSchema, body);
	const row = { id: 1, summary: JSON.stringify(summary), diffs: JSON.stringify(diffs), updatedAt: Date.now() };
	await ctx.db.insert(changes).values(row).onConflictDoUpdate({ target: changes.id, set: row });
	ctx.broadcastChanges(summary);
	return { files: summary.files.length };
}

export async function readChanges(db: TaskCommandContext["db"]): Promise<ChangesSummary | null> {
	const row = await db.select().from(changes).where(eq(changes.id, 1)).get();
	return row ? (JSON.parse(row.summary) as ChangesSummary) : null;
}

export async function readDiffs(db: TaskCommandContext["db"], path?: RepoPath): Promise<Array<{ path: string; diff: string }>> {
	const row = await db.select().from(changes).where(eq(changes.id, 1)).get();
	const all = row ? (JSON.parse(row.diffs) as Array<{ path: string; diff: string }>) : [];
	return path ? all.filter((d) => d.path === path) : all;
}

const killSchema = z.object({ actor: actorRefSchema, actorRole: roleSchema });

/** task.kill (owner or admin): destroys the sandbox at once; its sessions are closed, the task goes idle. */
export async function killTask(ctx: TaskCommandContext, body: unknown): Promise<TaskRecord> {
	const { actor, actorRole } = parseInput(killSchema, body);
	const record = await ensureRecord(ctx);
	if (record.owner !== actor && actorRole !== "admin") throw new FoundryError("FORBIDDEN", "only the task's owner or an admin can kill its sandbox");
	await releaseSandbox(ctx, actor, "killed");
	ctx.outbox.audit({ kind: "task.killed", actor, repoId: record.repoId, taskId: record.id, payload: {} });
	return deriveStatus(ctx, record);
}

/** Closes every session in the index and tells the sandbox to stop and destroy itself. */
export async function releaseSandbox(ctx: TaskCommandContext, actor: string, reason: string): Promise<void> {
	const open = await ctx.db.select({ id: sessionIndex.id }).from(sessionIndex);
	if (open.length === 0) return; // never had a sandbox
	const now = Date.now();
	const closing = await ctx.db.update(sessionIndex).set({ status: "closed", updatedAt: now }).where(ne(sessionIndex.status, "closed")).returning();
	for (const row of closing) ctx.broadcastSession({ ...row, taskId: ctx.taskId });
	await ctx.peers.sandbox.getOrCreate(sandboxKey(ctx.orgId, ctx.taskId)).send(QUEUE.sandbox.release, { destroy: true, reason, actor });
}
