import { describe, expect, it } from "vitest";
import { COMMANDS, parseLine, parseScript, ScriptSyntaxError } from "../src/index.ts";

describe("script parsing", () => {
	it("parses every command, trims lines and skips blank ones", () => {
		const script = [
			"  write src/a.ts export const a = 1;  ",
			"append notes.md more  text",
			"",
			"delete old.txt",
			"commit fix: the thing",
			"slow 3",
			"slow 2 10",
			"ask may I?",
			"tool grep",
			"fail no luck",
			"sleep 50",
			"read /proc/1/environ",
			"list ../other sandbox",
			"run cat /etc/shadow | head -1",
			"what is this",
		].join("\r\n");
		expect(parseScript(script)).toEqual([
			{ kind: "write", path: "src/a.ts", content: "export const a = 1;" },
			{ kind: "append", path: "notes.md", content: "more  text" },
			{ kind: "delete", path: "old.txt" },
			{ kind: "commit", message: "fix: the thing" },
			{ kind: "slow", count: 3, intervalMs: 200 },
			{ kind: "slow", count: 2, intervalMs: 10 },
			{ kind: "ask", question: "may I?" },
			{ kind: "tool", name: "grep" },
			{ kind: "fail", message: "no luck" },
			{ kind: "sleep", ms: 50 },
			{ kind: "read", path: "/proc/1/environ" },
			{ kind: "list", path: "../other sandbox" },
			{ kind: "run", line: "cat /etc/shadow | head -1" },
			{ kind: "echo", line: "what is this" },
		]);
	});

	it.each(["write onlypath", "delete", "delete a b", "commit", "slow", "slow x", "slow 2 1.5", "slow -1", "sleep", "tool", "tool a b", "ask", "fail", "read", "list", "run"])(
		"rejects `%s` with its usage",
		(line) => {
			expect(() => parseLine(line)).toThrow(ScriptSyntaxError);
		},
	);

	it("documents every command it parses", () => {
		expect(COMMANDS.map((c) => c.name)).toEqual(["write", "append", "delete", "commit", "slow", "ask", "tool", "fail", "sleep", "read", "list", "run"]);
	});
});
