// task.initialize: create the task's record from the organization's index row. Replays return
// the stored record. Sent by the organization right after createTask, or implied by any first use.
import type { TaskRecord } from "@foundry/shared";
import { ensureRecord, type TaskCommandContext } from "../context.ts";

export async function initializeTask(ctx: TaskCommandContext, _body: unknown): Promise<TaskRecord> {
	return ensureRecord(ctx);
}
