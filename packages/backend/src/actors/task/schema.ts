// Task tables: the task's own record (one row). Sessions and transcripts arrive in step 5.
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
