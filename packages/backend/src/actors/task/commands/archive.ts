// task.archive / task.unarchive. Both are idempotent: archiving an archived task changes nothing.
import { actorRefSchema, parseInput, type TaskRecord } from "@foundry/shared";
import { z } from "zod";
import { commitChange, ensureRecord, type TaskCommandContext } from "../context.ts";
import { releaseSandbox } from "./git.ts";

const schema = z.object({ actor: actorRefSchema });

export async function archiveTask(ctx: TaskCommandContext, body: unknown): Promise<TaskRecord> {
	const input = parseInput(schema, body);
	const record = await ensureRecord(ctx);
	if (record.status === "archived") return record;
	const archived = await commitChange(
		ctx,
		record,
		{ status: "archived" },
		{ kind: "task.archived", actor: input.actor, payload: { previousStatus: record.status } },
	);
	// Archive stops the task's sessions and releases its sandbox.
	await releaseSandbox(ctx, input.actor, "archived");
	return archived;
}

export async function unarchiveTask(ctx: TaskCommandContext, body: unknown): Promise<TaskRecord> {
	const input = parseInput(schema, body);
	const record = await ensureRecord(ctx);
	if (record.status !== "archived") return record;
	return commitChange(ctx, record, { status: "idle" }, { kind: "task.unarchived", actor: input.actor, payload: {} });
}
