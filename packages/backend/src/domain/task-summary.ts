// The sidebar projection of a task record, computed the same way by the task and the organization.
import type { TaskRecord, TaskSummary } from "@foundry/shared";

export function toSummary(record: TaskRecord): TaskSummary {
	return {
		id: record.id,
		repoId: record.repoId,
		title: record.title,
		status: record.status,
		branch: record.branch,
		owner: record.owner,
		ownerLogin: record.ownerLogin,
		ownerAvatarUrl: record.ownerAvatarUrl,
		updatedAt: record.updatedAt,
		prState: null,
		prNumber: null,
		prUrl: null,
		reviewDecision: null,
		headSha: null,
		version: record.version,
	};
}
