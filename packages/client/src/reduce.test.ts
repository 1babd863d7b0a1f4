import type { BillingState, OrganizationSnapshot, TaskSummary } from "@foundry/shared";
import { describe, expect, it } from "vitest";
import { applyChange } from "./reduce.ts";

const task = (id: string, updatedAt: number, status: TaskSummary["status"] = "idle"): TaskSummary => ({
	id, repoId: "r_1", title: id, status, branch: id, owner: "o", ownerLogin: "o", ownerAvatarUrl: null, prNumber: null, prUrl: null, reviewDecision: null, headSha: null, updatedAt, prState: null, version: 1,
});
const billing = { plan: "free", status: "none", seats: 1, seatHolders: [] } as unknown as BillingState;
const empty: OrganizationSnapshot = { orgId: "o", version: 0, account: null, memberCount: 0, github: null, settings: { archiveOnPrClose: true, autoSendFollowUps: false }, billing, repos: [], tasks: [], openRuntimeIssues: 0 };

describe("applyChange", () => {
	it("upserts tasks newest first and drops archived ones", () => {
		let s = applyChange(empty, 1, { type: "taskUpserted", task: task("a", 1) });
		s = applyChange(s, 2, { type: "taskUpserted", task: task("b", 2) });
		expect(s.tasks.map((t) => t.id)).toEqual(["b", "a"]);
		s = applyChange(s, 3, { type: "taskUpserted", task: task("a", 3) });
		expect(s.tasks.map((t) => t.id)).toEqual(["a", "b"]);
		s = applyChange(s, 4, { type: "taskUpserted", task: task("b", 4, "archived") });
		expect(s.tasks.map((t) => t.id)).toEqual(["a"]);
		expect(s.version).toBe(4);
	});

	it("upserts repos and sets the runtime issue count without mutating the input", () => {
		const repo = { id: "r_1", url: "u", name: "n", kind: "remote" as const, source: "manual" as const, createdAt: 1, updatedAt: 1, credentialSet: false };
		const s = applyChange(empty, 1, { type: "repoUpserted", repo });
		const s2 = applyChange(s, 2, { type: "runtimeIssues", openCount: 3 });
		expect(s2).toMatchObject({ version: 2, openRuntimeIssues: 3, repos: [repo] });
		expect(empty.repos).toEqual([]);
	});

	it("applies batches of task upserts and removals (GitHub sync)", () => {
		let s = applyChange(empty, 1, { type: "tasksUpserted", tasks: [task("a", 1), task("b", 2), task("c", 3)] });
		expect(s.tasks.map((t) => t.id)).toEqual(["c", "b", "a"]);
		s = applyChange(s, 2, { type: "tasksRemoved", taskIds: ["b"] });
		expect(s.tasks.map((t) => t.id)).toEqual(["c", "a"]);
		expect(s.version).toBe(2);
		s = applyChange(s, 3, { type: "settings", settings: { archiveOnPrClose: false, autoSendFollowUps: false } });
		expect(s.settings).toEqual({ archiveOnPrClose: false, autoSendFollowUps: false });
	});
});
