// Argument parsing for the CLI: global flags, then a command path and its options.
import { parseArgs } from "node:util";

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
	timeout: { type: "string" },
	"expires-in-days": { type: "string" },
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
