// User contracts: profile, organizations, API tokens and per-user multiplayer state.
import { z } from "zod";
import { type Role, roleSchema } from "../auth.ts";
import { LIMITS, utf8Bytes } from "../limits.ts";
import { orgIdSchema, taskIdSchema } from "./common.ts";

export const INSTALLATION_STATUSES = ["connected", "install_required"] as const;
export type InstallationStatus = (typeof INSTALLATION_STATUSES)[number];

export interface Membership {
	orgId: string;
	role: Role;
	name: string;
	kind: "personal" | "organization";
	avatarUrl: string | null;
	installation: InstallationStatus;
	updatedAt: number;
}

export interface UserProfile {
	id: string;
	githubId: number;
	login: string;
	name: string | null;
	email: string | null;
	avatarUrl: string | null;
	defaultAgent: string | null;
	defaultModel: string | null;
	activeOrgId: string | null;
	organizations: Membership[];
	/** Set while the organizations the user belongs to are being discovered after sign-in. */
	organizationsSyncedAt: number | null;
	organizationsError: string | null;
}

export const updateProfileInputSchema = z
	.object({
		defaultAgent: z.string().trim().min(1).max(100).nullable().optional(),
		defaultModel: z.string().trim().min(1).max(200).nullable().optional(),
	})
	.strict();
export type UpdateProfileInput = z.infer<typeof updateProfileInputSchema>;

export const setActiveOrganizationInputSchema = z.object({ orgId: orgIdSchema }).strict();

export const apiTokenNameSchema = z.string().trim().min(1, "token name is required").max(100);
export const createApiTokenInputSchema = z
	.object({
		name: apiTokenNameSchema,
		/** Days until the token expires; never when omitted. */
		expiresInDays: z.number().int().min(1).max(3650).optional(),
	})
	.strict();
export const revokeApiTokenInputSchema = z.object({ id: z.string().regex(/^tok_[a-z0-9]{12}$/, "token id looks like tok_xxxxxxxxxxxx") }).strict();

export interface ApiTokenInfo {
	id: string;
	name: string;
	/** The first characters of the token, to recognise it; the token itself is shown once. */
	prefix: string;
	createdAt: number;
	expiresAt: number | null;
	lastUsedAt: number | null;
}
export interface CreatedApiToken extends ApiTokenInfo {
	token: string;
}

const sessionIdSchema = z.string().trim().min(1).max(100);
export const taskRefInputSchema = z.object({ orgId: orgIdSchema, taskId: taskIdSchema }).strict();
export const setDraftInputSchema = z
	.object({ orgId: orgIdSchema, taskId: taskIdSchema, sessionId: sessionIdSchema, text: z.string().max(LIMITS.PROMPT_MAX).refine((t) => utf8Bytes(t) <= LIMITS.PROMPT_MAX_BYTES, `draft is larger than ${LIMITS.PROMPT_MAX_BYTES / 1024} KiB in UTF-8`) })
	.strict();
export const setActiveSessionInputSchema = z
	.object({ orgId: orgIdSchema, taskId: taskIdSchema, sessionId: sessionIdSchema.nullable() })
	.strict();
export const markSessionReadInputSchema = z
	.object({ orgId: orgIdSchema, taskId: taskIdSchema, sessionId: sessionIdSchema })
	.strict();

export interface TaskUserState {
	orgId: string;
	taskId: string;
	activeSessionId: string | null;
	unreadSessionIds: string[];
	drafts: Record<string, string>;
}

export const FEED_REASONS = ["created", "updated", "message", "notification", "opened"] as const;
export type FeedReason = (typeof FEED_REASONS)[number];
export interface FeedEntry {
	orgId: string;
	taskId: string;
	reason: FeedReason;
	bumpedAt: number;
}
/** Tasks of an organization with a session that has news for the user (the sidebar's dots). */
export const listUnreadTasksInputSchema = z.object({ orgId: orgIdSchema }).strict();
export const listFeedInputSchema = z
	.object({ orgId: orgIdSchema.optional(), limit: z.number().int().min(1).max(500).optional() })
	.strict();

export const NOTIFICATION_KINDS = [
	"agent_finished",
	"agent_error",
	"agent_needs_input",
	"pr_review_requested",
	"pr_merged",
	"pr_comment",
	"billing",
] as const;
export const notificationKindSchema = z.enum(NOTIFICATION_KINDS);
export type NotificationKind = z.infer<typeof notificationKindSchema>;

/** What a backend actor sends to notify a user (internal queue message). */
export const notifyInputSchema = z.object({
	orgId: orgIdSchema,
	/** "" for organization-level notifications (billing). */
	taskId: taskIdSchema.or(z.literal("")),
	kind: notificationKindSchema,
	title: z.string().min(1).max(300),
	body: z.string().max(4_000).default(""),
	sessionId: z.string().max(100).optional(),
	/** De-duplicates replays of the same notification. */
	dedupeKey: z.string().max(200).optional(),
});
export type NotifyInput = z.input<typeof notifyInputSchema>;

export interface Notification {
	id: number;
	orgId: string;
	taskId: string;
	kind: NotificationKind;
	title: string;
	body: string;
	createdAt: number;
	readAt: number | null;
}
export const listNotificationsInputSchema = z
	.object({ unreadOnly: z.boolean().optional(), limit: z.number().int().min(1).max(500).optional() })
	.strict();
export const markNotificationsReadInputSchema = z
	.object({ ids: z.array(z.number().int().positive()).max(1_000).optional() })
	.strict();

/** Events sent to one user's own connections. */
export type UserChange =
	| { type: "profile"; profile: UserProfile }
	| { type: "taskState"; state: TaskUserState }
	| { type: "feed"; entry: FeedEntry }
	| { type: "notification"; notification: Notification }
	| { type: "notificationsRead"; ids: number[] };
export interface UserUpdatedEvent {
	change: UserChange;
}

/** Membership pushed from an organization to a member's user actor (null role = removed). */
export const applyMembershipInputSchema = z.object({
	orgId: orgIdSchema,
	role: roleSchema.nullable(),
	name: z.string(),
	kind: z.enum(["personal", "organization"]),
	avatarUrl: z.string().nullable(),
	installation: z.enum(INSTALLATION_STATUSES),
});
export type ApplyMembershipInput = z.infer<typeof applyMembershipInputSchema>;

export interface OrganizationMember {
	userId: string;
	login: string;
	avatarUrl: string | null;
	role: Role;
	joinedAt: number;
}
