// organization.recordRuntimeIssue / organization.clearRuntimeIssues.
import {
	actorRefSchema,
	clearRuntimeIssuesInputSchema,
	parseInput,
	runtimeIssueInputSchema,
} from "@foundry/shared";
import { and, count, inArray, isNull } from "drizzle-orm";
import { commitChange, type OrganizationCommandContext } from "../context.ts";
import type { OrganizationDb } from "../database.ts";
import { runtimeIssues } from "../schema.ts";

export async function recordRuntimeIssue(ctx: OrganizationCommandContext, body: unknown): Promise<{ id: number }> {
	const issue = parseInput(runtimeIssueInputSchema, body, "runtime issue");
	let id = 0;
	await commitChange(ctx, "record-runtime-issue", async (tx) => {
		const rows = await tx
			.insert(runtimeIssues)
			.values({ ...issue, actorKey: JSON.stringify(issue.actorKey), clearedAt: null })
			.returning({ id: runtimeIssues.id });
		id = rows[0]?.id ?? 0;
		return { type: "runtimeIssues", openCount: await openIssueCount(tx) };
	});
	return { id };
}

const clearSchema = clearRuntimeIssuesInputSchema.extend({ actor: actorRefSchema });

export async function clearRuntimeIssues(ctx: OrganizationCommandContext, body: unknown): Promise<{ cleared: number }> {
	const input = parseInput(clearSchema, body);
	const open = isNull(runtimeIssues.clearedAt);
	let cleared: Array<{ id: number }> = [];
	await commitChange(ctx, "clear-runtime-issues", async (tx) => {
		cleared = await tx
			.update(runtimeIssues)
			.set({ clearedAt: Date.now() })
			.where(input.ids ? and(open, inArray(runtimeIssues.id, input.ids)) : open)
			.returning({ id: runtimeIssues.id });
		return cleared.length > 0 ? { type: "runtimeIssues", openCount: await openIssueCount(tx) } : null;
	});
	if (cleared.length === 0) return { cleared: 0 };
	ctx.outbox.audit({
		kind: "runtime_issues.cleared",
		actor: input.actor,
		repoId: null,
		taskId: null,
		payload: { ids: cleared.map((r) => r.id) },
	});
	return { cleared: cleared.length };
}

export async function openIssueCount(db: OrganizationDb): Promise<number> {
	const rows = await db.select({ n: count() }).from(runtimeIssues).where(isNull(runtimeIssues.clearedAt));
	return rows[0]?.n ?? 0;
}
