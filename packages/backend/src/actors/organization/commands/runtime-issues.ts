// organization.recordRuntimeIssue / organization.clearRuntimeIssues.
import {
	actorRefSchema,
	clearRuntimeIssuesInputSchema,
	parseInput,
	runtimeIssueInputSchema,
} from "@foundry/shared";
import { and, count, inArray, isNull } from "drizzle-orm";
import { emitChange, type OrganizationCommandContext } from "../context.ts";
import { runtimeIssues } from "../schema.ts";

export async function recordRuntimeIssue(ctx: OrganizationCommandContext, body: unknown): Promise<{ id: number }> {
	const issue = parseInput(runtimeIssueInputSchema, body, "runtime issue");
	const rows = await ctx.db
		.insert(runtimeIssues)
		.values({ ...issue, actorKey: JSON.stringify(issue.actorKey), clearedAt: null })
		.returning({ id: runtimeIssues.id });
	await emitChange(ctx, { type: "runtimeIssues", openCount: await openIssueCount(ctx) });
	return { id: rows[0]?.id ?? 0 };
}

const clearSchema = clearRuntimeIssuesInputSchema.extend({ actor: actorRefSchema });

export async function clearRuntimeIssues(ctx: OrganizationCommandContext, body: unknown): Promise<{ cleared: number }> {
	const input = parseInput(clearSchema, body);
	const open = isNull(runtimeIssues.clearedAt);
	const cleared = await ctx.db
		.update(runtimeIssues)
		.set({ clearedAt: Date.now() })
		.where(input.ids ? and(open, inArray(runtimeIssues.id, input.ids)) : open)
		.returning({ id: runtimeIssues.id });
	if (cleared.length === 0) return { cleared: 0 };
	ctx.outbox.audit({
		kind: "runtime_issues.cleared",
		actor: input.actor,
		repoId: null,
		taskId: null,
		payload: { ids: cleared.map((r) => r.id) },
	});
	await emitChange(ctx, { type: "runtimeIssues", openCount: await openIssueCount(ctx) });
	return { cleared: cleared.length };
}

export async function openIssueCount(ctx: Pick<OrganizationCommandContext, "db">): Promise<number> {
	const rows = await ctx.db.select({ n: count() }).from(runtimeIssues).where(isNull(runtimeIssues.clearedAt));
	return rows[0]?.n ?? 0;
}
