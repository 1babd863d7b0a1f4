import type { ChangesSummary, GitOpResult, Session, TaskRecord } from "@foundry/shared";
import { describe, expect, it } from "vitest";
import { TaskEventState } from "./task-events.ts";

const session = (id: string, version: number, status: Session["status"] = "idle", updatedAt = version): Session => ({
	id, taskId: "t_aaaaaaaaaa", name: id, agent: "pi", model: null, status, error: null, createdBy: "u", createdAt: 1, updatedAt, version,
});
const git = (op: GitOpResult["op"], at: number, ok = true): GitOpResult => ({ op, ok, message: `${op}@${at}`, at });
const changes = (computedAt: number): ChangesSummary => ({ files: [], ahead: 0, computedAt });

function recorder() {
	const seen: string[] = [];
	const state = new TaskEventState({
		onTask: (t) => seen.push(`task v${t.version}`),
		onSession: (s) => seen.push(`${s.id} v${s.version} ${s.status}`),
		onGitResult: (r) => seen.push(r.message),
		onChanges: (c) => seen.push(`changes@${c.computedAt}`),
	});
	return { seen, state };
}

describe("TaskEventState", () => {
	it("delivers only newer task, session and changes states", () => {
		const { seen, state } = recorder();
		state.task({ version: 2 } as TaskRecord);
		state.task({ version: 1 } as TaskRecord);
		state.session(session("a", 3, "running"));
		state.session(session("b", 1));
		state.session(session("a", 2));
		state.session(session("a", 4, "idle"));
		// The task renames and closes sessions without a new version: a later update time counts.
		state.session(session("a", 4, "closed", 9));
		state.session(session("a", 4, "idle", 9));
		state.changes(null);
		state.changes(changes(5));
		state.changes(changes(5));
		expect(seen).toEqual(["task v2", "a v3 running", "b v1 idle", "a v4 idle", "a v4 closed", "changes@5"]);
	});

	it("delivers git results once each, and none that happened before subscribing", () => {
		const { seen, state } = recorder();
		state.gitResult(git("push", 30));
		state.storedGitResults([git("push", 10), git("push", 30)]);
		state.gitResult(git("push", 10));
		state.gitResult(git("push", 30));
		state.gitResult(git("merge_pr", 40, false));
		// After a reconnect: the stored ones not yet seen, oldest first.
		state.storedGitResults([git("revert_file", 60), git("push", 30), git("publish_pr", 50)]);
		expect(seen).toEqual(["push@30", "merge_pr@40", "publish_pr@50", "revert_file@60"]);
	});
});
