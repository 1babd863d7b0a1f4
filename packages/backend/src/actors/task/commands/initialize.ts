// task.initialize: the organization creates the task's record. Replays return the stored record.
import { parseInput, type TaskRecord, taskRecordSchema } from "@foundry/shared";
import { type TaskCommandContext, loadRecord } from "../context.ts";
import { taskRecord } from "../schema.ts";

const initializeSchema = taskRecordSchema.omit({ version: true });

export async function initializeTask(ctx: TaskCommandContext, body: unknown): Promise<TaskRecord> {
	const input = parseInput(initializeSchema, body, "task record");
	const existing = await loadRecord(ctx);
	if (existing) return existing;
	const record: TaskRecord = { ...input, id: ctx.taskId, orgId: ctx.orgId, version: 1 };
	await ctx.db.insert(taskRecord).values(record);
	return record;
}
