// Usage reads: agent minutes in the current period, in total and grouped by user, task or session.
import type { UsageReport, UsageRow } from "@foundry/shared";
import { and, eq, isNotNull, isNull } from "drizzle-orm";
import { type BillingEnv, capMinutesOf, readCore } from "./billing.ts";
import type { OrganizationDb } from "./database.ts";
import { taskSummaries, turns } from "./schema.ts";

const minutes = (seconds: number) => Math.round((seconds / 60) * 100) / 100;

export async function readUsage(db: OrganizationDb, env: BillingEnv, by: UsageReport["by"]): Promise<UsageReport> {
	const core = await readCore(db);
	const ended = await db
		.select()
		.from(turns)
		.where(and(eq(turns.periodStart, core.periodStart), isNotNull(turns.endedAt)));
	const running = await db.select({ id: turns.id }).from(turns).where(and(eq(turns.periodStart, core.periodStart), isNull(turns.endedAt)));
	const total = ended.reduce((s, t) => s + (t.seconds ?? 0), 0);
	const rows: UsageRow[] = [];
	if (by) {
		const titles = new Map((await db.select({ id: taskSummaries.taskId, title: taskSummaries.title }).from(taskSummaries)).map((t) => [t.id, t.title]));
		const groups = new Map<string, UsageRow & { seconds: number }>();
		for (const t of ended) {
			const key = by === "user" ? t.userId : by === "task" ? t.taskId : t.sessionId;
			const label = by === "user" ? t.login : by === "task" ? (titles.get(t.taskId) ?? t.taskId) : `${titles.get(t.taskId) ?? t.taskId} / ${t.sessionId}`;
			const g = groups.get(key) ?? { key, label, minutes: 0, turns: 0, seconds: 0 };
			g.seconds += t.seconds ?? 0;
			g.turns += 1;
			groups.set(key, g);
		}
		for (const { seconds, ...g } of groups.values()) rows.push({ ...g, minutes: minutes(seconds) });
		rows.sort((a, b) => b.minutes - a.minutes || a.label.localeCompare(b.label));
	}
	return {
		periodStart: core.periodStart,
		periodEnd: core.periodEnd,
		minutes: minutes(total),
		turns: ended.length,
		running: running.length,
		capMinutes: capMinutesOf(core, env),
		by,
		rows,
	};
}
