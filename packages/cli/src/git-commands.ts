// Git actions on a task's branch from the CLI. The backend accepts an action at once and reports its
// outcome later as a `gitResult` event, so each command subscribes first, sends, then waits for the
// result of that operation (up to 180 s) and exits 1 when it failed.
import { type FoundryClient, FoundryError, type GitOp, type GitOpResult, MERGE_METHODS } from "@foundry/client";
import { defined, positional, stringFlag } from "./args.ts";
import { type ContextCommand, enumFlag } from "./commands.ts";
import type { CliContext } from "./context.ts";
import { formatDiffs } from "./session-format.ts";
import { deadline, Latch } from "./wait.ts";

export const GIT_RESULT_TIMEOUT_MS = 180_000;

/**
 * Sends a git action and resolves with its result: the first `op` result the task reports that is
 * not older than the call (the subscription is open before the action is sent, so none is missed).
 */
export async function runGitOp(client: FoundryClient, taskId: string, op: GitOp, send: () => Promise<unknown>, timeoutMs = GIT_RESULT_TIMEOUT_MS): Promise<GitOpResult> {
	let since = Number.POSITIVE_INFINITY;
	let subscribed = false;
	const outcome = new Latch<GitOpResult>();
	const sub = await client.subscribeTask(
		taskId,
		{
			onGitResult: (r) => {
				if (r.op === op && r.at >= since) outcome.resolve(r);
			},
		},
		{
			// Before the subscription is up an error ends the command; later ones are retried by the client.
			onError: (err) => {
				if (!subscribed) outcome.reject(err);
			},
		},
	);
	const timeout = () => new FoundryError("UPSTREAM_FAILED", `no ${op} result within ${Math.round(timeoutMs / 1000)} s; it may still finish (see foundry task show ${taskId})`);
	try {
		const started = Date.now();
		await deadline(outcome.ready([sub]), timeoutMs, timeout);
		subscribed = true;
		since = Date.now();
		await send();
		return await deadline(outcome.promise, Math.max(0, timeoutMs - (Date.now() - started)), timeout);
	} finally {
		await sub.close();
	}
}

/** Runs the op and turns its result into output (a failed op exits 1 with git's or GitHub's message). */
async function gitCommand(ctx: CliContext, taskId: string, op: GitOp, send: (c: FoundryClient) => Promise<unknown>) {
	const client = ctx.client();
	const result = await runGitOp(client, taskId, op, () => send(client));
	// A path the sandbox refused is the caller's mistake (INVALID_INPUT, exit 2), not git's failure.
	if (!result.ok) throw new FoundryError(result.code ?? "UPSTREAM_FAILED", result.message);
	return { json: result, text: result.message };
}

const taskArg = (ctx: CliContext) => positional(ctx.args.command, 2, "task id");

export const GIT_COMMANDS: Record<string, ContextCommand> = {
	"task push": async (ctx) => {
		const taskId = taskArg(ctx);
		return gitCommand(ctx, taskId, "push", (c) => c.git.push(taskId));
	},
	"task pr": async (ctx) => {
		const taskId = taskArg(ctx);
		const input = defined({ title: stringFlag(ctx.args.flags, "title"), draft: ctx.args.flags.draft === true ? true : undefined });
		return gitCommand(ctx, taskId, "publish_pr", (c) => c.git.publishPr(taskId, input));
	},
	"task merge": async (ctx) => {
		const taskId = taskArg(ctx);
		const method = enumFlag(ctx.args, "method", MERGE_METHODS);
		return gitCommand(ctx, taskId, "merge_pr", (c) => c.git.merge(taskId, defined({ method })));
	},
	"task revert": async (ctx) => {
		const taskId = taskArg(ctx);
		const path = positional(ctx.args.command, 3, "file path");
		return gitCommand(ctx, taskId, "revert_file", (c) => c.git.revert(taskId, path));
	},
	"task diff": async (ctx) => {
		const diffs = await ctx.client().git.diff(taskArg(ctx), stringFlag(ctx.args.flags, "file"));
		return { json: diffs, text: formatDiffs(diffs) };
	},
};
