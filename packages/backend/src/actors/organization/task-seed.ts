// A task as the organization knows it: index row (seed) + current summary + repository URL.
// Task actors initialise themselves from this on first use.
import { notFound, type TaskRecord } from "@foundry/shared";
import { eq } from "drizzle-orm";
import type { OrganizationDb } from "./database.ts";
import { repos, taskIndex, taskSummaries } from "./schema.ts";

/** The seed, and whether the task so far exists only because of a PR (a virtual task). */
export type TaskSeed = TaskRecord & { virtual?: boolean };

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
		...(row.index.virtual === 1 ? { virtual: true } : {}),
	};
}
