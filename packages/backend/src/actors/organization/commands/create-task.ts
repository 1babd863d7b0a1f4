// organization.createTask: derive title and branch, record the index row + summary, create the
// task actor, audit, broadcast. No external I/O. A failure removes what was written.
import {
	actorRefSchema,
	conflict,
	createTaskInputSchema,
	FoundryError,
	invalidInput,
	parseInput,
	type Repo,
	type TaskRecord,
} from "@foundry/shared";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { deriveBranch } from "../../../domain/branch.ts";
import { branchNameProblem } from "../../../domain/git-ref.ts";
import { newTaskId } from "../../../domain/ids.ts";
import { toSummary } from "../../../domain/task-summary.ts";
import { deriveTitle } from "../../../domain/title.ts";
import { appendAudit, initializeTask } from "../../shared/peers.ts";
import { emitChange, type OrganizationCommandContext } from "../context.ts";
import { resolveRepo } from "../repos.ts";
import { summaryRow } from "../summaries.ts";
import { taskIndex, taskSummaries } from "../schema.ts";

const schema = z.object({ input: createTaskInputSchema, actor: actorRefSchema });
const MAX_BRANCH_ATTEMPTS = 8;

export async function createTask(ctx: OrganizationCommandContext, body: unknown): Promise<TaskRecord> {
	const { input, actor } = parseInput(schema, body);
	const replay = input.requestId ? await findByRequestId(ctx, input.requestId) : null;
	if (replay) return replay;
	const repo = await resolveRepo(ctx.db, input.repo);
	const title = input.title ?? deriveTitle(input.prompt);
	const branch = input.branch ? await checkExplicitBranch(ctx, repo, input.branch) : await freshBranch(ctx, repo, title);
	const now = Date.now();
	const record: Omit<TaskRecord, "version"> = {
		id: newTaskId(),
		orgId: ctx.orgId,
		repoId: repo.id,
		repoUrl: repo.url,
		title,
		prompt: input.prompt,
		branch,
		status: "idle",
		creator: actor,
		owner: actor,
		createdAt: now,
		updatedAt: now,
	};
	await insertRows(ctx, record, input.requestId ?? null);
	const created = await initializeOrRollback(ctx, record);
	await appendAudit(ctx.peers, ctx.orgId, {
		kind: "task.created",
		actor,
		repoId: repo.id,
		taskId: record.id,
		payload: { title, branch, explicitBranch: input.branch !== undefined },
	});
	await emitChange(ctx, { type: "taskUpserted", task: toSummary(created) });
	return created;
}

async function findByRequestId(ctx: OrganizationCommandContext, requestId: string): Promise<TaskRecord | null> {
	const row = await ctx.db.select().from(taskIndex).where(eq(taskIndex.requestId, requestId)).get();
	if (!row) return null;
	return ctx.peers.task.get([ctx.orgId, row.taskId]).get();
}

async function checkExplicitBranch(ctx: OrganizationCommandContext, repo: Repo, branch: string): Promise<string> {
	const problem = branchNameProblem(branch);
	if (problem) throw invalidInput(`branch '${branch}' is not a legal git branch name: it ${problem}`, { field: "branch" });
	if (await branchTaken(ctx, repo.id, branch)) {
		throw conflict(`branch '${branch}' is already used by a task in ${repo.name}`, { branch, repoId: repo.id });
	}
	return branch;
}

async function freshBranch(ctx: OrganizationCommandContext, repo: Repo, title: string): Promise<string> {
	for (let attempt = 0; attempt < MAX_BRANCH_ATTEMPTS; attempt++) {
		const candidate = deriveBranch(title);
		if (!(await branchTaken(ctx, repo.id, candidate))) return candidate;
	}
	throw new FoundryError("INTERNAL", "could not find a free branch name");
}

async function branchTaken(ctx: OrganizationCommandContext, repoId: string, branch: string): Promise<boolean> {
	const row = await ctx.db
		.select({ taskId: taskIndex.taskId })
		.from(taskIndex)
		.where(and(eq(taskIndex.repoId, repoId), eq(taskIndex.branch, branch)))
		.get();
	return row !== undefined;
}

async function insertRows(ctx: OrganizationCommandContext, record: Omit<TaskRecord, "version">, requestId: string | null) {
	await ctx.db.transaction(
		async (tx) => {
			await tx.insert(taskIndex).values({
				taskId: record.id,
				repoId: record.repoId,
				branch: record.branch,
				requestId,
				createdAt: record.createdAt,
			});
			await tx.insert(taskSummaries).values(summaryRow(toSummary({ ...record, version: 1 })));
		},
		{ name: "create-task-rows" },
	);
}

async function initializeOrRollback(ctx: OrganizationCommandContext, record: Omit<TaskRecord, "version">) {
	try {
		return await initializeTask(ctx.peers, ctx.orgId, record);
	} catch (err) {
		await ctx.db.transaction(
			async (tx) => {
				await tx.delete(taskSummaries).where(eq(taskSummaries.taskId, record.id));
				await tx.delete(taskIndex).where(eq(taskIndex.taskId, record.id));
			},
			{ name: "create-task-rollback" },
		);
		const message = err instanceof Error ? err.message : String(err);
		throw new FoundryError("UPSTREAM_FAILED", `task actor could not be created: ${message}`);
	}
}
