// Organization tables: repository catalog, task index + summaries (sidebar projection), runtime issues.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "rivetkit/db/drizzle";

export const repos = sqliteTable("repos", {
	id: text("id").primaryKey(),
	url: text("url").notNull().unique(),
	name: text("name").notNull(),
	kind: text("kind", { enum: ["remote", "local"] }).notNull(),
	source: text("source", { enum: ["manual", "github"] }).notNull(),
	createdAt: integer("created_at").notNull(),
	updatedAt: integer("updated_at").notNull(),
	// Step 4: GitHub repositories of the installation (swept by generation).
	githubFullName: text("github_full_name"),
	githubGeneration: integer("github_generation"),
	/** A credential for a repository on another host: the secret box's ciphertext, never read back. */
	credential: text("credential"),
});

export const taskIndex = sqliteTable(
	"task_index",
	{
		taskId: text("task_id").primaryKey(),
		repoId: text("repo_id").notNull(),
		branch: text("branch").notNull(),
		requestId: text("request_id"),
		createdAt: integer("created_at").notNull(),
		// The seed a task actor initialises itself from on first use (actors are created lazily).
		title: text("title").notNull(),
		prompt: text("prompt").notNull(),
		creator: text("creator").notNull(),
		// Step 4: a task that exists only because of an open PR (no task actor until someone acts on it).
		virtual: integer("virtual").notNull().default(0),
	},
	(t) => [
		uniqueIndex("task_index_repo_branch").on(t.repoId, t.branch),
		uniqueIndex("task_index_request_id").on(t.requestId),
	],
);

export const taskSummaries = sqliteTable(
	"task_summaries",
	{
		taskId: text("task_id").primaryKey(),
		repoId: text("repo_id").notNull(),
		title: text("title").notNull(),
		status: text("status", { enum: ["idle", "running", "needs_input", "error", "archived"] }).notNull(),
		branch: text("branch").notNull(),
		owner: text("owner").notNull(),
		updatedAt: integer("updated_at").notNull(),
		prState: text("pr_state"),
		version: integer("version").notNull(),
		// Added in step 3 (appended: ALTER TABLE adds columns last).
		ownerLogin: text("owner_login").notNull().default(""),
		ownerAvatarUrl: text("owner_avatar_url"),
		// Added in step 4.
		prNumber: integer("pr_number"),
		prUrl: text("pr_url"),
		reviewDecision: text("review_decision", { enum: ["approved", "changes_requested"] }),
		// Added in step 4 (push webhooks).
		headSha: text("head_sha"),
	},
	(t) => [index("task_summaries_updated_at").on(t.updatedAt), index("task_summaries_repo").on(t.repoId)],
);

export const runtimeIssues = sqliteTable(
	"runtime_issues",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		actorName: text("actor_name").notNull(),
		actorKey: text("actor_key").notNull(),
		command: text("command").notNull(),
		code: text("code").notNull(),
		message: text("message").notNull(),
		occurredAt: integer("occurred_at").notNull(),
		clearedAt: integer("cleared_at"),
	},
	(t) => [index("runtime_issues_open").on(t.clearedAt)],
);

/**
 * Reviews and comments on the PR of a virtual task (no actor yet), handed to the task actor when it
 * starts (it reads them with its seed) and deleted when the task is claimed.
 */
export const pendingFollowUps = sqliteTable(
	"pending_follow_ups",
	{
		taskId: text("task_id").notNull(),
		id: text("id").notNull(),
		followUp: text("follow_up").notNull(),
		createdAt: integer("created_at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.taskId, t.id] })],
);

/** Members, as GitHub says (refreshed on sign-in, re-sync and membership webhooks). */
export const members = sqliteTable("members", {
	userId: text("user_id").primaryKey(),
	login: text("login").notNull(),
	avatarUrl: text("avatar_url"),
	role: text("role", { enum: ["admin", "member"] }).notNull(),
	joinedAt: integer("joined_at").notNull(),
	updatedAt: integer("updated_at").notNull(),
});

/**
 * Logins GitHub removed from the organization, and when this organization learned it: a member
 * sync that read GitHub before that (a sign-in racing the removal) does not bring them back.
 */
export const memberRemovals = sqliteTable("member_removals", {
	login: text("login").primaryKey(),
	removedAt: integer("removed_at").notNull(),
});

/** One row (id = 1): which GitHub account this organization mirrors and the App's status there. */
export const orgProfile = sqliteTable("org_profile", {
	id: integer("id").primaryKey(),
	login: text("login").notNull(),
	name: text("name").notNull(),
	kind: text("kind", { enum: ["personal", "organization"] }).notNull(),
	avatarUrl: text("avatar_url"),
	installation: text("installation", { enum: ["connected", "install_required"] }).notNull(),
	updatedAt: integer("updated_at").notNull(),
});

/** One row (id = 1): organization settings as JSON (defaults apply to missing keys). */
export const orgSettings = sqliteTable("org_settings", {
	id: integer("id").primaryKey(),
	settings: text("settings").notNull(),
	updatedAt: integer("updated_at").notNull(),
});

/** One row (id = 1): the github-data actor's sync status, as pushed by it. */
export const githubStatus = sqliteTable("github_status", {
	id: integer("id").primaryKey(),
	status: text("status").notNull(),
	updatedAt: integer("updated_at").notNull(),
});

/** One row (id = 1): the projection version clients use to order organizationUpdated events. */
export const projectionMeta = sqliteTable("projection_meta", {
	id: integer("id").primaryKey(),
	version: integer("version").notNull(),
});

/** Step 6: billing state (one row, id = 1) as JSON: plan, Stripe subscription, cap. */
export const billing = sqliteTable("billing", {
	id: integer("id").primaryKey(),
	state: text("state").notNull(),
	updatedAt: integer("updated_at").notNull(),
});

/** Stripe events applied (deduplicated by event id). */
export const stripeEvents = sqliteTable("stripe_events", {
	id: text("id").primaryKey(),
	type: text("type").notNull(),
	receivedAt: integer("received_at").notNull(),
});

/** Seats taken per billing period: a member's first prompt in the period takes one. */
export const seats = sqliteTable(
	"seats",
	{
		periodStart: integer("period_start").notNull(),
		userId: text("user_id").notNull(),
		login: text("login").notNull(),
		takenAt: integer("taken_at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.periodStart, t.userId] })],
);

/** Agent turns (metering): admitted → running (no end) → measured. */
export const turns = sqliteTable(
	"turns",
	{
		id: text("id").primaryKey(),
		sessionId: text("session_id").notNull(),
		taskId: text("task_id").notNull(),
		userId: text("user_id").notNull(),
		login: text("login").notNull(),
		periodStart: integer("period_start").notNull(),
		startedAt: integer("started_at").notNull(),
		endedAt: integer("ended_at"),
		seconds: integer("seconds"),
		/** Reported to Stripe (team plans). */
		reported: integer("reported").notNull().default(0),
		/** When its task was last asked whether it still runs (open turns only). */
		checkedAt: integer("checked_at"),
		/** Closed at zero length because its task never ran it: a later measurement replaces this. */
		provisional: integer("provisional").notNull().default(0),
	},
	(t) => [index("turns_period").on(t.periodStart), index("turns_running").on(t.endedAt)],
);

/** Spend-cap alerts sent to admins (80 % and 100 %), once per period. */
export const billingAlerts = sqliteTable(
	"billing_alerts",
	{ periodStart: integer("period_start").notNull(), threshold: integer("threshold").notNull(), sentAt: integer("sent_at").notNull() },
	(t) => [primaryKey({ columns: [t.periodStart, t.threshold] })],
);
