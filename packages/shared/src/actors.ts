// Actor names, keys and queue names: the contract between backend actors and clients.

export const ACTOR = {
	organization: "organization",
	task: "task",
	auditLog: "auditLog",
	user: "user",
	authIndex: "authIndex",
	githubData: "githubData",
	sandbox: "sandbox",
} as const;

export const organizationKey = (orgId: string): string[] => [orgId];
export const taskKey = (orgId: string, taskId: string): string[] => [orgId, taskId];
export const auditLogKey = (orgId: string): string[] => [orgId];
export const userKey = (userId: string): string[] => [userId];
export const githubDataKey = (orgId: string): string[] => [orgId];
/** One sandbox actor per task: it keeps the task's agent sessions and transcripts across sandboxes. */
export const sandboxKey = (orgId: string, taskId: string): string[] => [orgId, taskId];
/** The app-level auth index is a single actor. */
export const AUTH_INDEX_KEY: string[] = ["app"];

/** Queue names are `<actor>.<verb>`; each actor's workflow consumes only its own. */
export const QUEUE = {
	organization: {
		addRepo: "organization.addRepo",
		setRepoCredential: "organization.setRepoCredential",
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
		pruneTasks: "organization.pruneTasks",
		applyStripeEvent: "organization.applyStripeEvent",
		applySubscription: "organization.applySubscription",
		setStripeCustomer: "organization.setStripeCustomer",
		setSpendCap: "organization.setSpendCap",
		admitTurn: "organization.admitTurn",
		recordUsage: "organization.recordUsage",
		enforceCap: "organization.enforceCap",
		markUsageReported: "organization.markUsageReported",
		checkTurns: "organization.checkTurns",
	},
	githubData: {
		webhook: "githubData.webhook",
		sync: "githubData.sync",
		syncPulls: "githubData.syncPulls",
		syncMembers: "githubData.syncMembers",
		createPullRequest: "githubData.createPullRequest",
		mergePullRequest: "githubData.mergePullRequest",
	},
	task: {
		initialize: "task.initialize",
		rename: "task.rename",
		archive: "task.archive",
		unarchive: "task.unarchive",
		setStatus: "task.setStatus",
		setOwner: "task.setOwner",
		addFollowUp: "task.addFollowUp",
		createSession: "task.createSession",
		sendMessage: "task.sendMessage",
		stopSession: "task.stopSession",
		renameSession: "task.renameSession",
		closeSession: "task.closeSession",
		respondPermission: "task.respondPermission",
		sendFollowUps: "task.sendFollowUps",
		applySession: "task.applySession",
		applyChanges: "task.applyChanges",
		gitAction: "task.gitAction",
		applyGitResult: "task.applyGitResult",
		kill: "task.kill",
		checkTurn: "task.checkTurn",
	},
	sandbox: {
		openSession: "sandbox.openSession",
		prompt: "sandbox.prompt",
		cancel: "sandbox.cancel",
		respondPermission: "sandbox.respondPermission",
		closeSession: "sandbox.closeSession",
		recordEvents: "sandbox.recordEvents",
		turnEnded: "sandbox.turnEnded",
		git: "sandbox.git",
		release: "sandbox.release",
		pause: "sandbox.pause",
		recover: "sandbox.recover",
		checkTurn: "sandbox.checkTurn",
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
	/** Task actor: a session's record changed (status, name …). */
	sessionUpdated: "sessionUpdated",
	/** Task actor: a git action finished (push, PR, merge, revert) or the changes summary moved. */
	gitResult: "gitResult",
	changesUpdated: "changesUpdated",
	/** Task actor: who has the task open now (presence; in memory, per connection). */
	presenceUpdated: "presenceUpdated",
	/** Task actor: the PR's follow-ups changed (one arrived, or some were sent to the agent). */
	followUpsUpdated: "followUpsUpdated",
	/** Sandbox actor: new transcript events of a session; the sandbox's state. */
	sessionEvents: "sessionEvents",
	sandboxUpdated: "sandboxUpdated",
} as const;

export const HTTP_PATH = {
	health: "/v1/health",
	rivet: "/v1/rivet",
	auth: "/v1/auth",
	whoami: "/v1/whoami",
	githubWebhook: "/v1/webhooks/github",
	stripeWebhook: "/v1/webhooks/stripe",
	device: "/v1/device",
	githubInstall: "/v1/github/install",
} as const;

export const DEFAULT_ORG_ID = "default";

/**
 * The actors clients may reach through the public gateway, and whose key scopes them: `org`
 * (key[0] is an organization the caller belongs to) or `self` (key[0] is the caller's user id).
 * Everything else on the engine (other actors, its management API, KV, the inspector) is never
 * forwarded from the public port (docs/security.md).
 */
export const PUBLIC_ACTORS = {
	organization: { scope: "org", keyLength: 1 },
	task: { scope: "org", keyLength: 2 },
	sandbox: { scope: "org", keyLength: 2 },
	auditLog: { scope: "org", keyLength: 1 },
	githubData: { scope: "org", keyLength: 1 },
	user: { scope: "self", keyLength: 1 },
} as const satisfies Record<string, { scope: "org" | "self"; keyLength: number }>;
export type PublicActorName = keyof typeof PUBLIC_ACTORS;
