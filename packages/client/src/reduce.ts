// Applying organization change events to a snapshot (pure; unit-tested).
import type { OrganizationChange, OrganizationSnapshot, TaskSummary } from "@foundry/shared";

export function applyChange(snapshot: OrganizationSnapshot, version: number, change: OrganizationChange): OrganizationSnapshot {
	switch (change.type) {
		case "repoUpserted":
			return { ...snapshot, version, repos: upsertById(snapshot.repos, change.repo) };
		case "taskUpserted": {
			const others = snapshot.tasks.filter((t) => t.id !== change.task.id);
			const tasks = change.task.status === "archived" ? others : sortTasks([...others, change.task]);
			return { ...snapshot, version, tasks };
		}
		case "account":
			return { ...snapshot, version, account: change.account, memberCount: change.memberCount };
		case "settings":
			return { ...snapshot, version, settings: change.settings };
		case "billing":
			return { ...snapshot, version, billing: change.billing };
		case "github":
			return { ...snapshot, version, github: change.status };
		case "tasksUpserted":
			return change.tasks.reduce((s, task) => applyChange(s, version, { type: "taskUpserted", task }), snapshot);
		case "tasksRemoved": {
			const gone = new Set(change.taskIds);
			return { ...snapshot, version, tasks: snapshot.tasks.filter((t) => !gone.has(t.id)) };
		}
		case "runtimeIssues":
			return { ...snapshot, version, openRuntimeIssues: change.openCount };
	}
}

function upsertById<T extends { id: string }>(items: T[], item: T): T[] {
	const i = items.findIndex((x) => x.id === item.id);
	if (i === -1) return [...items, item];
	const copy = [...items];
	copy[i] = item;
	return copy;
}

/** Same order as the backend's listTasks: most recently updated first. */
export function sortTasks(tasks: TaskSummary[]): TaskSummary[] {
	return [...tasks].sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : -1));
}
