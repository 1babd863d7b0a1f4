// Per-user multiplayer state: per task (active session, drafts, unread sessions), the task feed and
// notifications. Commands run in the user's command loop; reads are actions over these tables.
import {
	FEED_REASONS,
	type FeedEntry,
	listFeedInputSchema,
	listUnreadTasksInputSchema,
	listNotificationsInputSchema,
	markNotificationsReadInputSchema,
	markSessionReadInputSchema,
	type Notification,
	type NotificationKind,
	notifyInputSchema,
	orgIdSchema,
	parseInput,
	setActiveSessionInputSchema,
	setDraftInputSchema,
	type TaskUserState,
	taskIdSchema,
	taskRefInputSchema,
} from "@foundry/shared";
import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import type { UserCommandContext } from "./context.ts";
import type { UserDb } from "./database.ts";
import { drafts, feed, notifications, taskState, unreadSessions } from "./schema.ts";

const bumpSchema = z.object({ orgId: orgIdSchema, taskId: taskIdSchema, reason: z.enum(FEED_REASONS), at: z.number().optional() });
const unreadSchema = markSessionReadInputSchema;

export async function readTaskState(db: UserDb, input: unknown): Promise<TaskUserState> {
	const { orgId, taskId } = parseInput(taskRefInputSchema, input);
	const task = and(eq(taskState.orgId, orgId), eq(taskState.taskId, taskId));
	const row = await db.select().from(taskState).where(task).get();
	const unread = await db
		.select()
		.from(unreadSessions)
		.where(and(eq(unreadSessions.orgId, orgId), eq(unreadSessions.taskId, taskId)));
	const draftRows = await db.select().from(drafts).where(and(eq(drafts.orgId, orgId), eq(drafts.taskId, taskId)));
	return {
		orgId,
		taskId,
		activeSessionId: row?.activeSessionId ?? null,
		unreadSessionIds: unread.map((u) => u.sessionId).sort(),
		drafts: Object.fromEntries(draftRows.map((d) => [d.sessionId, d.text])),
	};
}

async function emitTaskState(ctx: UserCommandContext, orgId: string, taskId: string): Promise<TaskUserState> {
	const state = await readTaskState(ctx.db, { orgId, taskId });
	ctx.emit({ type: "taskState", state });
	return state;
}

export async function setDraft(ctx: UserCommandContext, body: unknown): Promise<TaskUserState> {
	const { orgId, taskId, sessionId, text } = parseInput(setDraftInputSchema, body);
	const key = and(eq(drafts.orgId, orgId), eq(drafts.taskId, taskId), eq(drafts.sessionId, sessionId));
	if (text.length === 0) await ctx.db.delete(drafts).where(key);
	else {
		const row = { orgId, taskId, sessionId, text, updatedAt: Date.now() };
		await ctx.db.insert(drafts).values(row).onConflictDoUpdate({ target: [drafts.orgId, drafts.taskId, drafts.sessionId], set: row });
	}
	return emitTaskState(ctx, orgId, taskId);
}

export async function setActiveSession(ctx: UserCommandContext, body: unknown): Promise<TaskUserState> {
	const { orgId, taskId, sessionId } = parseInput(setActiveSessionInputSchema, body);
	const row = { orgId, taskId, activeSessionId: sessionId, updatedAt: Date.now() };
	await ctx.db.insert(taskState).values(row).onConflictDoUpdate({ target: [taskState.orgId, taskState.taskId], set: row });
	return emitTaskState(ctx, orgId, taskId);
}

export async function markSessionRead(ctx: UserCommandContext, body: unknown): Promise<TaskUserState> {
	const { orgId, taskId, sessionId } = parseInput(markSessionReadInputSchema, body);
	await ctx.db
		.delete(unreadSessions)
		.where(and(eq(unreadSessions.orgId, orgId), eq(unreadSessions.taskId, taskId), eq(unreadSessions.sessionId, sessionId)));
	return emitTaskState(ctx, orgId, taskId);
}

