// Actor names, keys and queue names: the contract between backend actors and clients.

export const ACTOR = {
	organization: "organization",
	task: "task",
	auditLog: "auditLog",
} as const;

export const organizationKey = (orgId: string): string[] => [orgId];
export const taskKey = (orgId: string, taskId: string): string[] => [orgId, taskId];
export const auditLogKey = (orgId: string): string[] => [orgId];

/** Queue names are `<actor>.<verb>`; each actor's workflow consumes only its own. */
export const QUEUE = {
	organization: {
		addRepo: "organization.addRepo",
		createTask: "organization.createTask",
		applyTaskSummary: "organization.applyTaskSummary",
		recordRuntimeIssue: "organization.recordRuntimeIssue",
		clearRuntimeIssues: "organization.clearRuntimeIssues",
	},
	task: {
		initialize: "task.initialize",
		rename: "task.rename",
		archive: "task.archive",
		unarchive: "task.unarchive",
		setStatus: "task.setStatus",
	},
	auditLog: {
		append: "auditLog.append",
	},
} as const;

/** Events broadcast to connected clients. */
export const EVENT = {
	organizationUpdated: "organizationUpdated",
	taskUpdated: "taskUpdated",
} as const;

export const HTTP_PATH = {
	health: "/v1/health",
	rivet: "/v1/rivet",
} as const;

export const DEFAULT_ORG_ID = "default";
