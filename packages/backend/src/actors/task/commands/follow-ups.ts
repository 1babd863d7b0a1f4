// task.addFollowUp: a review or comment on the task's PR, stored once (replays are ignored),
// audited, and the owner is notified. Step 5 sends follow-ups to the agent as prompts.
import { type FollowUp, followUpSchema, parseInput, QUEUE } from "@foundry/shared";
import { desc } from "drizzle-orm";
import { ensureRecord, type RecordSource, type TaskCommandContext } from "../context.ts";
import { followUps } from "../schema.ts";

export async function addFollowUp(ctx: TaskCommandContext, body: unknown): Promise<{ recorded: boolean }> {
	const f = parseInput(followUpSchema, body);
	const record = await ensureRecord(ctx);
	const [row] = await ctx.db.insert(followUps).values(f).onConflictDoNothing().returning();
	if (!row) return { recorded: false };
	ctx.outbox.audit({
		kind: "task.follow_up_recorded",
		actor: "system",
		repoId: record.repoId,
		taskId: record.id,
		payload: { kind: f.kind, author: f.author, path: f.path, line: f.line, url: f.url },
	});
	if (!record.owner.startsWith("github:")) {
		const title = f.kind === "changes_requested" ? `${f.author} requested changes` : `${f.author} commented`;
		ctx.outbox.tellUser(record.owner, QUEUE.user.notify, {
			orgId: ctx.orgId,
			taskId: record.id,
			kind: "pr_comment",
			title: `${title} on ${record.title}`.slice(0, 300),
			body: f.body.slice(0, 4_000),
			dedupeKey: `follow-up:${ctx.taskId}:${f.id}`,
		});
	}
	return { recorded: true };
}

export async function listFollowUps(source: RecordSource): Promise<FollowUp[]> {
	return source.db.select().from(followUps).orderBy(desc(followUps.createdAt));
}
