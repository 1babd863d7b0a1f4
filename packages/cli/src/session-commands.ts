// Agent sessions from the CLI: start, list, answer permission requests, stop (sending: send.ts);
// plus killing a task, pruning old tasks and listing the agents sessions can run.
import { type FoundryClient, FoundryError, type Session, type SessionStatus } from "@foundry/client";
import { defined, olderThanDays, positional, sessionFlag, stringFlag, UsageError } from "./args.ts";
import type { ContextCommand } from "./commands.ts";
import type { CliContext } from "./context.ts";
import { formatAgent, formatPrune, formatSession } from "./session-format.ts";

const ENDED: readonly SessionStatus[] = ["closed", "error"];

/**
 * The session a command acts on without --session: the most recently updated one whose status is
 * not in `exclude` (closed or failed), preferring the statuses in `prefer` (in that order).
 */
export function defaultSession(sessions: Session[], prefer: readonly SessionStatus[] = [], exclude: readonly SessionStatus[] = ENDED): Session | null {
	const open = sessions.filter((s) => !exclude.includes(s.status)).sort((a, b) => b.updatedAt - a.updatedAt);
	for (const status of prefer) {
		const match = open.find((s) => s.status === status);
		if (match) return match;
	}
	return open[0] ?? null;
}

/** The session named by --session, else the default one; fails when the task has none. */
export async function pickSession(
	client: FoundryClient,
	taskId: string,
	flag: string | undefined,
	prefer: readonly SessionStatus[] = [],
	exclude: readonly SessionStatus[] = ENDED,
): Promise<Session> {
	const sessions = await client.sessions.list(taskId);
	if (flag !== undefined) {
		const named = sessions.find((s) => s.id === flag);
		if (!named) throw new FoundryError("NOT_FOUND", `task ${taskId} has no session ${flag} (see foundry task sessions ${taskId})`);
		return named;
	}
	const picked = defaultSession(sessions, prefer, exclude);
	if (!picked) throw new FoundryError("NOT_FOUND", `task ${taskId} has no open session; start one with foundry task session new ${taskId}`);
	return picked;
}

/** The permission reply chosen by --always / --reject (default: once). */
export function permissionReply(flags: CliContext["args"]["flags"]): "once" | "always" | "reject" {
	if (flags.always === true && flags.reject === true) throw new UsageError("--always and --reject exclude each other");
	return flags.always === true ? "always" : flags.reject === true ? "reject" : "once";
}

const taskArg = (ctx: CliContext) => positional(ctx.args.command, 2, "task id");

export const SESSION_COMMANDS: Record<string, ContextCommand> = {
	"task session new": async (ctx) => {
		const taskId = positional(ctx.args.command, 3, "task id");
		const f = ctx.args.flags;
		const input = defined({ agent: stringFlag(f, "agent"), model: stringFlag(f, "model"), name: stringFlag(f, "name") });
		const session = await ctx.client().sessions.create(taskId, input);
		return { json: session, text: `${session.id}  ${session.status}` };
	},
	"task sessions": async (ctx) => {
		const sessions = await ctx.client().sessions.list(taskArg(ctx));
		return { json: sessions, text: sessions.length === 0 ? "no sessions" : sessions.map(formatSession).join("\n") };
	},
	"task allow": async (ctx) => {
		const taskId = taskArg(ctx);
		const requestId = positional(ctx.args.command, 3, "permission request id");
		const reply = permissionReply(ctx.args.flags);
		const client = ctx.client();
		const session = await pickSession(client, taskId, sessionFlag(ctx.args.flags), ["needs_input"]);
		const res = await client.sessions.respondPermission(taskId, session.id, requestId, reply);
		return { json: { ...res, sessionId: session.id, requestId, reply }, text: `answered ${requestId} in ${session.id}: ${reply}` };
	},
	"task stop": async (ctx) => {
		const taskId = taskArg(ctx);
		const client = ctx.client();
		const picked = await pickSession(client, taskId, sessionFlag(ctx.args.flags), ["running", "needs_input", "pending_provision"]);
		const session = await client.sessions.stop(taskId, picked.id);
		return { json: session, text: `stop requested for ${session.id}` };
	},
	"task kill": async (ctx) => {
		const task = await ctx.client().tasks.kill(taskArg(ctx));
		return { json: task, text: `killed ${task.id}: ${task.status}` };
	},
	prune: async (ctx) => {
		const days = olderThanDays(ctx.args.flags);
		const result = await ctx.client().tasks.prune({ olderThanDays: days, dryRun: ctx.args.flags.yes !== true });
		return { json: result, text: formatPrune(result, days) };
	},
	agents: async (ctx) => {
		const agents = await ctx.client().agents.list();
		return { json: agents, text: agents.length === 0 ? "no agents" : agents.map(formatAgent).join("\n") };
	},
};
