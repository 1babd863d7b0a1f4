// Actor names, keys and queue names: the contract between backend actors and clients.

export const ACTOR = {
	organization: "organization",
	task: "task",
	auditLog: "auditLog",
	user: "user",
	authIndex: "authIndex",
	githubData: "githubData",
} as const;

export const organizationKey = (orgId: string): string[] => [orgId];
export const taskKey = (orgId: string, taskId: string): string[] => [orgId, taskId];
export const auditLogKey = (orgId: string): string[] => [orgId];
export const userKey = (userId: string): string[] => [userId];
export const githubDataKey = (orgId: string): string[] => [orgId];
/** The app-level auth index is a single actor. */
export const AUTH_INDEX_KEY: string[] = ["app"];

/** Queue names are `<actor>.<verb>`; each actor's workflow consumes only its own. */
export const QUEUE = {
	organization: {
		addRepo: "organization.addRepo",
		createTask: "organization.createTask",
		applyTaskSummary: "organization.applyTaskSummary",
		recordRuntimeIssue: "organization.recordRuntimeIssue",
		clearRuntimeIssues: "organization.clearRuntimeIssues",
		syncMember: "organization.syncMember",
		removeMember: "organization.removeMember",
		applyGithubRepos: "organization.applyGithubRepos",
		applyPullRequests: "organization.applyPullRequests",
		reconcileMembers: "organization.reconcileMembers",
		applyGithubStatus: "organization.applyGithubStatus",
		recordFollowUp: "organization.recordFollowUp",
		applyReviewDecision: "organization.applyReviewDecision",
		claimTask: "organization.claimTask",
		applyBranchPush: "organization.applyBranchPush",
		updateSettings: "organization.updateSettings",
	},
	githubData: {
		webhook: "githubData.webhook",
		sync: "githubData.sync",
		syncPulls: "githubData.syncPulls",
		syncMembers: "githubData.syncMembers",
	},
	task: {
		initialize: "task.initialize",
		rename: "task.rename",
		archive: "task.archive",
		unarchive: "task.unarchive",
		setStatus: "task.setStatus",
		setOwner: "task.setOwner",
		addFollowUp: "task.addFollowUp",
	},
	auditLog: {
		append: "auditLog.append",
	},
	user: {
		refreshOrganizations: "user.refreshOrganizations",
		applyMembership: "user.applyMembership",
		updateProfile: "user.updateProfile",
		setActiveOrganization: "user.setActiveOrganization",
		setDraft: "user.setDraft",
		setActiveSession: "user.setActiveSession",
		markSessionRead: "user.markSessionRead",
		markSessionUnread: "user.markSessionUnread",
		bumpFeed: "user.bumpFeed",
		notify: "user.notify",
		markNotificationsRead: "user.markNotificationsRead",
	},
} as const;

/** Events broadcast to connected clients. */
export const EVENT = {
	organizationUpdated: "organizationUpdated",
	taskUpdated: "taskUpdated",
	userUpdated: "userUpdated",
} as const;

export const HTTP_PATH = {
	health: "/v1/health",
	rivet: "/v1/rivet",
	auth: "/v1/auth",
	whoami: "/v1/whoami",
	githubWebhook: "/v1/webhooks/github",
	device: "/v1/device",
} as const;

export const DEFAULT_ORG_ID = "default";
