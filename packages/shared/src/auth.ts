// Identity and access contracts: who a connection is, and which callers each action admits.
import { z } from "zod";

export const ROLES = ["admin", "member"] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** Who is calling, resolved by the backend from the connection (never from an action argument). */
export type Principal =
	/** `reason` says why presented credentials were not accepted (revoked token, expired session …). */
	| { kind: "anonymous"; reason?: string }
	| { kind: "internal" }
	| {
			kind: "user";
			userId: string;
			login: string;
			orgs: Record<string, Role>;
			/** Set when the caller used a personal API token: which one. */
			tokenId?: string;
	  };

/**
 * What a client puts in its RivetKit connection params. `token` is a personal API token
 * (`fdy_…`) or a Better Auth session token; browsers send neither and the gateway derives
 * `session` from their session cookie. `internal` is only ever set by the backend itself.
 */
export const connParamsSchema = z
	.object({
		token: z.string().max(512).optional(),
		session: z.string().max(512).optional(),
		internal: z.string().max(512).optional(),
	})
	.strict();
export type ConnParams = z.infer<typeof connParamsSchema>;

export const API_TOKEN_PREFIX = "fdy_";

/** The code `foundry login` shows (RFC 8628 user code): letters and digits, dashes allowed as typed. */
export const deviceUserCodeSchema = z
	.string()
	.trim()
	.regex(/^[A-Za-z0-9-]{4,40}$/, "a device code is the letters and digits your terminal shows");

/**
 * Access rules:
 * - member: a member of the organization in the actor key (org, task and audit actors)
 * - admin: an admin of that organization
 * - ownerOrAdmin: a member; the action itself then requires the task's owner or an admin
 * - self: the user whose user actor this is
 * - internal: backend actors only; clients are refused
 * - schedule: internal, or the actor's own schedule firing (the runtime calls it without a
 *   connection). Only idempotent triggers ("check now") carry it; a call without a connection
 *   passes no other rule.
 */
export type AccessRule = "member" | "admin" | "ownerOrAdmin" | "self" | "internal" | "schedule";

/** Every action of every actor has a rule here; actor definitions are type-checked against it. */
export const ACCESS = {
	organization: {
		addRepo: "admin",
		setRepoCredential: "admin",
		getRepoCredential: "internal",
		createTask: "member",
		clearRuntimeIssues: "admin",
		listRepos: "member",
		listTasks: "member",
		getTaskSummary: "member",
		getSnapshot: "member",
		listRuntimeIssues: "member",
		listMembers: "member",
		updateSettings: "admin",
		ping: "member",
		prune: "admin",
		getBilling: "member",
		getUsage: "member",
		startCheckout: "admin",
		finalizeCheckout: "admin",
		openBillingPortal: "admin",
		cancelSubscription: "admin",
		resumeSubscription: "admin",
		setSpendCap: "admin",
		flushUsage: "schedule",
		scheduleUsageFlush: "internal",
		scheduleCapCheck: "internal",
		capCheck: "schedule",
		scheduleTurnCheck: "internal",
		turnCheck: "schedule",
		listAgents: "member",
		getTaskSeed: "internal",
		getMember: "internal",
	},
	task: {
		get: "member",
		rename: "member",
		archive: "member",
		unarchive: "member",
		setStatus: "member",
		setOwner: "ownerOrAdmin",
		listFollowUps: "member",
		listSessions: "member",
		createSession: "member",
		sendMessage: "member",
		stopSession: "member",
		renameSession: "member",
		closeSession: "member",
		respondPermission: "member",
		sendFollowUps: "member",
		getChanges: "member",
		getDiff: "member",
		lastGitResults: "member",
		watch: "member",
		push: "member",
		publishPr: "member",
		mergePr: "member",
		revertFile: "member",
		kill: "ownerOrAdmin",
	},
	sandbox: {
		transcript: "member",
		getSandbox: "member",
		schedulePause: "internal",
		pauseIfIdle: "schedule",
	},
	auditLog: {
		list: "member",
	},
	user: {
		getProfile: "self",
		updateProfile: "self",
		setActiveOrganization: "self",
		refreshOrganizations: "self",
		listApiTokens: "self",
		createApiToken: "self",
		revokeApiToken: "self",
		getTaskState: "self",
		setDraft: "self",
		setActiveSession: "self",
		markSessionRead: "self",
		listUnreadTasks: "self",
		listFeed: "self",
		listNotifications: "self",
		markNotificationsRead: "self",
		authCreate: "internal",
		authFind: "internal",
		authUpdate: "internal",
		authDelete: "internal",
		principal: "internal",
		githubToken: "internal",
		agentDefaults: "internal",
	},
	githubData: {
		getStatus: "member",
		requestSync: "admin",
		scheduleSync: "internal",
		scheduledSync: "schedule",
	},
	authIndex: {
		lookup: "internal",
		put: "internal",
		remove: "internal",
		recordCreate: "internal",
		recordFind: "internal",
		recordUpdate: "internal",
		recordDelete: "internal",
	},
} as const satisfies Record<string, Record<string, AccessRule>>;

export type ActorAccess = typeof ACCESS;
