// The prompt language of the scripted agent: one command per line, run in order. Parsing is pure
// so the same rules serve the agent, tests and the `pnpm dev` help text.
import { z } from "zod";

export interface CommandHelp {
	name: string;
	usage: string;
	description: string;
}

/** Every command the scripted agent understands (anything else is echoed back). */
export const COMMANDS: readonly CommandHelp[] = [
	{ name: "write", usage: "write <path> <content...>", description: "write content + newline to path (mkdir -p), relative to the session cwd; replies `wrote <path>`" },
	{ name: "append", usage: "append <path> <content...>", description: "append content + newline to path; replies `appended <path>`" },
	{ name: "delete", usage: "delete <path>", description: "remove path (recursively); replies `deleted <path>`" },
	{ name: "commit", usage: "commit <message...>", description: "`git add -A && git commit -m <message>` in the cwd; replies `committed <short sha>`, on failure git's stderr and a JSON-RPC error" },
	{ name: "slow", usage: "slow <n> [ms=200]", description: "stream `chunk i/n` n times, ms apart; stops on session/cancel (stopReason cancelled)" },
	{ name: "ask", usage: "ask <question...>", description: "tool call + session/request_permission (allow_once, allow_always, reject_once); replies `permission: <optionId|cancelled>`" },
	{ name: "tool", usage: "tool <name>", description: "emit a tool_call and its completed tool_call_update" },
	{ name: "fail", usage: "fail <message...>", description: "fail the prompt request with a JSON-RPC error carrying the message" },
	{ name: "sleep", usage: "sleep <ms>", description: "wait ms (cancellable)" },
	// Hostile on purpose: what an untrusted agent would try. Paths are not confined to the cwd, so
	// tests can prove the sandbox (not the agent) stops them.
	{ name: "read", usage: "read <path>", description: "reply with the file's content (capped), or `read failed: <error>`; relative to the cwd, any path allowed" },
	{ name: "list", usage: "list <path>", description: "reply `listed <path>: <JSON array of entry names>`, or `list failed: <error>`; any path allowed" },
	{ name: "run", usage: "run <shell line...>", description: "`sh -c <line>` in the cwd; replies `exit <code>` then `--- stdout` / `--- stderr` (each capped)" },
];

export type Command =
	| { kind: "write"; path: string; content: string }
	| { kind: "append"; path: string; content: string }
	| { kind: "delete"; path: string }
	| { kind: "commit"; message: string }
	| { kind: "slow"; count: number; intervalMs: number }
	| { kind: "ask"; question: string }
	| { kind: "tool"; name: string }
	| { kind: "fail"; message: string }
	| { kind: "sleep"; ms: number }
	| { kind: "read"; path: string }
	| { kind: "list"; path: string }
	| { kind: "run"; line: string }
	| { kind: "echo"; line: string };

/** A known command with missing or invalid arguments. */
export class ScriptSyntaxError extends Error {
	constructor(
		readonly line: string,
		readonly usage: string,
	) {
		super(`invalid command \`${line}\`; usage: ${usage}`);
		this.name = "ScriptSyntaxError";
	}
}

const digits = z.string().regex(/^\d+$/).transform(Number);
const count = digits.pipe(z.number().max(100_000));
const millis = digits.pipe(z.number().max(600_000));
const word = z.string().min(1);

function usageOf(name: string): string {
	return COMMANDS.find((c) => c.name === name)?.usage ?? name;
}

/** Parses one non-empty, trimmed line. Throws ScriptSyntaxError for a known command with bad args. */
export function parseLine(line: string): Command {
	const match = /^(\S+)(?:\s+(.*))?$/s.exec(line);
	const name = match?.[1] ?? "";
	const rest = match?.[2] ?? "";
	const bad: () => never = () => {
		throw new ScriptSyntaxError(line, usageOf(name));
	};
	const [first = "", ...others] = rest.split(/\s+/).filter((part) => part.length > 0);
	const tail = (/^\S+\s+(.*)$/s.exec(rest)?.[1] ?? "").trim();
	switch (name) {
		case "write":
		case "append":
			if (!word.safeParse(first).success || tail.length === 0) bad();
			return { kind: name, path: first, content: tail };
		case "delete":
			if (!word.safeParse(first).success || others.length > 0) bad();
			return { kind: "delete", path: first };
		case "commit":
			if (rest.trim().length === 0) bad();
			return { kind: "commit", message: rest.trim() };
		case "ask":
			if (rest.trim().length === 0) bad();
			return { kind: "ask", question: rest.trim() };
		case "fail":
			if (rest.trim().length === 0) bad();
			return { kind: "fail", message: rest.trim() };
		case "read":
		case "list":
			// The whole rest is the path: a hostile path may contain spaces.
			if (rest.trim().length === 0) bad();
			return { kind: name, path: rest.trim() };
		case "run":
			if (rest.trim().length === 0) bad();
			return { kind: "run", line: rest.trim() };
		case "slow": {
			const n = count.safeParse(first);
			const ms = millis.safeParse(others[0] ?? "200");
			if (!n.success || !ms.success || others.length > 1) bad();
			return { kind: "slow", count: n.data, intervalMs: ms.data };
		}
		case "tool":
			if (!word.safeParse(first).success || others.length > 0) bad();
			return { kind: "tool", name: first };
		case "sleep": {
			const ms = millis.safeParse(first);
			if (!ms.success || others.length > 0) bad();
			return { kind: "sleep", ms: ms.data };
		}
		default:
			return { kind: "echo", line };
	}
}

/** Splits prompt text into commands; blank lines are skipped, lines are trimmed. */
export function parseScript(text: string): Command[] {
	return text
		.split(/\r?\n/)
		.map((line) => line.trim())
		.filter((line) => line.length > 0)
		.map(parseLine);
}
