// organization.applyPullRequests: open PRs become rows in the task index — a PR with no task is a
// *virtual* task (no task actor until someone acts on it); a task whose branch is the PR's head is
// linked. A merged or closed PR archives its virtual task. With `complete`, the list is every open
// PR of the repository, and virtual tasks whose PR is no longer open are archived (swept).
import { type PullRequest, parseInput, pullRequestSchema, QUEUE, type TaskSummary, taskKey } from "@foundry/shared";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { newTaskId } from "../../../domain/ids.ts";
import { commitChange, type OrganizationCommandContext } from "../context.ts";
import { readSettings } from "../reads.ts";
import { pendingFollowUps, repos, taskIndex, taskSummaries } from "../schema.ts";
import { fromSummaryRow, summaryRow } from "../summaries.ts";

/** A long listing comes in parts; the last is `complete` and names every open PR (openNumbers). */
const schema = z.object({ repoFullName: z.string(), pulls: z.array(pullRequestSchema), complete: z.boolean(), openNumbers: z.array(z.number().int()).optional() });

export interface PullResult {
	created: number;
	updated: number;
	archived: number;
}

/** What applying one PR needs besides the PR (read once per message, not per PR). */
interface PullEnv {
	repoId: string;
	archiveOnPrClose: boolean;
}

export async function applyPullRequests(ctx: OrganizationCommandContext, body: unknown): Promise<PullResult> {
	const { repoFullName, pulls, complete, openNumbers } = parseInput(schema, body);
	const repo = await ctx.db.select().from(repos).where(eq(repos.githubFullName, repoFullName)).get();
	const result: PullResult = { created: 0, updated: 0, archived: 0 };
	if (!repo) return result;
	const env: PullEnv = { repoId: repo.id, archiveOnPrClose: (await readSettings(ctx.db)).archiveOnPrClose };
	// PRs without a task become virtual tasks in one commit (a full sync brings hundreds at once).
	const fresh = new Map<string, PullRequest>();
	for (const pr of pulls) {
		const closed = pr.state === "merged" || pr.state === "closed";
		if (fresh.has(pr.headRef)) {
			if (closed) fresh.delete(pr.headRef);
			else fresh.set(pr.headRef, pr);
			continue;
		}
		const known = await ctx.db
			.select({ taskId: taskIndex.taskId })
			.from(taskIndex)
			.where(and(eq(taskIndex.repoId, repo.id), eq(taskIndex.branch, pr.headRef)))
			.get();
		if (known) await applyOne(ctx, env, pr, result);
		else if (!closed) fresh.set(pr.headRef, pr);
	}
	result.created += await createVirtual(ctx, repo.id, [...fresh.values()]);
	if (complete) await sweep(ctx, env, new Set(openNumbers ?? pulls.map((p) => p.number)), result);
	return result;
}

async function applyOne(ctx: OrganizationCommandContext, env: PullEnv, pr: PullRequest, result: PullResult): Promise<void> {
	const { repoId } = env;
	const index = await ctx.db
		.select()
		.from(taskIndex)
		.where(and(eq(taskIndex.repoId, repoId), eq(taskIndex.branch, pr.headRef)))
		.get();
	const closed = pr.state === "merged" || pr.state === "closed";
	if (!index) {
		if (!closed) result.created += await createVirtual(ctx, repoId, [pr]);
		return;
	}
	const row = await ctx.db.select().from(taskSummaries).where(eq(taskSummaries.taskId, index.taskId)).get();
	if (!row) return;
	const before = fromSummaryRow(row);
	const next: TaskSummary = { ...before, prState: pr.state, prNumber: pr.number, prUrl: pr.url, headSha: pr.headSha ?? before.headSha };
	// A virtual task follows its PR; a real task's status belongs to its actor (step 5 archives it).
	if (index.virtual === 1) {
		next.title = pr.title;
		if (closed && env.archiveOnPrClose) next.status = "archived";
		else if (before.status === "archived") next.status = "idle";
	}
	const same = (["prState", "prNumber", "prUrl", "title", "status", "headSha"] as const).every((k) => before[k] === next[k]);
	if (same) return;
	next.updatedAt = Math.max(pr.updatedAt, before.updatedAt);
	await commitChange(ctx, "pull-request", async (tx) => {
		await tx.update(taskSummaries).set(summaryRow(next)).where(eq(taskSummaries.taskId, next.id));
		return { type: "taskUpserted", task: next };
	});
	if (index.virtual === 0 && pr.state !== before.prState && (pr.state === "merged" || pr.state === "closed")) {
		await closeRealTask(ctx, next, pr, env.archiveOnPrClose);
	}
	if (next.status === "archived" && before.status !== "archived") {
		result.archived++;
		ctx.outbox.audit({ kind: "task.archived", actor: "system", repoId, taskId: next.id, payload: { reason: `pull request ${pr.state}`, pr: pr.number } });
	} else result.updated++;
}

