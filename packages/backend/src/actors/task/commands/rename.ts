// task.rename: change the title (not allowed while archived).
import { actorRefSchema, parseInput, preconditionFailed, renameTaskInputSchema, type TaskRecord } from "@foundry/shared";
import { commitChange, ensureRecord, type TaskCommandContext } from "../context.ts";

const schema = renameTaskInputSchema.extend({ actor: actorRefSchema });

export async function renameTask(ctx: TaskCommandContext, body: unknown): Promise<TaskRecord> {
	const input = parseInput(schema, body);
	const record = await ensureRecord(ctx);
	if (record.status === "archived") throw preconditionFailed("task is archived; unarchive it before renaming");
	if (record.title === input.title) return record;
	return commitChange(
		ctx,
		record,
		{ title: input.title },
		{ kind: "task.renamed", actor: input.actor, payload: { from: record.title, to: input.title } },
	);
}
