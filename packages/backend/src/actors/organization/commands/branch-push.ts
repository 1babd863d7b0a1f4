// organization.applyBranchPush: a push to a task's branch on GitHub (from outside Foundry or from
// its sandbox) moves the head shown on the task; a deleted branch clears it. Audited.
import { parseInput } from "@foundry/shared";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { commitChange, type OrganizationCommandContext } from "../context.ts";
import { repos, taskIndex, taskSummaries } from "../schema.ts";
import { fromSummaryRow } from "../summaries.ts";

const schema = z.object({
	repoFullName: z.string().min(1),
	branch: z.string().min(1),
	headSha: z.string().nullable(),
	pusher: z.string(),
	forced: z.boolean(),
});

export async function applyBranchPush(ctx: OrganizationCommandContext, body: unknown): Promise<{ taskId: string | null }> {
	const push = parseInput(schema, body);
	const row = await ctx.db
		.select({ summary: taskSummaries })
		.from(taskIndex)
		.innerJoin(repos, eq(repos.id, taskIndex.repoId))
		.innerJoin(taskSummaries, eq(taskSummaries.taskId, taskIndex.taskId))
		.where(and(eq(repos.githubFullName, push.repoFullName), eq(taskIndex.branch, push.branch)))
		.get();
	if (!row || row.summary.headSha === push.headSha) return { taskId: row?.summary.taskId ?? null };
	const next = { ...fromSummaryRow(row.summary), headSha: push.headSha };
	await commitChange(ctx, "branch-push", async (tx) => {
		await tx.update(taskSummaries).set({ headSha: push.headSha }).where(eq(taskSummaries.taskId, next.id));
		return { type: "taskUpserted", task: next };
	});
	ctx.outbox.audit({
		kind: "task.branch_pushed",
		actor: "system",
		repoId: next.repoId,
		taskId: next.id,
		payload: { branch: push.branch, headSha: push.headSha, pusher: push.pusher, forced: push.forced, deleted: push.headSha === null },
	});
	return { taskId: next.id };
}
