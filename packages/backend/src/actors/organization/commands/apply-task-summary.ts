// organization.applyTaskSummary: a task pushes its sidebar projection; older versions are ignored.
import { parseInput, taskSummarySchema } from "@foundry/shared";
import { and, eq, lt } from "drizzle-orm";
import { commitChange, type OrganizationCommandContext } from "../context.ts";
import { taskIndex, taskSummaries } from "../schema.ts";
import { summaryRow } from "../summaries.ts";

export async function applyTaskSummary(ctx: OrganizationCommandContext, body: unknown): Promise<{ applied: boolean }> {
	const summary = parseInput(taskSummarySchema, body, "task summary");
	const indexed = await ctx.db.select().from(taskIndex).where(eq(taskIndex.taskId, summary.id)).get();
	if (!indexed) {
		ctx.log.warn({ taskId: summary.id }, "summary for a task that is not in the index; ignored");
		return { applied: false };
	}
	const change = await commitChange(ctx, "apply-task-summary", async (tx) => {
		// PR fields and the branch head come from GitHub (through github-data), not from the task: keep what is held.
		const held = await tx.select().from(taskSummaries).where(eq(taskSummaries.taskId, summary.id)).get();
		const merged = held
			? { ...summary, prState: held.prState, prNumber: held.prNumber, prUrl: held.prUrl, reviewDecision: held.reviewDecision, headSha: held.headSha }
			: summary;
		const { taskId: _id, ...row } = summaryRow(merged);
		const updated = await tx
			.update(taskSummaries)
			.set(row)
			.where(and(eq(taskSummaries.taskId, summary.id), lt(taskSummaries.version, summary.version)))
			.returning({ taskId: taskSummaries.taskId });
		return updated.length > 0 ? { type: "taskUpserted", task: merged } : null;
	});
	return { applied: change !== null };
}
