// Argument parsing for the CLI: global flags, then a command path and its options.
import { parseArgs } from "node:util";
import { sessionIdSchema } from "@foundry/client";

export class UsageError extends Error {
	override name = "UsageError";
}

export interface ParsedArgs {
	command: string[];
	flags: Record<string, string | boolean | undefined>;
}

const OPTIONS = {
	json: { type: "boolean" },
	endpoint: { type: "string" },
	org: { type: "string" },
	help: { type: "boolean", short: "h" },
	repo: { type: "string" },
	title: { type: "string" },
	branch: { type: "string" },
	status: { type: "string" },
	all: { type: "boolean" },
	task: { type: "string" },
	kind: { type: "string" },
	limit: { type: "string" },
	cursor: { type: "string" },
	token: { type: "string" },
	"token-stdin": { type: "boolean" },
	username: { type: "string" },
	timeout: { type: "string" },
	"expires-in-days": { type: "string" },
	agent: { type: "string" },
	model: { type: "string" },
	name: { type: "string" },
	session: { type: "string" },
	always: { type: "boolean" },
	reject: { type: "boolean" },
	draft: { type: "boolean" },
	method: { type: "string" },
	file: { type: "string" },
	"older-than": { type: "string" },
	"no-session": { type: "boolean" },
	yes: { type: "boolean" },
	seats: { type: "string" },
	by: { type: "string" },
} as const;

export function parseCli(argv: string[]): ParsedArgs {
	try {
		const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
		return { command: positionals, flags: values };
	} catch (err) {
		throw new UsageError(err instanceof Error ? err.message : String(err));
	}
}

export function stringFlag(flags: ParsedArgs["flags"], name: string): string | undefined {
	const v = flags[name];
	return typeof v === "string" ? v : undefined;
}

export function intFlag(flags: ParsedArgs["flags"], name: string): number | undefined {
	const v = stringFlag(flags, name);
	if (v === undefined) return undefined;
	const n = Number(v);
	if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer, got '${v}'`);
	return n;
}

export function positional(args: string[], index: number, what: string): string {
	const v = args[index];
	if (v === undefined || v.length === 0) throw new UsageError(`missing ${what}`);
	return v;
}

export const DEFAULT_PRUNE_DAYS = 30;

/** `--older-than`: a number of days, `30` or `30d` (default 30). */
export function olderThanDays(flags: ParsedArgs["flags"]): number {
	const v = stringFlag(flags, "older-than");
	if (v === undefined) return DEFAULT_PRUNE_DAYS;
	const m = /^(\d{1,4})d?$/.exec(v.trim());
	const days = m?.[1] === undefined ? Number.NaN : Number(m[1]);
	if (!Number.isInteger(days) || days > 3650) throw new UsageError(`--older-than must be a number of days (e.g. 30 or 30d, at most 3650), got '${v}'`);
	return days;
}

/** The text after the first `from` positionals (a message, a title …), joined; fails when empty. */
export function restText(args: string[], from: number, what: string): string {
	const text = args.slice(from).join(" ");
	if (text.trim().length === 0) throw new UsageError(`missing ${what}`);
	return text;
}

/** An object without its undefined fields (inputs are strict: absent, not undefined). */
export function defined<T extends Record<string, unknown>>(obj: T): Partial<T> {
	return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `--session`: checked before any request, so a malformed id is a usage error. */
export function sessionFlag(flags: ParsedArgs["flags"]): string | undefined {
	const v = stringFlag(flags, "session");
	if (v === undefined) return undefined;
	const parsed = sessionIdSchema.safeParse(v);
	if (!parsed.success) throw new UsageError(`--session: not a session id: '${v}' (they look like s_xxxxxxxxxx)`);
	return parsed.data;
}