/** A task people work on: its actor archives it (it owns its status) and the owner hears of it. */
async function closeRealTask(ctx: OrganizationCommandContext, task: TaskSummary, pr: PullRequest, archive: boolean): Promise<void> {
	if (archive) await ctx.peers.task.getOrCreate(taskKey(ctx.orgId, task.id)).send(QUEUE.task.archive, { actor: "system" });
	if (task.owner.startsWith("github:")) return;
	ctx.outbox.tellUser(task.owner, QUEUE.user.notify, {
		orgId: ctx.orgId,
		taskId: task.id,
		kind: pr.state === "merged" ? "pr_merged" : "pr_comment",
		title: `PR #${pr.number} ${pr.state}: ${task.title}`.slice(0, 300),
		body: pr.url,
		dedupeKey: `pr-${pr.state}:${task.id}:${pr.number}`,
	});
}

async function createVirtual(ctx: OrganizationCommandContext, repoId: string, pulls: PullRequest[]): Promise<number> {
	if (pulls.length === 0) return 0;
	const now = Date.now();
	const tasks: TaskSummary[] = pulls.map((pr) => ({
		id: newTaskId(),
		repoId,
		title: pr.title,
		status: "idle",
		branch: pr.headRef,
		owner: `github:${pr.author}`,
		ownerLogin: pr.author,
		ownerAvatarUrl: null,
		updatedAt: pr.updatedAt,
		prState: pr.state,
		prNumber: pr.number,
		prUrl: pr.url,
		reviewDecision: null,
		headSha: pr.headSha ?? null,
		version: 1,
	}));
	await commitChange(ctx, "virtual-tasks", async (tx) => {
		for (const t of tasks) {
			await tx.insert(taskIndex).values({
				taskId: t.id,
				repoId,
				branch: t.branch,
				requestId: null,
				createdAt: now,
				title: t.title,
				prompt: "",
				creator: t.owner,
				virtual: 1,
			});
			await tx.insert(taskSummaries).values(summaryRow(t));
		}
		return tasks.length === 1 && tasks[0] ? { type: "taskUpserted", task: tasks[0] } : { type: "tasksUpserted", tasks };
	});
	for (const t of tasks) {
		ctx.outbox.audit({
			kind: "task.created",
			actor: "system",
			repoId,
			taskId: t.id,
			payload: { title: t.title, branch: t.branch, fromPullRequest: t.prNumber },
		});
	}
	return tasks.length;
}

/** Virtual tasks of the repository whose PR is not in the complete open list were closed on GitHub. */
async function sweep(ctx: OrganizationCommandContext, env: PullEnv, open: Set<number>, result: PullResult): Promise<void> {
	const rows = await ctx.db
		.select({ summary: taskSummaries })
		.from(taskIndex)
		.innerJoin(taskSummaries, eq(taskSummaries.taskId, taskIndex.taskId))
		.where(and(eq(taskIndex.repoId, env.repoId), eq(taskIndex.virtual, 1)));
	for (const { summary } of rows) {
		const s = fromSummaryRow(summary);
		if (s.status === "archived" || s.prNumber === null || open.has(s.prNumber)) continue;
		await applyOne(
			ctx,
			env,
			{ repoFullName: "", number: s.prNumber, title: s.title, url: s.prUrl ?? "", headRef: s.branch, baseRef: "", author: s.ownerLogin, state: "closed", updatedAt: Date.now() },
			result,
		);
	}
}

const claimSchema = z.object({ taskId: z.string().min(1) });

/** organization.claimTask: a virtual task's actor started; it is a task like any other now. */
export async function claimTask(ctx: OrganizationCommandContext, body: unknown): Promise<{ claimed: boolean }> {
	const { taskId } = parseInput(claimSchema, body);
	const rows = await ctx.db
		.update(taskIndex)
		.set({ virtual: 0 })
		.where(and(eq(taskIndex.taskId, taskId), eq(taskIndex.virtual, 1)))
		.returning({ taskId: taskIndex.taskId });
	// The task read its pending follow-ups with its seed; they are its own now.
	await ctx.db.delete(pendingFollowUps).where(eq(pendingFollowUps.taskId, taskId));
	return { claimed: rows.length > 0 };
}
