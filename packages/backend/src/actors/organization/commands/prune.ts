// organization.prune (admin): deletes archived tasks whose last change is older than N days from
// the index and summaries (one commit, one broadcast), audited per task. A dry run only lists them.
// Their sandboxes were already released when they were archived.
import { actorRefSchema, type PruneResult, parseInput, pruneInputSchema } from "@foundry/shared";
import { and, eq, inArray, lt } from "drizzle-orm";
import { z } from "zod";
import { commitChange, type OrganizationCommandContext } from "../context.ts";
import { pendingFollowUps, taskIndex, taskSummaries } from "../schema.ts";

const schema = z.object({ input: pruneInputSchema, actor: actorRefSchema });
const DAY_MS = 86_400_000;

export async function pruneTasks(ctx: OrganizationCommandContext, body: unknown): Promise<PruneResult> {
	const { input, actor } = parseInput(schema, body);
	const cutoff = Date.now() - input.olderThanDays * DAY_MS;
	const rows = await ctx.db
		.select({ taskId: taskSummaries.taskId, repoId: taskSummaries.repoId, title: taskSummaries.title })
		.from(taskSummaries)
		.where(and(eq(taskSummaries.status, "archived"), lt(taskSummaries.updatedAt, cutoff)));
	const taskIds = rows.map((r) => r.taskId);
	if (input.dryRun || taskIds.length === 0) return { taskIds, dryRun: input.dryRun ?? false };
	await commitChange(ctx, "prune", async (tx) => {
		for (let i = 0; i < taskIds.length; i += 500) {
			const chunk = taskIds.slice(i, i + 500);
			await tx.delete(taskSummaries).where(inArray(taskSummaries.taskId, chunk));
			await tx.delete(taskIndex).where(inArray(taskIndex.taskId, chunk));
			await tx.delete(pendingFollowUps).where(inArray(pendingFollowUps.taskId, chunk));
		}
		return { type: "tasksRemoved", taskIds };
	});
	for (const r of rows) {
		ctx.outbox.audit({ kind: "task.pruned", actor, repoId: r.repoId, taskId: r.taskId, payload: { title: r.title, olderThanDays: input.olderThanDays } });
	}
	return { taskIds, dryRun: false };
}
