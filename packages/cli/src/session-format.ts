// Human-readable output for sessions, agents, prune results and git results (--json prints the raw objects).
import type { AgentInfo, PruneResult, Session } from "@foundry/client";

export function formatSession(s: Session): string {
	return `${s.id}  ${s.status.padEnd(17)}  ${s.agent.padEnd(10)}  ${(s.model ?? "(default)").padEnd(24)}  ${s.name}`;
}

export function formatAgent(a: AgentInfo): string {
	const models = a.models.length === 0 ? "(no models listed)" : a.models.map((m) => (m === a.defaultModel ? `${m}*` : m)).join(", ");
	const marker = a.scripted ? "  (scripted test agent)" : "";
	return `${a.id.padEnd(10)}  ${(a.installed ? "installed" : "not installed").padEnd(13)}  ${(a.credentialsAvailable ? "credentials" : "no credentials").padEnd(14)}  ${models}${marker}`;
}

export function formatPrune(r: PruneResult, days: number): string {
	const age = `${days} day${days === 1 ? "" : "s"}`;
	if (r.taskIds.length === 0) return `no archived tasks older than ${age}`;
	const ids = r.taskIds.map((id) => `  ${id}`);
	return r.dryRun
		? [`would delete ${r.taskIds.length} archived task(s) older than ${age}:`, ...ids, "run again with --yes to delete them"].join("\n")
		: [`deleted ${r.taskIds.length} archived task(s) older than ${age}:`, ...ids].join("\n");
}

export function formatDiffs(diffs: Array<{ path: string; diff: string }>): string {
	if (diffs.length === 0) return "no changes";
	return diffs.map((d) => (d.diff.trim().length === 0 ? `${d.path}: no textual diff` : d.diff.replace(/\n$/, ""))).join("\n");
}
