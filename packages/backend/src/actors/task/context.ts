// What task command handlers work with, built from the workflow step context in index.ts.
import { type AuditKind, type ChangesSummary, EVENT, type FollowUp, FoundryError, type ListedFollowUp, followUpSchema, type GitOpResult, organizationKey, QUEUE, type Session, type TaskRecord } from "@foundry/shared";
import { eq } from "drizzle-orm";
import type { Logger } from "pino";
import type { GithubHost } from "../../domain/repo-url.ts";
import { toSummary } from "../../domain/task-summary.ts";
import type { Outbox } from "../shared/outbox.ts";
import { fetchTaskSeed, type PeerClient, pushTaskSummary } from "../shared/peers.ts";
import type { TaskDb } from "./database.ts";
import { followUps, taskRecord } from "./schema.ts";

export interface TaskCommandContext {
	db: TaskDb;
	orgId: string;
	taskId: string;
	peers: PeerClient;
	outbox: Outbox;
	log: Logger;
	/** The agent new sessions use when neither the request nor the user's profile names one. */
	defaultAgent: string;
	/** The configured GitHub's origin: pull requests exist only for repositories there. */
	githubHost: GithubHost;
	broadcast(name: typeof EVENT.taskUpdated, payload: { task: TaskRecord }): void;
	broadcastSession(session: Session): void;
	broadcastGitResult(result: GitOpResult): void;
	broadcastChanges(changes: ChangesSummary): void;
	broadcastFollowUps(followUps: ListedFollowUp[]): void;
}

/** Enough to read the record: read actions have no peers or broadcast. */
export type RecordSource = Pick<TaskCommandContext, "db" | "taskId">;

export async function loadRecord(ctx: RecordSource): Promise<TaskRecord | null> {
	const row = await ctx.db.select().from(taskRecord).where(eq(taskRecord.id, ctx.taskId)).get();
	return row ?? null;
}

/** The record, initialised from the organization's index on first use (task actors start lazily). */
export async function ensureRecord(ctx: TaskCommandContext): Promise<TaskRecord> {
	const existing = await loadRecord(ctx);
	if (existing) return existing;
	const { virtual, followUps: pending, ...seed } = (await fetchTaskSeed(ctx.peers, ctx.orgId, ctx.taskId)) as TaskRecord & {
		virtual?: boolean;
		followUps?: FollowUp[];
	};
	const record: TaskRecord = { ...seed, id: ctx.taskId, orgId: ctx.orgId };
	await ctx.db.insert(taskRecord).values(record).onConflictDoNothing();
	// Reviews and comments that arrived while the task was virtual (already audited by the organization).
	for (const f of pending ?? []) await ctx.db.insert(followUps).values(followUpSchema.parse(f)).onConflictDoNothing();
	// A PR-only task now has an actor: from here on it owns its status like any other task.
	if (virtual) await ctx.peers.organization.getOrCreate(organizationKey(ctx.orgId)).send(QUEUE.organization.claimTask, { taskId: ctx.taskId });
	return (await loadRecord(ctx)) ?? record;
}

export interface ChangeAudit {
	kind: AuditKind;
	actor: string;
	payload: Record<string, unknown>;
}

/** Persist a change, then tell everyone: clients (event), the audit log, the organization's projection. */
export async function commitChange(
	ctx: TaskCommandContext,
	before: TaskRecord,
	patch: Partial<Pick<TaskRecord, "title" | "status" | "owner" | "ownerLogin" | "ownerAvatarUrl">>,
	audit: ChangeAudit,
): Promise<TaskRecord> {
	const next: TaskRecord = { ...before, ...patch, updatedAt: Date.now(), version: before.version + 1 };
	await ctx.db
		.update(taskRecord)
		.set({ ...patch, updatedAt: next.updatedAt, version: next.version })
		.where(eq(taskRecord.id, ctx.taskId));
	ctx.broadcast(EVENT.taskUpdated, { task: next });
	ctx.outbox.audit({
		kind: audit.kind,
		actor: audit.actor,
		repoId: next.repoId,
		taskId: next.id,
		payload: audit.payload,
	});
	// The user's own action moves the task up in their feed.
	if (audit.actor !== "system") {
		ctx.outbox.tellUser(audit.actor, QUEUE.user.bumpFeed, { orgId: ctx.orgId, taskId: ctx.taskId, reason: "updated", at: next.updatedAt });
	}
	await pushSummary(ctx, next);
	return next;
}

async function pushSummary(ctx: TaskCommandContext, record: TaskRecord): Promise<void> {
	try {
		await pushTaskSummary(ctx.peers, ctx.orgId, toSummary(record));
	} catch (err) {
		// The task's own record is the truth and is committed; the next change re-pushes a newer
		// version. Surface it so the stale sidebar is explained.
		const message = err instanceof Error ? err.message : String(err);
		throw new FoundryError("UPSTREAM_FAILED", `task saved, but the organization index was not updated: ${message}`);
	}
}
