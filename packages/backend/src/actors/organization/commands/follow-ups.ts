// organization.recordFollowUp: a review or comment on a PR reaches the task linked to it. Tasks
// with an actor get it (and their owner a notification). A virtual task has no actor: the
// follow-up waits in pending_follow_ups (handed over with the seed when the task starts) and the
// PR's author hears of it when they are a member. Whether its author is a member is decided here:
// anyone can comment on a PR, and only members' follow-ups may reach the agent unasked.
import { type FollowUp, followUpSchema, LIMITS, parseInput, QUEUE, taskKey } from "@foundry/shared";
import { and, count, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { commitChange, type OrganizationCommandContext } from "../context.ts";
import { readSettings } from "../reads.ts";
import { members, pendingFollowUps, repos, taskIndex, taskSummaries } from "../schema.ts";
import { fromSummaryRow } from "../summaries.ts";

const schema = z.object({ repoFullName: z.string(), prNumber: z.number().int().positive(), followUp: followUpSchema });

/**
 * Trusted: the author is a member of this organization (GitHub's members who use Foundry, kept in
 * step with GitHub). Write access to the repository alone is not enough: it is not held here and
 * would need a GitHub call per comment. Logins compare case-insensitively, as on GitHub.
 */
async function isMember(ctx: OrganizationCommandContext, login: string): Promise<boolean> {
	if (!login) return false;
	const row = await ctx.db.select({ userId: members.userId }).from(members).where(sql`lower(${members.login}) = ${login.toLowerCase()}`).get();
	return row !== undefined;
}

export async function recordFollowUp(ctx: OrganizationCommandContext, body: unknown): Promise<{ taskId: string | null }> {
	const input = parseInput(schema, body);
	const { repoFullName, prNumber } = input;
	const row = await ctx.db
		.select({ taskId: taskSummaries.taskId, virtual: taskIndex.virtual })
		.from(taskSummaries)
		.innerJoin(taskIndex, eq(taskIndex.taskId, taskSummaries.taskId))
		.innerJoin(repos, eq(repos.id, taskSummaries.repoId))
		.where(and(eq(repos.githubFullName, repoFullName), eq(taskSummaries.prNumber, prNumber)))
		.get();
	if (!row) return { taskId: null };
	// Whatever the sender said, trust is this organization's to decide.
	const followUp = { ...input.followUp, trusted: await isMember(ctx, input.followUp.author) };
	if (row.virtual === 1) {
		await keepPending(ctx, row.taskId, followUp);
		return { taskId: row.taskId };
	}
	const { autoSendFollowUps } = await readSettings(ctx.db);
	await ctx.peers.task.getOrCreate(taskKey(ctx.orgId, row.taskId)).send(QUEUE.task.addFollowUp, { ...followUp, autoSend: autoSendFollowUps });
	return { taskId: row.taskId };
}

async function keepPending(ctx: OrganizationCommandContext, taskId: string, followUp: FollowUp): Promise<void> {
	const held = await ctx.db.select({ n: count() }).from(pendingFollowUps).where(eq(pendingFollowUps.taskId, taskId)).get();
	if ((held?.n ?? 0) >= LIMITS.PENDING_FOLLOW_UPS_PER_TASK) {
		ctx.log.warn({ taskId, followUpId: followUp.id }, "pending follow-ups full for a virtual task; dropped (open the task to keep them all)");
		return;
	}
	const [fresh] = await ctx.db
		.insert(pendingFollowUps)
		.values({ taskId, id: followUp.id, followUp: JSON.stringify(followUp), createdAt: followUp.createdAt })
		.onConflictDoNothing()
		.returning();
	if (!fresh) return;
	const summary = await ctx.db.select().from(taskSummaries).where(eq(taskSummaries.taskId, taskId)).get();
	if (!summary) return;
	ctx.outbox.audit({
		kind: "task.follow_up_recorded",
		actor: "system",
		repoId: summary.repoId,
		taskId,
		payload: { kind: followUp.kind, author: followUp.author, trusted: followUp.trusted, path: followUp.path, line: followUp.line, url: followUp.url, pending: true },
	});
	// A virtual task's owner is the PR's author on GitHub: notify them when they are a member here.
	const author = await ctx.db.select({ userId: members.userId }).from(members).where(eq(members.login, summary.ownerLogin)).get();
	if (!author) return;
	const title = followUp.kind === "changes_requested" ? `${followUp.author} requested changes` : `${followUp.author} commented`;
	ctx.outbox.tellUser(author.userId, QUEUE.user.notify, {
		orgId: ctx.orgId,
		taskId,
		kind: "pr_comment",
		title: `${title} on ${summary.title}`.slice(0, 300),
		body: followUp.body.slice(0, 4_000),
		dedupeKey: `follow-up:${taskId}:${followUp.id}`,
	});
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
