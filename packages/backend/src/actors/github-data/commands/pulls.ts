// githubData.createPullRequest / mergePullRequest: PRs opened and merged through the GitHub API as
// the member who asked (their permission on the repository decides). The outcome — GitHub's
// message on failure — goes to the task; the webhook that follows links and archives it.
import { FoundryError, type GitOpResult, parseInput, QUEUE, taskKey, userKey } from "@foundry/shared";
import { z } from "zod";
import type { GithubDataContext } from "../context.ts";

const createSchema = z.object({
	taskId: z.string().min(1),
	ownerUserId: z.string().min(1),
	repoFullName: z.string().min(3),
	head: z.string().min(1),
	base: z.string().min(1),
	title: z.string().min(1).max(256),
	body: z.string().max(65_536),
	draft: z.boolean(),
});

const mergeSchema = z.object({
	taskId: z.string().min(1),
	asUserId: z.string().min(1),
	repoFullName: z.string().min(3),
	head: z.string().min(1),
	method: z.enum(["merge", "squash", "rebase"]),
});

async function tokenOf(ctx: GithubDataContext, userId: string): Promise<string> {
	if (!ctx.userApi) throw new FoundryError("PRECONDITION_FAILED", "GitHub is not configured on this backend");
	return (await ctx.peers.user.getOrCreate(userKey(userId)).githubToken()).token;
}

async function report(ctx: GithubDataContext, taskId: string, result: GitOpResult): Promise<GitOpResult> {
	await ctx.peers.task.getOrCreate(taskKey(ctx.orgId, taskId)).send(QUEUE.task.applyGitResult, { result });
	return result;
}

const failure = (err: unknown) => (err instanceof Error ? err.message : String(err));

export async function createPullRequest(ctx: GithubDataContext, body: unknown): Promise<GitOpResult> {
	const input = parseInput(createSchema, body);
	const at = Date.now();
	try {
		const token = await tokenOf(ctx, input.ownerUserId);
		const pr = await ctx.userApi?.createPull(token, input);
		return report(ctx, input.taskId, { op: "publish_pr", ok: true, message: `opened #${pr?.number} ${pr?.url}`, at });
	} catch (err) {
		ctx.log.warn({ taskId: input.taskId, err: failure(err) }, "opening a PR failed");
		return report(ctx, input.taskId, { op: "publish_pr", ok: false, message: failure(err), at });
	}
}

export async function mergePullRequest(ctx: GithubDataContext, body: unknown): Promise<GitOpResult> {
	const input = parseInput(mergeSchema, body);
	const at = Date.now();
	try {
		const token = await tokenOf(ctx, input.asUserId);
		const merged = await ctx.userApi?.mergePull(token, input);
		return report(ctx, input.taskId, { op: "merge_pr", ok: true, message: `merged #${merged?.number} (${input.method}) at ${merged?.sha.slice(0, 12)}`, at });
	} catch (err) {
		ctx.log.warn({ taskId: input.taskId, err: failure(err) }, "merging a PR failed");
		return report(ctx, input.taskId, { op: "merge_pr", ok: false, message: failure(err), at });
	}
}
