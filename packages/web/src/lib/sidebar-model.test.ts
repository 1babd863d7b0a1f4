import type { Repo, TaskSummary } from "@foundry/client";
import { describe, expect, it } from "vitest";
import { sidebarRows } from "./sidebar-model.ts";

const repo = (id: string, name: string): Repo => ({ id, url: `https://github.com/${name}`, name, kind: "remote", source: "github", createdAt: 0, updatedAt: 0, credentialSet: false });
const task = (id: string, repoId: string, title: string, status: TaskSummary["status"], updatedAt: number): TaskSummary => ({
	id,
	repoId,
	title,
	status,
	branch: `feat/${id}`,
	owner: "u1",
	ownerLogin: "octocat",
	ownerAvatarUrl: null,
	updatedAt,
	prState: null,
	prNumber: id === "t2" ? 12 : null,
	prUrl: null,
	reviewDecision: null,
	headSha: null,
	version: 1,
});

const repos = [repo("r2", "acme/widgets"), repo("r1", "acme/docs")];
const tasks = [task("t1", "r2", "fix typo", "idle", 1), task("t2", "r2", "login redirect", "running", 5), task("t3", "r1", "old", "archived", 3)];

describe("sidebarRows", () => {
	it("lists repositories by name, each with its tasks newest first; archived ones only when asked", () => {
		const rows = sidebarRows(repos, tasks, "", "active");
		expect(rows.map((r) => r.key)).toEqual(["repo:r1", "repo:r2", "task:t2", "task:t1"]);
		expect(sidebarRows(repos, tasks, "", "all").map((r) => r.key)).toContain("task:t3");
	});

	it("searches titles, branches, owners and PR numbers, leaving out repositories without a match", () => {
		expect(sidebarRows(repos, tasks, "typo", "active").map((r) => r.key)).toEqual(["repo:r2", "task:t1"]);
		expect(sidebarRows(repos, tasks, "#12", "active").map((r) => r.key)).toEqual(["repo:r2", "task:t2"]);
	});

	it("filters by status and folds collapsed repositories", () => {
		expect(sidebarRows(repos, tasks, "", "running").filter((r) => r.type === "task").map((r) => r.key)).toEqual(["task:t2"]);
		expect(sidebarRows(repos, tasks, "", "active", new Set(["r2"])).map((r) => r.key)).toEqual(["repo:r1", "repo:r2"]);
	});
});
