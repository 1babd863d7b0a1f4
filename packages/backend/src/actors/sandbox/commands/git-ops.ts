// Git actions on the task's branch, run in the sandbox as the task owner; results (with git's
// stderr on failure, and the error's code) go to the task, which records, audits and broadcasts them.
import { FoundryError, type GitOpResult, githubDataKey, parseInput, QUEUE, repoPathSchema, taskKey } from "@foundry/shared";
import { z } from "zod";
import { truncateStrings } from "../../shared/queue-limits.ts";
import { readSandbox, type SandboxCommandContext } from "../context.ts";
import { pushBranch, repoSchema } from "../git.ts";
import { changesSummary, fileDiffs, revertFile } from "../git-files.ts";
import { ensureRepo, liveSandbox } from "./provision.ts";
import { repoAccess } from "./repo-access.ts";

const gitSchema = z.object({
	op: z.enum(["push", "publish_pr", "revert_file"]),
	ownerUserId: z.string().min(1),
	repo: repoSchema,
	actor: z.string(),
	// Parsed as a RepoPath when the op runs, so a refusal reaches the task as a result (INVALID_INPUT).
	path: z.string().optional(),
	pr: z.object({ title: z.string(), body: z.string(), draft: z.boolean() }).optional(),
});
type GitBody = z.infer<typeof gitSchema>;

/** git's own message can be long (hooks, many refs): its beginning is what a person reads. */
const report = (ctx: SandboxCommandContext, result: GitOpResult) =>
	ctx.outbox.tell({ actor: "task", key: taskKey(ctx.orgId, ctx.taskId), queue: QUEUE.task.applyGitResult, body: { result: truncateStrings(result, 8_000) } });

/** sandbox.git: push, publish a PR (push, then github-data creates it), revert one file. */
export async function gitOp(ctx: SandboxCommandContext, body: unknown): Promise<GitOpResult> {
	const input = parseInput(gitSchema, body);
	const at = Date.now();
	let result: GitOpResult;
	try {
		const outcome = await runOp(ctx, input, at);
		if (outcome.reported) return outcome.result;
		result = outcome.result;
	} catch (err) {
		const message = err instanceof Error ? err.message : String(err);
		result = { op: input.op, ok: false, message, at, code: err instanceof FoundryError ? err.code : "UPSTREAM_FAILED" };
	}
	report(ctx, result);
	return result;
}

/** `reported`: someone else (github-data, after the PR exists) tells the task. */
async function runOp(ctx: SandboxCommandContext, input: GitBody, at: number): Promise<{ result: GitOpResult; reported: boolean }> {
	const path = input.op === "revert_file" ? parseInput(repoPathSchema, input.path, "path") : null;
	const live = await liveSandbox(ctx);
	if (!live) throw new FoundryError("PRECONDITION_FAILED", "there is no running sandbox for this task; start a session first");
	const repo = await ensureRepo(ctx, live, input.repo, input.ownerUserId);
	const root = live.rt.handle.root;
	if (path !== null) {
		await revertFile(live.rt, root, repo, path);
		await afterTurn(ctx);
		return { result: { op: "revert_file", ok: true, message: `reverted ${path}`, at }, reported: false };
	}
	const access = await repoAccess(ctx, repo.url, input.ownerUserId);
	if (input.op === "publish_pr" && access.location.kind !== "github") {
		throw new FoundryError("PRECONDITION_FAILED", "pull requests need a repository on the configured GitHub; push the branch instead");
	}
	const sha = await pushBranch(live.rt, root, { location: access.location, branch: repo.branch }, access.committer, access.credential);
	const result: GitOpResult = { op: input.op, ok: true, message: `pushed ${repo.branch} at ${sha.slice(0, 12)}`, at };
	if (input.op !== "publish_pr" || access.location.kind !== "github") return { result, reported: false };
	ctx.outbox.tell({
		actor: "githubData",
		key: githubDataKey(ctx.orgId),
		queue: QUEUE.githubData.createPullRequest,
		body: {
			taskId: ctx.taskId,
			ownerUserId: input.ownerUserId,
			repoFullName: access.location.fullName,
			head: repo.branch,
			base: repo.defaultBranch,
			title: input.pr?.title ?? repo.branch,
			body: input.pr?.body ?? "",
			draft: input.pr?.draft ?? false,
		},
	});
	return { result, reported: true };
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
	ctx.outbox.tell({ actor: "task", key: taskKey(ctx.orgId, ctx.taskId), queue: QUEUE.task.applyChanges, body: { changes, diffs } });
}
