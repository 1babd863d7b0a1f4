// Argument parsing: the new flags, `--older-than`, free text, and three-word commands.
import { describe, expect, it } from "vitest";
import { DEFAULT_PRUNE_DAYS, defined, olderThanDays, parseCli, restText, sessionFlag, UsageError } from "./args.ts";
import { findCommand } from "./commands.ts";

describe("parseCli", () => {
	it("reads the session, agent and git flags", () => {
		const a = parseCli(["task", "allow", "t_1", "r_1", "--session", "s_1", "--always", "--method", "squash", "--older-than", "7d", "--yes", "--draft"]);
		expect(a.command).toEqual(["task", "allow", "t_1", "r_1"]);
		expect(a.flags).toMatchObject({ session: "s_1", always: true, method: "squash", "older-than": "7d", yes: true, draft: true });
	});

	it("refuses unknown flags as usage errors", () => {
		expect(() => parseCli(["task", "pr", "t_1", "--drafty"])).toThrow(UsageError);
	});
});

describe("olderThanDays", () => {
	const days = (v?: string) => olderThanDays(v === undefined ? {} : { "older-than": v });

	it("accepts N and Nd, default 30", () => {
		expect(days()).toBe(DEFAULT_PRUNE_DAYS);
		expect(days("30d")).toBe(30);
		expect(days("7")).toBe(7);
		expect(days("0d")).toBe(0);
		expect(days(" 90d ")).toBe(90);
	});

	it("refuses anything else with a usage error", () => {
		for (const bad of ["", "d", "3w", "-1", "1.5", "30dd", "3651", "abc"]) {
			expect(() => days(bad), bad).toThrow(/--older-than must be a number of days/);
		}
	});
});

describe("restText and defined", () => {
	it("joins the remaining positionals and refuses an empty text", () => {
		expect(restText(["task", "send", "t_1", "fix", "the", "bug"], 3, "message")).toBe("fix the bug");
		expect(() => restText(["task", "send", "t_1"], 3, "message text")).toThrow("missing message text");
		expect(() => restText(["task", "send", "t_1", "  "], 3, "message text")).toThrow(UsageError);
	});

	it("drops undefined fields only", () => {
		expect(defined({ agent: "pi", model: undefined, name: "" })).toEqual({ agent: "pi", name: "" });
	});
});

describe("sessionFlag", () => {
	it("passes a session id and refuses anything else as a usage error", () => {
		expect(sessionFlag({})).toBeUndefined();
		expect(sessionFlag({ session: "s_abcdefgh12" })).toBe("s_abcdefgh12");
		for (const bad of ["nope", "s_ABCDEFGH12", "s_short", ""]) expect(() => sessionFlag({ session: bad }), bad).toThrow(UsageError);
	});
});

describe("findCommand", () => {
	it("prefers the longest known command path", () => {
		const table = { "task session new": 3, "task sessions": 2, "task send": 2, agents: 1 };
		expect(findCommand(table, ["task", "session", "new", "t_1"])).toEqual({ name: "task session new", run: 3 });
		expect(findCommand(table, ["task", "sessions", "t_1"])?.name).toBe("task sessions");
		expect(findCommand(table, ["agents"])?.name).toBe("agents");
		expect(findCommand(table, ["task", "session", "t_1"])).toBeNull();
	});
});
