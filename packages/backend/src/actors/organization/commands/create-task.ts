// organization.createTask: derive title and branch, record the index row (the task's seed) and
// summary in one transaction, audit, broadcast. No external I/O: the task actor initialises itself
// from the index row the first time anyone acts on the task (docs/adr/0002-lazy-task-actors.md).
import {
	actorRefSchema,
	conflict,
	createTaskInputSchema,
	FoundryError,
	invalidInput,
	parseInput,
	QUEUE,
	type Repo,
	type TaskRecord,
	taskKey,
} from "@foundry/shared";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { deriveBranch } from "../../../domain/branch.ts";
import { branchNameProblem } from "../../../domain/git-ref.ts";
import { newSessionId, newTaskId } from "../../../domain/ids.ts";
import { toSummary } from "../../../domain/task-summary.ts";
import { deriveTitle } from "../../../domain/title.ts";
import { commitChange, type OrganizationCommandContext } from "../context.ts";
import { admitTurn } from "./metering.ts";
import { resolveRepo } from "../repos.ts";
import { members, taskIndex, taskSummaries } from "../schema.ts";
import { summaryRow } from "../summaries.ts";
import { readTaskSeed } from "../task-seed.ts";

const schema = z.object({ input: createTaskInputSchema, actor: actorRefSchema, actorLogin: z.string() });
const MAX_BRANCH_ATTEMPTS = 8;

export async function createTask(ctx: OrganizationCommandContext, body: unknown): Promise<TaskRecord> {
	const parsed = parseInput(schema, body);
	const { actor, actorLogin } = parsed;
	// Without the caller's own request id, the queue message's stands in: a batch replayed after a
	// crash finds the task its first run created instead of creating it twice.
	const input = { ...parsed.input, requestId: parsed.input.requestId ?? (ctx.outbox.commandId ? `queue-message:${ctx.outbox.commandId}` : undefined) };
	const replay = input.requestId ? await findByRequestId(ctx, input.requestId) : null;
	if (replay) return replay;
	const repo = await resolveRepo(ctx.db, input.repo);
	const title = input.title ?? deriveTitle(input.prompt);
	const branch = input.branch ? await checkExplicitBranch(ctx, repo, input.branch) : await freshBranch(ctx, repo, title);
	const now = Date.now();
	// Derived from the request id: a replay that finds nothing (the crash came before the rows were
	// written) admits the same first turn again instead of leaving one open for ever.
	const seed = input.requestId ? `${ctx.orgId}/${input.requestId}` : undefined;
	const id = newTaskId(seed);
	// The first session's prompt is a turn: admitted (seat, payment, cap) before anything is written.
	const first = input.startSession !== false ? { sessionId: newSessionId(seed), turnId: `first:${id}` } : null;
	if (first) await admitTurn(ctx, { ...first, taskId: id, userId: actor, login: actorLogin });
	const record: TaskRecord = {
		id,
		orgId: ctx.orgId,
		repoId: repo.id,
		repoUrl: repo.url,
		title,
		prompt: input.prompt,
		branch,
		status: "idle",
		creator: actor,
		owner: actor,
		ownerLogin: actorLogin,
		ownerAvatarUrl: (await memberAvatar(ctx, actor)) ?? null,
		createdAt: now,
		updatedAt: now,
		version: 1,
	};
	await insertRows(ctx, record, input.requestId ?? null);
	ctx.outbox.audit({
		kind: "task.created",
		actor,
		repoId: repo.id,
		taskId: record.id,
		payload: { title, branch, explicitBranch: input.branch !== undefined },
	});
	ctx.outbox.tellUser(actor, QUEUE.user.bumpFeed, { orgId: ctx.orgId, taskId: record.id, reason: "created", at: now });
	// The prompt starts the task's first session (the task actor starts here, not lazily). It leaves
	// after this batch commits: the caller has the task at once, never waiting on the task actor's
	// creation. The task de-duplicates by the session id chosen here.
	if (first) {
		const session = { ...(input.agent ? { agent: input.agent } : {}), ...(input.model ? { model: input.model } : {}) };
		ctx.outbox.tell({ actor: "task", key: taskKey(ctx.orgId, record.id), queue: QUEUE.task.createSession, body: { input: session, actor, prompt: input.prompt, ...first } });
	}
	return record;
}

async function memberAvatar(ctx: OrganizationCommandContext, userId: string): Promise<string | null> {
	const row = await ctx.db.select({ avatarUrl: members.avatarUrl }).from(members).where(eq(members.userId, userId)).get();
	return row?.avatarUrl ?? null;
}

async function findByRequestId(ctx: OrganizationCommandContext, requestId: string): Promise<TaskRecord | null> {
	const row = await ctx.db.select().from(taskIndex).where(eq(taskIndex.requestId, requestId)).get();
	return row ? readTaskSeed(ctx.db, ctx.orgId, row.taskId) : null;
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

async function insertRows(ctx: OrganizationCommandContext, record: TaskRecord, requestId: string | null) {
	await commitChange(ctx, "create-task", async (tx) => {
		await tx.insert(taskIndex).values({
			taskId: record.id,
			repoId: record.repoId,
			branch: record.branch,
			requestId,
			createdAt: record.createdAt,
			title: record.title,
			prompt: record.prompt,
			creator: record.creator,
		});
		const summary = toSummary(record);
		await tx.insert(taskSummaries).values(summaryRow(summary));
		return { type: "taskUpserted", task: summary };
	});
}

