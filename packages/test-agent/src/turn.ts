// Runs one prompt turn: the parsed commands in order, replies streamed through the context.
import { appendFile, mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { RequestError } from "@agentclientprotocol/sdk";
import type {
	RequestPermissionRequest,
	RequestPermissionResponse,
	SessionUpdate,
	StopReason,
} from "@agentclientprotocol/sdk";
import { commitAll, GitError } from "./git.ts";
import { listReply, readReply, runReply } from "./hostile.ts";
import type { Command } from "./script.ts";

/**
 * JSON-RPC error code for `fail` and failed commands. Not -32000: ACP reserves it for
 * "auth required" and sandbox-agent's client prefixes such messages with "Authentication required: ".
 */
export const SCRIPT_ERROR_CODE = -32050;

export interface TurnContext {
	sessionId: string;
	cwd: string;
	/** Aborted when the client sends session/cancel for this session. */
	signal: AbortSignal;
	update(update: SessionUpdate): Promise<void>;
	requestPermission(request: RequestPermissionRequest): Promise<RequestPermissionResponse>;
	nextToolCallId(): string;
}

const PERMISSION_OPTIONS: RequestPermissionRequest["options"] = [
	{ optionId: "allow_once", name: "Allow once", kind: "allow_once" },
	{ optionId: "allow_always", name: "Always allow", kind: "allow_always" },
	{ optionId: "reject_once", name: "Reject", kind: "reject_once" },
];

function say(ctx: TurnContext, text: string): Promise<void> {
	return ctx.update({ sessionUpdate: "agent_message_chunk", content: { type: "text", text } });
}

/** Resolves true after ms, false as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
	if (signal.aborted) return Promise.resolve(false);
	return new Promise((done) => {
		const onAbort = () => {
			clearTimeout(timer);
			done(false);
		};
		const timer = setTimeout(() => {
			signal.removeEventListener("abort", onAbort);
			done(true);
		}, ms);
		signal.addEventListener("abort", onAbort, { once: true });
	});
}

function insideCwd(cwd: string, path: string): string {
	const target = resolve(cwd, path);
	const rel = relative(cwd, target);
	if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
		throw RequestError.invalidParams({ path }, `path must stay inside the session cwd: ${path}`);
	}
	return target;
}

/** Returns whether the turn goes on: a "cancelled" answer means the client is cancelling the turn. */
async function ask(ctx: TurnContext, question: string): Promise<boolean> {
	const toolCallId = ctx.nextToolCallId();
	await ctx.update({ sessionUpdate: "tool_call", toolCallId, title: question, kind: "other", status: "pending" });
	const pending = ctx.requestPermission({
		sessionId: ctx.sessionId,
		toolCall: { toolCallId, title: question, kind: "other", status: "pending" },
		options: PERMISSION_OPTIONS,
	});
	const cancelled = new Promise<null>((done) => {
		if (ctx.signal.aborted) done(null);
		ctx.signal.addEventListener("abort", () => done(null), { once: true });
	});
	// On cancel the client still answers the request (ACP: with outcome "cancelled"); a late
	// rejection then has nobody to report to, so it is deliberately observed here.
	pending.catch((error: unknown) => {
		if (!ctx.signal.aborted) return;
		process.stderr.write(`permission request failed after cancel: ${String(error)}\n`);
	});
	const response = await Promise.race([pending, cancelled]);
	const chosen = response?.outcome.outcome === "selected" ? response.outcome.optionId : "cancelled";
	const allowed = chosen.startsWith("allow");
	await ctx.update({ sessionUpdate: "tool_call_update", toolCallId, status: allowed ? "completed" : "failed" });
	await say(ctx, `permission: ${chosen}`);
	// ACP: the client answers "cancelled" when it cancels the prompt turn — that answer can arrive
	// before session/cancel does, so the script must not run its next command in between.
	return chosen !== "cancelled";
}

async function tool(ctx: TurnContext, name: string): Promise<void> {
	const toolCallId = ctx.nextToolCallId();
	await ctx.update({ sessionUpdate: "tool_call", toolCallId, title: name, kind: "other", status: "in_progress", rawInput: { name } });
	await ctx.update({
		sessionUpdate: "tool_call_update",
		toolCallId,
		status: "completed",
		content: [{ type: "content", content: { type: "text", text: `${name} done` } }],
	});
}

async function commit(ctx: TurnContext, message: string): Promise<void> {
	try {
		await say(ctx, `committed ${await commitAll(ctx.cwd, message, ctx.signal)}`);
	} catch (error) {
		if (!(error instanceof GitError)) throw error;
		await say(ctx, error.stderr);
		throw new RequestError(SCRIPT_ERROR_CODE, error.message, { command: "commit", stderr: error.stderr });
	}
}

/** Returns false when the turn was cancelled while the command ran. */
async function runCommand(ctx: TurnContext, command: Command): Promise<boolean> {
	switch (command.kind) {
		case "write": {
			const target = insideCwd(ctx.cwd, command.path);
			await mkdir(dirname(target), { recursive: true });
			await writeFile(target, `${command.content}\n`);
			await say(ctx, `wrote ${command.path}`);
			return true;
		}
		case "append": {
			const target = insideCwd(ctx.cwd, command.path);
			await mkdir(dirname(target), { recursive: true });
			await appendFile(target, `${command.content}\n`);
			await say(ctx, `appended ${command.path}`);
			return true;
		}
		case "delete":
			await rm(insideCwd(ctx.cwd, command.path), { recursive: true, force: true });
			await say(ctx, `deleted ${command.path}`);
			return true;
		case "commit":
			await commit(ctx, command.message);
			return true;
		case "slow":
			for (let i = 1; i <= command.count; i++) {
				if (ctx.signal.aborted) return false;
				await say(ctx, `chunk ${i}/${command.count}`);
				if (i < command.count && !(await sleep(command.intervalMs, ctx.signal))) return false;
			}
			return true;
		case "ask":
			return ask(ctx, command.question);
		case "tool":
			await tool(ctx, command.name);
			return true;
		case "fail":
			throw new RequestError(SCRIPT_ERROR_CODE, command.message, { command: "fail" });
		case "sleep":
			return sleep(command.ms, ctx.signal);
		case "read":
			await say(ctx, await readReply(ctx.cwd, command.path));
			return true;
		case "list":
			await say(ctx, await listReply(ctx.cwd, command.path));
			return true;
		case "run":
			await say(ctx, await runReply(ctx.cwd, command.line, ctx.signal));
			return !ctx.signal.aborted;
		case "echo":
			await say(ctx, `echo: ${command.line}`);
			return true;
	}
}

export async function runTurn(ctx: TurnContext, commands: readonly Command[]): Promise<StopReason> {
	for (const command of commands) {
		if (ctx.signal.aborted) return "cancelled";
		if (!(await runCommand(ctx, command))) return "cancelled";
	}
	return ctx.signal.aborted ? "cancelled" : "end_turn";
}
