// Audit log table: append-only events; seq orders them and backs cursor pagination.
import { index, integer, sqliteTable, text } from "rivetkit/db/drizzle";

export const auditEvents = sqliteTable(
	"audit_events",
	{
		seq: integer("seq").primaryKey({ autoIncrement: true }),
		id: text("id").notNull().unique(),
		at: integer("at").notNull(),
		kind: text("kind").notNull(),
		actor: text("actor").notNull(),
		repoId: text("repo_id"),
		taskId: text("task_id"),
		payload: text("payload").notNull(),
	},
	(t) => [
		index("audit_events_task").on(t.taskId, t.seq),
		index("audit_events_repo").on(t.repoId, t.seq),
		index("audit_events_kind").on(t.kind, t.seq),
	],
);
