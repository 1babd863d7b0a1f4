// The sidebar as rows: repositories, each followed by its tasks (most recent first), filtered by
// the search text and the status filter. Pure (unit-tested); the sidebar virtualizes the rows.
import type { Repo, TaskStatus, TaskSummary } from "@foundry/client";

export type StatusFilter = "active" | "all" | TaskStatus;

export type Row = { type: "repo"; key: string; repo: Repo; count: number } | { type: "task"; key: string; task: TaskSummary };

function matches(task: TaskSummary, query: string, filter: StatusFilter): boolean {
	if (filter === "active" && task.status === "archived") return false;
	if (filter !== "active" && filter !== "all" && task.status !== filter) return false;
	if (query.length === 0) return true;
	const q = query.toLowerCase();
	return task.title.toLowerCase().includes(q) || task.branch.toLowerCase().includes(q) || task.ownerLogin.toLowerCase().includes(q) || String(task.prNumber ?? "") === q.replace(/^#/, "");
}

export function sidebarRows(repos: readonly Repo[], tasks: readonly TaskSummary[], query: string, filter: StatusFilter, collapsed: ReadonlySet<string> = new Set()): Row[] {
	const byRepo = new Map<string, TaskSummary[]>();
	for (const t of tasks) {
		if (!matches(t, query.trim(), filter)) continue;
		byRepo.set(t.repoId, [...(byRepo.get(t.repoId) ?? []), t]);
	}
	const rows: Row[] = [];
	for (const repo of [...repos].sort((a, b) => a.name.localeCompare(b.name))) {
		const list = (byRepo.get(repo.id) ?? []).sort((a, b) => b.updatedAt - a.updatedAt);
		// While searching, repositories without a match are left out.
		if (query.trim().length > 0 && list.length === 0) continue;
		rows.push({ type: "repo", key: `repo:${repo.id}`, repo, count: list.length });
		if (collapsed.has(repo.id)) continue;
		for (const task of list) rows.push({ type: "task", key: `task:${task.id}`, task });
	}
	return rows;
}
