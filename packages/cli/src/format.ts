// Human-readable output for the CLI (--json prints the raw objects instead).
import type { ApiTokenInfo, AuditEvent, Membership, Repo, TaskRecord, TaskSummary } from "@foundry/client";

const time = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);

export function formatRepo(r: Repo): string {
	return `${r.id}  ${r.name.padEnd(30)}  ${r.url}${r.credentialSet ? "  (credential set)" : ""}`;
}

export function formatSummary(t: TaskSummary): string {
	return `${t.id}  ${t.status.padEnd(11)}  ${t.branch.padEnd(40)}  ${t.title}`;
}

export function formatTask(t: TaskRecord): string {
	return [
		`id:       ${t.id}`,
		`title:    ${t.title}`,
		`status:   ${t.status}`,
		`repo:     ${t.repoId} (${t.repoUrl})`,
		`branch:   ${t.branch}`,
		`owner:    ${t.owner}`,
		`created:  ${time(t.createdAt)}`,
		`updated:  ${time(t.updatedAt)}`,
		"prompt:",
		...t.prompt.split("\n").map((l) => `  ${l}`),
	].join("\n");
}

export function formatAudit(e: AuditEvent): string {
	const where = [e.repoId, e.taskId].filter((x) => x !== null).join(" ");
	return `${time(e.at)}  ${e.kind.padEnd(22)}  ${e.actor.padEnd(12)}  ${where}  ${JSON.stringify(e.payload)}`;
}

/** `*` marks the one in use (the active organization, the CLI's own token). */
const mark = (active: boolean) => (active ? "*" : " ");

export function formatMembership(m: Membership, active: boolean): string {
	return `${mark(active)} ${m.orgId.padEnd(24)}  ${m.role.padEnd(6)}  ${m.kind.padEnd(12)}  ${m.name}`;
}

export function formatApiToken(t: ApiTokenInfo, current: boolean): string {
	const expires = t.expiresAt === null ? "never expires" : `expires ${time(t.expiresAt)}`;
	return `${mark(current)} ${t.id}  ${`${t.prefix}…`.padEnd(10)}  created ${time(t.createdAt)}  ${expires.padEnd(27)}  ${t.name}`;
}
