// github-data tables: sync state (one row), the installation's repositories as last listed
// (with the generation that saw them), and webhook deliveries already processed (dedupe).
import { integer, sqliteTable, text } from "rivetkit/db/drizzle";

export const syncState = sqliteTable("sync_state", {
	id: integer("id").primaryKey(),
	installationId: integer("installation_id"),
	installation: text("installation", { enum: ["connected", "install_required", "suspended"] }).notNull(),
	phase: text("phase", { enum: ["idle", "repositories", "pull_requests", "members", "done", "error", "rate_limited"] }).notNull(),
	processed: integer("processed").notNull(),
	total: integer("total").notNull(),
	generation: integer("generation").notNull(),
	lastSyncedAt: integer("last_synced_at"),
	rateLimitedUntil: integer("rate_limited_until"),
	error: text("error"),
	requests: integer("requests").notNull(),
	notModified: integer("not_modified").notNull(),
	/** When the next scheduled sync is due (periodic reconciliation or after a rate limit). */
	nextSyncAt: integer("next_sync_at"),
	/** The sync step to run again once a rate limit resets (JSON { name, body }), so progress is kept. */
	resume: text("resume"),
	/** The installation's repository listing as last read, page by page (JSON ListPage[]), for conditional re-reads. */
	reposMemo: text("repos_memo"),
});

export const syncedRepos = sqliteTable("synced_repos", {
	fullName: text("full_name").primaryKey(),
	githubId: integer("github_id").notNull(),
	generation: integer("generation").notNull(),
	position: integer("position").notNull(),
	/** The repository as last listed (JSON GithubRepo), reused when the listing is unchanged (304). */
	data: text("data").notNull().default("{}"),
	/** Open PRs as last read, page by page (JSON ListPage[]: ETag, next, items), for conditional re-reads. */
	pullsMemo: text("pulls_memo"),
});

export const deliveries = sqliteTable("deliveries", {
	id: text("id").primaryKey(),
	event: text("event").notNull(),
	action: text("action"),
	receivedAt: integer("received_at").notNull(),
});
