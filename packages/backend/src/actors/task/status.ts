// The task status machine. Archived is left only through unarchive.
import { preconditionFailed, type TaskStatus } from "@foundry/shared";

const TRANSITIONS: Record<TaskStatus, readonly TaskStatus[]> = {
	idle: ["running", "archived"],
	running: ["idle", "needs_input", "error", "archived"],
	needs_input: ["running", "idle", "archived"],
	error: ["running", "idle", "archived"],
	archived: [],
};

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
	return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: TaskStatus, to: TaskStatus): void {
	if (!canTransition(from, to)) {
		const hint = from === "archived" ? " (unarchive the task first)" : "";
		throw preconditionFailed(`task cannot go from '${from}' to '${to}'${hint}`, { from, to });
	}
}
