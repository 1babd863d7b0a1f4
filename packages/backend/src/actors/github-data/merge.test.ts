import { QUEUE } from "@foundry/shared";
import { describe, expect, it } from "vitest";
import { mergeOrgMessages } from "./merge.ts";

const pr = (repo: string, n: number) => ({ queue: QUEUE.organization.applyPullRequests, body: { repoFullName: repo, pulls: [n], complete: false } });

describe("mergeOrgMessages", () => {
	it("merges consecutive PR upserts per repository, keeping order within a repository and barriers in place", () => {
		const members = { queue: QUEUE.organization.reconcileMembers, body: { removed: ["x"], reason: "r" } };
		const full = { queue: QUEUE.organization.applyPullRequests, body: { repoFullName: "a/1", pulls: [9], complete: true } };
		const out = mergeOrgMessages([pr("a/1", 1), pr("a/2", 2), pr("a/1", 3), members, pr("a/1", 4), full, pr("a/1", 5)]);
		expect(out).toEqual([
			{ queue: QUEUE.organization.applyPullRequests, body: { repoFullName: "a/1", pulls: [1, 3], complete: false } },
			{ queue: QUEUE.organization.applyPullRequests, body: { repoFullName: "a/2", pulls: [2], complete: false } },
			members,
			{ queue: QUEUE.organization.applyPullRequests, body: { repoFullName: "a/1", pulls: [4], complete: false } },
			full,
			{ queue: QUEUE.organization.applyPullRequests, body: { repoFullName: "a/1", pulls: [5], complete: false } },
		]);
	});
});
