// The CLI's commands: each takes parsed args and a client, and returns what to print.
import { auditKindSchema, type FoundryClient, taskStatusSchema } from "@foundry/client";
import { intFlag, type ParsedArgs, positional, stringFlag, UsageError } from "./args.ts";
import type { CliContext } from "./context.ts";
import { formatAudit, formatRepo, formatSummary, formatTask } from "./format.ts";

export interface Output {
	json: unknown;
	text: string;
}

type Command = (client: FoundryClient, args: ParsedArgs) => Promise<Output>;
/** A command that needs more than a client (streaming output, notices, Ctrl-C). */
export type ContextCommand = (ctx: CliContext) => Promise<Output>;

const lines = <T>(items: T[], fmt: (t: T) => string, empty: string) =>
	items.length === 0 ? empty : items.map(fmt).join("\n");

export const COMMANDS: Record<string, Command> = {
	"repo add": async (c, a) => {
		const repo = await c.repos.add(positional(a.command, 2, "repository URL or path"));
		return { json: repo, text: `added ${formatRepo(repo)}` };
	},
	"repo list": async (c) => {
		const repos = await c.repos.list();
		return { json: repos, text: lines(repos, formatRepo, "no repositories") };
	},
	"task create": async (c, a) => {
		const repo = stringFlag(a.flags, "repo");
		if (!repo) throw new UsageError("task create needs --repo <id|url>");
		const task = await c.tasks.create({
			repo,
			prompt: a.command.slice(2).join(" "),
			title: stringFlag(a.flags, "title"),
			branch: stringFlag(a.flags, "branch"),
			agent: stringFlag(a.flags, "agent"),
			model: stringFlag(a.flags, "model"),
			startSession: a.flags["no-session"] !== true,
		});
		const started = a.flags["no-session"] === true ? "" : " (first session starting; `foundry task watch` to follow it)";
		return { json: task, text: `created ${task.id} on branch ${task.branch}: ${task.title}${started}` };
	},
	"task list": async (c, a) => {
		const tasks = await c.tasks.list({
			repo: stringFlag(a.flags, "repo"),
			status: enumFlag(a, "status", taskStatusSchema.options),
			includeArchived: a.flags.all === true,
		});
		return { json: tasks, text: lines(tasks, formatSummary, "no tasks") };
	},
	"task show": async (c, a) => {
		const task = await c.tasks.get(positional(a.command, 2, "task id"));
		return { json: task, text: formatTask(task) };
	},
	"task rename": async (c, a) => {
		const id = positional(a.command, 2, "task id");
		const title = a.command.slice(3).join(" ");
		if (title.trim().length === 0) throw new UsageError("missing new title");
		const task = await c.tasks.rename(id, title);
		return { json: task, text: `renamed ${task.id}: ${task.title}` };
	},
	"task archive": async (c, a) => {
		const task = await c.tasks.archive(positional(a.command, 2, "task id"));
		return { json: task, text: `archived ${task.id}` };
	},
	"task unarchive": async (c, a) => {
		const task = await c.tasks.unarchive(positional(a.command, 2, "task id"));
		return { json: task, text: `unarchived ${task.id}` };
	},
	audit: async (c, a) => {
		const page = await c.audit.list({
			taskId: stringFlag(a.flags, "task"),
			repoId: stringFlag(a.flags, "repo"),
			kind: enumFlag(a, "kind", auditKindSchema.options),
			limit: intFlag(a.flags, "limit"),
			cursor: stringFlag(a.flags, "cursor"),
		});
		const more = page.nextCursor ? `\n(more: --cursor ${page.nextCursor})` : "";
		return { json: page, text: lines(page.events, formatAudit, "no audit events") + more };
	},
	"issues list": async (c, a) => {
		const issues = await c.runtimeIssues.list({ includeCleared: a.flags.all === true });
		const fmt = (i: (typeof issues)[number]) =>
			`#${i.id}  ${i.code}  ${i.actorName}[${i.actorKey.join("/")}] ${i.command}: ${i.message}`;
		return { json: issues, text: lines(issues, fmt, "no open runtime issues") };
	},
	"issues clear": async (c, a) => {
		const ids = a.command.slice(2).map((s) => {
			const n = Number(s);
			if (!Number.isInteger(n) || n <= 0) throw new UsageError(`not an issue id: '${s}'`);
			return n;
		});
		const res = await c.runtimeIssues.clear(ids.length > 0 ? ids : undefined);
		return { json: res, text: `cleared ${res.cleared} runtime issue(s)` };
	},
	health: async (c) => {
		const h = await c.health();
		return { json: h, text: `${h.status}: version ${h.version}, engine ${h.engine.reachable ? "reachable" : "UNREACHABLE"}` };
	},
};

export function enumFlag<T extends string>(a: ParsedArgs, name: string, allowed: readonly T[]): T | undefined {
	const value = stringFlag(a.flags, name);
	if (value === undefined) return undefined;
	const match = allowed.find((x) => x === value);
	if (!match) throw new UsageError(`--${name} must be one of ${allowed.join(", ")}`);
	return match;
}

export function findCommand<T>(table: Record<string, T>, path: string[]): { name: string; run: T } | null {
	for (const len of [3, 2, 1]) {
		const name = path.slice(0, len).join(" ");
		const run = table[name];
		if (run) return { name, run };
	}
	return null;
}
