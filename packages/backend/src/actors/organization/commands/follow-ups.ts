// organization.recordFollowUp: a review or comment on a PR reaches the task linked to it. Tasks
// people created get it (and their owner a notification); virtual tasks have no owner in Foundry
// yet, so nothing is recorded for them until someone takes the task.
import { followUpSchema, parseInput, QUEUE, taskKey } from "@foundry/shared";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { commitChange, type OrganizationCommandContext } from "../context.ts";
import { repos, taskIndex, taskSummaries } from "../schema.ts";
import { fromSummaryRow } from "../summaries.ts";

const schema = z.object({ repoFullName: z.string(), prNumber: z.number().int().positive(), followUp: followUpSchema });

export async function recordFollowUp(ctx: OrganizationCommandContext, body: unknown): Promise<{ taskId: string | null }> {
	const { repoFullName, prNumber, followUp } = parseInput(schema, body);
	const row = await ctx.db
		.select({ taskId: taskSummaries.taskId, virtual: taskIndex.virtual })
		.from(taskSummaries)
		.innerJoin(taskIndex, eq(taskIndex.taskId, taskSummaries.taskId))
		.innerJoin(repos, eq(repos.id, taskSummaries.repoId))
		.where(and(eq(repos.githubFullName, repoFullName), eq(taskSummaries.prNumber, prNumber)))
		.get();
	if (!row) return { taskId: null };
	if (row.virtual === 1) {
		ctx.log.debug({ taskId: row.taskId, prNumber }, "follow-up on a virtual task: no owner yet");
		return { taskId: null };
	}
	await ctx.peers.task.getOrCreate(taskKey(ctx.orgId, row.taskId)).send(QUEUE.task.addFollowUp, followUp);
	return { taskId: row.taskId };
}

const decisionSchema = z.object({
	repoFullName: z.string(),
	prNumber: z.number().int().positive(),
	decision: z.enum(["approved", "changes_requested"]).nullable(),
});

/** organization.applyReviewDecision: the latest decisive review of a PR, shown on its task. */
export async function applyReviewDecision(ctx: OrganizationCommandContext, body: unknown): Promise<{ taskId: string | null }> {
	const { repoFullName, prNumber, decision } = parseInput(decisionSchema, body);
	const row = await ctx.db
		.select({ summary: taskSummaries })
		.from(taskSummaries)
		.innerJoin(repos, eq(repos.id, taskSummaries.repoId))
		.where(and(eq(repos.githubFullName, repoFullName), eq(taskSummaries.prNumber, prNumber)))
		.get();
	if (!row || row.summary.reviewDecision === decision) return { taskId: row?.summary.taskId ?? null };
	const next = { ...fromSummaryRow(row.summary), reviewDecision: decision };
	await commitChange(ctx, "review-decision", async (tx) => {
		await tx.update(taskSummaries).set({ reviewDecision: decision }).where(eq(taskSummaries.taskId, next.id));
		return { type: "taskUpserted", task: next };
	});
	return { taskId: next.id };
}
