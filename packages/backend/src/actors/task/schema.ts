// Task tables: its record (one row), PR follow-ups, and (step 5) its session index, changes and git results.
import { integer, sqliteTable, text } from "rivetkit/db/drizzle";

/** Reviews and comments on the task's PR (from GitHub), once each. */
export const followUps = sqliteTable("follow_ups", {
	id: text("id").primaryKey(),
	kind: text("kind", { enum: ["changes_requested", "review_comment", "comment"] }).notNull(),
	author: text("author").notNull(),
	body: text("body").notNull(),
	path: text("path"),
	line: integer("line"),
	url: text("url").notNull(),
	createdAt: integer("created_at").notNull(),
	/** Step 5: when it was sent to the agent as a prompt. */
	sentAt: integer("sent_at"),
	/** The author was a member of the organization (follow-ups from others are never auto-sent). */
	trusted: integer("trusted", { mode: "boolean" }).notNull().default(false),
});

export const taskRecord = sqliteTable("task_record", {
	id: text("id").primaryKey(),
	orgId: text("org_id").notNull(),
	repoId: text("repo_id").notNull(),
	repoUrl: text("repo_url").notNull(),
	title: text("title").notNull(),
	prompt: text("prompt").notNull(),
	branch: text("branch").notNull(),
	status: text("status", { enum: ["idle", "running", "needs_input", "error", "archived"] }).notNull(),
	creator: text("creator").notNull(),
	owner: text("owner").notNull(),
	createdAt: integer("created_at").notNull(),
	updatedAt: integer("updated_at").notNull(),
	version: integer("version").notNull(),
	// Added in step 3 (appended: ALTER TABLE adds columns last).
	ownerLogin: text("owner_login").notNull().default(""),
	ownerAvatarUrl: text("owner_avatar_url"),
});

/** Step 5: the task's sessions as its sandbox actor reports them (the index clients list). */
export const sessionIndex = sqliteTable("session_index", {
	id: text("id").primaryKey(),
	name: text("name").notNull(),
	agent: text("agent").notNull(),
	model: text("model"),
	status: text("status", { enum: ["pending_provision", "ready", "running", "needs_input", "idle", "error", "closed"] }).notNull(),
	error: text("error"),
	createdBy: text("created_by").notNull(),
	createdAt: integer("created_at").notNull(),
	updatedAt: integer("updated_at").notNull(),
	version: integer("version").notNull(),
	/** The turn this task last sent to the sandbox (a replayed send finds it and only re-sends). */
	lastTurnId: text("last_turn_id"),
});

/** One row (id = 1): the changes summary and per-file diffs computed in the sandbox after a turn. */
export const changes = sqliteTable("changes", {
	id: integer("id").primaryKey(),
	summary: text("summary").notNull(),
	diffs: text("diffs").notNull(),
	updatedAt: integer("updated_at").notNull(),
});

/** Results of git actions (push, PR, merge, revert), newest kept. */
export const gitResults = sqliteTable("git_results", {
	seq: integer("seq").primaryKey({ autoIncrement: true }),
	op: text("op").notNull(),
	ok: integer("ok").notNull(),
	message: text("message").notNull(),
	at: integer("at").notNull(),
	/** The error code of a failure (INVALID_INPUT for a path refused in the sandbox). */
	code: text("code"),
});
