// Git actions on the task's branch, run in the sandbox as the task owner; results (with git's
// stderr on failure) go to the task, which records, audits and broadcasts them.
import { type GitOpResult, githubDataKey, parseInput, QUEUE, taskKey } from "@foundry/shared";
import { z } from "zod";
import { repoFullName } from "../../../domain/repo-url.ts";
import { readSandbox, type SandboxCommandContext } from "../context.ts";
import { changesSummary, fileDiffs, pushBranch, repoSchema, revertFile } from "../git.ts";
import { ensureRepo, liveSandbox, ownerIdentity } from "./provision.ts";

const gitSchema = z.object({
	op: z.enum(["push", "publish_pr", "revert_file"]),
	ownerUserId: z.string().min(1),
	repo: repoSchema,
	actor: z.string(),
	path: z.string().optional(),
	pr: z.object({ title: z.string(), body: z.string(), draft: z.boolean() }).optional(),
});

const report = (ctx: SandboxCommandContext, result: GitOpResult) =>
	ctx.peers.task.getOrCreate(taskKey(ctx.orgId, ctx.taskId)).send(QUEUE.task.applyGitResult, { result });

/** sandbox.git: push, publish a PR (push, then github-data creates it), revert one file. */
export async function gitOp(ctx: SandboxCommandContext, body: unknown): Promise<GitOpResult> {
	const input = parseInput(gitSchema, body);
	const at = Date.now();
	let result: GitOpResult;
	try {
		const live = await liveSandbox(ctx);
		if (!live) throw new Error("there is no running sandbox for this task; start a session first");
		const repo = await ensureRepo(ctx, live, input.repo, input.ownerUserId);
		const root = live.rt.handle.root;
		if (input.op === "revert_file") {
			await revertFile(live.rt, root, repo, input.path ?? "");
			result = { op: input.op, ok: true, message: `reverted ${input.path ?? ""}`, at };
			await afterTurn(ctx);
		} else {
			const sha = await pushBranch(live.rt, root, repo, await ownerIdentity(ctx, input.ownerUserId));
			result = { op: input.op, ok: true, message: `pushed ${repo.branch} at ${sha.slice(0, 12)}`, at };
			if (input.op === "publish_pr") {
				await ctx.peers.githubData.getOrCreate(githubDataKey(ctx.orgId)).send(QUEUE.githubData.createPullRequest, {
					taskId: ctx.taskId,
					ownerUserId: input.ownerUserId,
					repoFullName: repoFullName(repo.url),
					head: repo.branch,
					base: repo.defaultBranch,
					title: input.pr?.title ?? repo.branch,
					body: input.pr?.body ?? "",
					draft: input.pr?.draft ?? false,
				});
				return result; // github-data reports the PR itself
			}
		}
	} catch (err) {
		const message = err instanceof Error ? err.message : String(err);
		result = { op: input.op, ok: false, message, at };
	}
	await report(ctx, result);
	return result;
}

/** Recomputes the changes summary and per-file diffs, cached on the task for clients. */
export async function afterTurn(ctx: SandboxCommandContext): Promise<void> {
	const row = await readSandbox(ctx.db);
	if (row.repoReady !== 1 || !row.defaultBranch) return;
	const live = await liveSandbox(ctx);
	if (!live) return;
	const repo = { url: "", branch: "", defaultBranch: row.defaultBranch };
	const changes = await changesSummary(live.rt, live.rt.handle.root, repo);
	const diffs = await fileDiffs(live.rt, live.rt.handle.root, repo, changes.files.map((f) => f.path));
	await ctx.peers.task.getOrCreate(taskKey(ctx.orgId, ctx.taskId)).send(QUEUE.task.applyChanges, { changes, diffs });
}
