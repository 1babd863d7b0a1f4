// One status vocabulary for the web UI and the CLI (docs: design/workbench.md): a mark and a word
// go with every colour, so colour is never the only signal.
import type { SessionStatus } from "./schemas/session.ts";
import type { TaskStatus } from "./schemas/task.ts";

/** Semantic colour roles; the UI maps them to theme tokens, the CLI to ANSI colours. */
export type StatusTone = "accent" | "attention" | "danger" | "muted";

export interface StatusView {
	mark: string;
	label: string;
	tone: StatusTone;
	/** The running mark pulses in the UI. */
	live: boolean;
}

const TASK_STATUS: Record<TaskStatus, StatusView> = {
	running: { mark: "●", label: "running", tone: "accent", live: true },
	needs_input: { mark: "◆", label: "needs input", tone: "attention", live: false },
	error: { mark: "▲", label: "error", tone: "danger", live: false },
	idle: { mark: "○", label: "idle", tone: "muted", live: false },
	archived: { mark: "◌", label: "archived", tone: "muted", live: false },
};

export function taskStatusView(status: TaskStatus): StatusView {
	return TASK_STATUS[status];
}

const SESSION_STATUS: Record<SessionStatus, StatusView> = {
	pending_provision: { mark: "◍", label: "starting", tone: "accent", live: true },
	ready: { mark: "○", label: "ready", tone: "muted", live: false },
	running: TASK_STATUS.running,
	needs_input: TASK_STATUS.needs_input,
	idle: TASK_STATUS.idle,
	error: TASK_STATUS.error,
	closed: { mark: "◌", label: "closed", tone: "muted", live: false },
};

export function sessionStatusView(status: SessionStatus): StatusView {
	return SESSION_STATUS[status];
}

export type PrTone = "open" | "draft" | "merged" | "closed";

/** A PR badge's word and GitHub's colour role; null when the task has no PR. */
export function prView(state: string | null, number: number | null): { label: string; tone: PrTone } | null {
	if (state === null || number === null) return null;
	const tone: PrTone = state === "merged" ? "merged" : state === "closed" ? "closed" : state === "draft" ? "draft" : "open";
	return { label: `#${number} ${tone}`, tone };
}