/** Internal (a task whose turn ended): the session has news for this user. */
export async function markSessionUnread(ctx: UserCommandContext, body: unknown): Promise<TaskUserState> {
	const { orgId, taskId, sessionId } = parseInput(unreadSchema, body);
	await ctx.db.insert(unreadSessions).values({ orgId, taskId, sessionId, since: Date.now() }).onConflictDoNothing();
	return emitTaskState(ctx, orgId, taskId);
}

/** Internal: move a task to the top of this user's feed. */
export async function bumpFeed(ctx: UserCommandContext, body: unknown): Promise<FeedEntry> {
	const { orgId, taskId, reason, at } = parseInput(bumpSchema, body);
	const entry: FeedEntry = { orgId, taskId, reason, bumpedAt: at ?? Date.now() };
	await ctx.db.insert(feed).values(entry).onConflictDoUpdate({ target: [feed.orgId, feed.taskId], set: entry });
	ctx.emit({ type: "feed", entry });
	return entry;
}

export async function listFeed(db: UserDb, input: unknown): Promise<FeedEntry[]> {
	const { orgId, limit } = parseInput(listFeedInputSchema, input ?? {});
	const rows = await db
		.select()
		.from(feed)
		.where(orgId ? eq(feed.orgId, orgId) : undefined)
		.orderBy(desc(feed.bumpedAt))
		.limit(limit ?? 100);
	return rows;
}

function toNotification(r: typeof notifications.$inferSelect): Notification {
	return {
		id: r.id,
		orgId: r.orgId,
		taskId: r.taskId,
		kind: r.kind as NotificationKind,
		title: r.title,
		body: r.body,
		createdAt: r.createdAt,
		readAt: r.readAt,
	};
}

/** Internal: record a notification (replays with the same dedupeKey are stored once) and bump the feed. */
export async function notify(ctx: UserCommandContext, body: unknown): Promise<Notification | null> {
	const input = parseInput(notifyInputSchema, body);
	const now = Date.now();
	const [row] = await ctx.db
		.insert(notifications)
		.values({
			orgId: input.orgId,
			taskId: input.taskId,
			kind: input.kind,
			title: input.title,
			body: input.body,
			sessionId: input.sessionId ?? null,
			dedupeKey: input.dedupeKey ?? null,
			createdAt: now,
		})
		.onConflictDoNothing()
		.returning();
	if (!row) return null;
	const n = toNotification(row);
	ctx.emit({ type: "notification", notification: n });
	if (input.taskId === "") return n; // organization-level: no task to mark or bump
	if (input.sessionId) await markSessionUnread(ctx, { orgId: input.orgId, taskId: input.taskId, sessionId: input.sessionId });
	await bumpFeed(ctx, { orgId: input.orgId, taskId: input.taskId, reason: "notification", at: now });
	return n;
}

export async function listUnreadTasks(db: UserDb, input: unknown): Promise<string[]> {
	const { orgId } = parseInput(listUnreadTasksInputSchema, input ?? {});
	const rows = await db.selectDistinct({ taskId: unreadSessions.taskId }).from(unreadSessions).where(eq(unreadSessions.orgId, orgId));
	return rows.map((r) => r.taskId).sort();
}

export async function listNotifications(db: UserDb, input: unknown): Promise<Notification[]> {
	const { unreadOnly, limit } = parseInput(listNotificationsInputSchema, input ?? {});
	const rows = await db
		.select()
		.from(notifications)
		.where(unreadOnly ? isNull(notifications.readAt) : undefined)
		.orderBy(desc(notifications.id))
		.limit(limit ?? 100);
	return rows.map(toNotification);
}

/** Marks the given notifications (all unread ones when no ids) read. */
export async function markNotificationsRead(ctx: UserCommandContext, body: unknown): Promise<{ ids: number[] }> {
	const { ids } = parseInput(markNotificationsReadInputSchema, body ?? {});
	const where = ids ? and(isNull(notifications.readAt), inArray(notifications.id, ids)) : isNull(notifications.readAt);
	const rows = await ctx.db.update(notifications).set({ readAt: Date.now() }).where(where).returning({ id: notifications.id });
	const marked = rows.map((r) => r.id);
	if (marked.length > 0) ctx.emit({ type: "notificationsRead", ids: marked });
	return { ids: marked };
}
