// organization.recordFollowUp: a review or comment on a PR reaches the task linked to it. Tasks
// people created get it (and their owner a notification); virtual tasks have no owner in Foundry
// yet, so nothing is recorded for them until someone takes the task.
import { followUpSchema, parseInput, QUEUE, taskKey } from "@foundry/shared";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { OrganizationCommandContext } from "../context.ts";
import { repos, taskIndex, taskSummaries } from "../schema.ts";

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
