// task.setStatus: move through the status machine (sessions drive this from step 5 on).
import { actorRefSchema, parseInput, setTaskStatusInputSchema, type TaskRecord } from "@foundry/shared";
import { commitChange, ensureRecord, type TaskCommandContext } from "../context.ts";
import { assertTransition } from "../status.ts";

const schema = setTaskStatusInputSchema.extend({ actor: actorRefSchema });

export async function setTaskStatus(ctx: TaskCommandContext, body: unknown): Promise<TaskRecord> {
	const input = parseInput(schema, body);
	const record = await ensureRecord(ctx);
	if (record.status === input.status) return record;
	assertTransition(record.status, input.status);
	return commitChange(
		ctx,
		record,
		{ status: input.status },
		{ kind: "task.status_changed", actor: input.actor, payload: { from: record.status, to: input.status } },
	);
}
