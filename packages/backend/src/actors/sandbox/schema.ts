// Sandbox tables: the sandbox itself (one row), the task's agent sessions, and their transcripts.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "rivetkit/db/drizzle";

/** One row (id = 1): the current sandbox. `handle` is the provider's handle, encrypted (it holds a token). */
export const sandbox = sqliteTable("sandbox", {
	id: integer("id").primaryKey(),
	state: text("state", { enum: ["none", "provisioning", "ready", "paused", "expired", "destroyed", "error"] }).notNull(),
	provider: text("provider").notNull(),
	generation: integer("generation").notNull(),
	handle: text("handle"),
	/** The repository is cloned and on the task's branch in this generation. */
	repoReady: integer("repo_ready").notNull().default(0),
	/** The repository's default branch, as the clone reports it (diffs and new branches start there). */
	defaultBranch: text("default_branch"),
	error: text("error"),
	updatedAt: integer("updated_at").notNull(),
});

export const sessions = sqliteTable("sessions", {
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
	/** sandbox-agent's session record (JSON), kept for its persistence driver. */
	sdkRecord: text("sdk_record"),
	/** The sandbox generation the agent session lives in (an older one is gone). */
	generation: integer("generation").notNull().default(0),
	/** When the running turn started (metering, step 6). */
	turnStartedAt: integer("turn_started_at"),
	/** The organization's id of the running turn (usage is recorded against it when it ends). */
	turnId: text("turn_id"),
	/** The last turn started here (kept after it ends: a prompt replayed later does not run twice). */
	lastTurnId: text("last_turn_id"),
});

/**
 * Transcript: `idx` is the transcript order; `sdkIndex` is sandbox-agent's event index, unique per
 * session so a replayed or re-delivered event is stored once. Foundry's own notices have none.
 */
export const events = sqliteTable(
	"events",
	{
		sessionId: text("session_id").notNull(),
		idx: integer("idx").notNull(),
		sdkIndex: integer("sdk_index"),
		sdkGeneration: integer("sdk_generation").notNull().default(0),
		at: integer("at").notNull(),
		sender: text("sender", { enum: ["client", "agent", "foundry"] }).notNull(),
		kind: text("kind").notNull(),
		text: text("text").notNull(),
		data: text("data").notNull(),
	},
	(t) => [primaryKey({ columns: [t.sessionId, t.idx] }), uniqueIndex("events_sdk_index").on(t.sessionId, t.sdkGeneration, t.sdkIndex), index("events_kind").on(t.sessionId, t.kind)],
);
