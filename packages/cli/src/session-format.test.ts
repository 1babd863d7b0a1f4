import type { AgentInfo, Session } from "@foundry/client";
import { describe, expect, it } from "vitest";
import { formatAgent, formatDiffs, formatPrune, formatSession } from "./session-format.ts";

describe("session formatting", () => {
	it("shows a session's id, status, agent, model and name", () => {
		const s: Session = { id: "s_aaaaaaaaaa", taskId: "t_1", name: "fix tests", agent: "claude", model: null, status: "running", error: null, createdBy: "u", createdAt: 0, updatedAt: 0, version: 1 };
		expect(formatSession(s)).toMatch(/^s_aaaaaaaaaa {2}running {12}claude {6}\(default\) +fix tests$/);
		expect(formatSession({ ...s, model: "opus" })).toContain("  opus ");
	});

	it("shows an agent's install and credential state, models (default starred) and the scripted marker", () => {
		const a: AgentInfo = { id: "pi", installed: true, credentialsAvailable: false, models: ["m1", "m2"], defaultModel: "m2", scripted: true };
		expect(formatAgent(a)).toBe("pi          installed      no credentials  m1, m2*  (scripted test agent)");
		expect(formatAgent({ ...a, installed: false, credentialsAvailable: true, models: [], scripted: false })).toBe(
			"pi          not installed  credentials     (no models listed)",
		);
	});

	it("says what prune would do, did, or that nothing is old enough", () => {
		expect(formatPrune({ taskIds: ["t_1", "t_2"], dryRun: true }, 30)).toBe(
			"would delete 2 archived task(s) older than 30 days:\n  t_1\n  t_2\nrun again with --yes to delete them",
		);
		expect(formatPrune({ taskIds: ["t_1"], dryRun: false }, 1)).toBe("deleted 1 archived task(s) older than 1 day:\n  t_1");
		expect(formatPrune({ taskIds: [], dryRun: true }, 30)).toBe("no archived tasks older than 30 days");
	});

	it("prints diffs as they are, or no changes", () => {
		expect(formatDiffs([])).toBe("no changes");
		expect(formatDiffs([{ path: "a.ts", diff: "diff --git a/a.ts b/a.ts\n+x\n" }, { path: "b.bin", diff: "" }])).toBe(
			"diff --git a/a.ts b/a.ts\n+x\nb.bin: no textual diff",
		);
	});
});
