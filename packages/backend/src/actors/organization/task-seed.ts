// A task as the organization knows it: index row (seed) + current summary + repository URL.
// Task actors initialise themselves from this on first use.
import { type FollowUp, followUpSchema, notFound, type TaskRecord } from "@foundry/shared";
import { asc, eq } from "drizzle-orm";
import type { OrganizationDb } from "./database.ts";
import { pendingFollowUps, repos, taskIndex, taskSummaries } from "./schema.ts";

/**
 * The seed, whether the task so far exists only because of a PR (a virtual task), and the PR's
 * reviews and comments that arrived while it was virtual.
 */
export type TaskSeed = TaskRecord & { virtual?: boolean; followUps?: FollowUp[] };

export async function readTaskSeed(db: OrganizationDb, orgId: string, taskId: string): Promise<TaskSeed> {
	const row = await db
		.select({ index: taskIndex, summary: taskSummaries, repoUrl: repos.url })
		.from(taskIndex)
		.innerJoin(taskSummaries, eq(taskSummaries.taskId, taskIndex.taskId))
		.innerJoin(repos, eq(repos.id, taskIndex.repoId))
		.where(eq(taskIndex.taskId, taskId))
		.get();
	if (!row) throw notFound(`task ${taskId} does not exist in this organization`, { taskId });
	return {
		id: taskId,
		orgId,
		repoId: row.index.repoId,
		repoUrl: row.repoUrl,
		title: row.summary.title,
		prompt: row.index.prompt,
		branch: row.index.branch,
		status: row.summary.status,
		creator: row.index.creator,
		owner: row.summary.owner,
		ownerLogin: row.summary.ownerLogin,
		ownerAvatarUrl: row.summary.ownerAvatarUrl,
		createdAt: row.index.createdAt,
		updatedAt: row.summary.updatedAt,
		version: row.summary.version,
		...(row.index.virtual === 1 ? { virtual: true, followUps: await readPending(db, taskId) } : {}),
	};
}

async function readPending(db: OrganizationDb, taskId: string): Promise<FollowUp[]> {
	const rows = await db.select().from(pendingFollowUps).where(eq(pendingFollowUps.taskId, taskId)).orderBy(asc(pendingFollowUps.createdAt));
	return rows.map((r) => followUpSchema.parse(JSON.parse(r.followUp)));
}
