// User actor tables: Better Auth records (user, session, account), the profile, organizations the
// user may enter (pushed by each organization), API tokens (metadata; the index holds hashes),
// and per-user multiplayer state: per-task state, drafts, unread sessions, feed, notifications.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "rivetkit/db/drizzle";

export const authRecords = sqliteTable(
	"auth_records",
	{ model: text("model").notNull(), id: text("id").notNull(), data: text("data").notNull() },
	(t) => [primaryKey({ columns: [t.model, t.id] })],
);

/** One row (id = 1). */
export const profile = sqliteTable("profile", {
	id: integer("id").primaryKey(),
	userId: text("user_id").notNull(),
	githubId: integer("github_id").notNull(),
	login: text("login").notNull(),
	name: text("name"),
	email: text("email"),
	avatarUrl: text("avatar_url"),
	defaultAgent: text("default_agent"),
	defaultModel: text("default_model"),
	activeOrgId: text("active_org_id"),
	orgsSyncedAt: integer("orgs_synced_at"),
	orgsError: text("orgs_error"),
	createdAt: integer("created_at").notNull(),
	updatedAt: integer("updated_at").notNull(),
});

export const memberships = sqliteTable("memberships", {
	orgId: text("org_id").primaryKey(),
	role: text("role", { enum: ["admin", "member"] }).notNull(),
	name: text("name").notNull(),
	kind: text("kind", { enum: ["personal", "organization"] }).notNull(),
	avatarUrl: text("avatar_url"),
	installation: text("installation", { enum: ["connected", "install_required"] }).notNull(),
	updatedAt: integer("updated_at").notNull(),
});

export const apiTokens = sqliteTable("api_tokens", {
	id: text("id").primaryKey(),
	name: text("name").notNull(),
	prefix: text("prefix").notNull(),
	createdAt: integer("created_at").notNull(),
	expiresAt: integer("expires_at"),
});

export const taskState = sqliteTable(
	"task_state",
	{
		orgId: text("org_id").notNull(),
		taskId: text("task_id").notNull(),
		activeSessionId: text("active_session_id"),
		updatedAt: integer("updated_at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.orgId, t.taskId] })],
);

export const drafts = sqliteTable(
	"drafts",
	{
		orgId: text("org_id").notNull(),
		taskId: text("task_id").notNull(),
		sessionId: text("session_id").notNull(),
		text: text("text").notNull(),
		updatedAt: integer("updated_at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.orgId, t.taskId, t.sessionId] })],
);

export const unreadSessions = sqliteTable(
	"unread_sessions",
	{
		orgId: text("org_id").notNull(),
		taskId: text("task_id").notNull(),
		sessionId: text("session_id").notNull(),
		since: integer("since").notNull(),
	},
	(t) => [primaryKey({ columns: [t.orgId, t.taskId, t.sessionId] })],
);

export const feed = sqliteTable(
	"feed",
	{
		orgId: text("org_id").notNull(),
		taskId: text("task_id").notNull(),
		reason: text("reason", { enum: ["created", "updated", "message", "notification", "opened"] }).notNull(),
		bumpedAt: integer("bumped_at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.orgId, t.taskId] }), index("feed_bumped_at").on(t.bumpedAt)],
);

export const notifications = sqliteTable(
	"notifications",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		orgId: text("org_id").notNull(),
		taskId: text("task_id").notNull(),
		kind: text("kind").notNull(),
		title: text("title").notNull(),
		body: text("body").notNull(),
		sessionId: text("session_id"),
		dedupeKey: text("dedupe_key"),
		createdAt: integer("created_at").notNull(),
		readAt: integer("read_at"),
	},
	(t) => [uniqueIndex("notifications_dedupe").on(t.dedupeKey), index("notifications_read").on(t.readAt)],
);
