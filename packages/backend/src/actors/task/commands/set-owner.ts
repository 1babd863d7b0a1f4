// task.setOwner: give the task to another member. The current owner or an admin may; the new
// owner must be a member of the organization. (Step 5 also moves ownership to whoever sends a
// message.) The owner's GitHub identity is what git uses in the sandbox.
import { actorRefSchema, FoundryError, parseInput, roleSchema, setTaskOwnerInputSchema, type TaskRecord } from "@foundry/shared";
import type { z } from "zod";
import { commitChange, ensureRecord, type TaskCommandContext } from "../context.ts";

const schema = setTaskOwnerInputSchema.extend({ actor: actorRefSchema, actorRole: roleSchema });

export async function setTaskOwner(ctx: TaskCommandContext, body: unknown): Promise<TaskRecord> {
	const input = parseInput(schema, body);
	const record = await ensureRecord(ctx);
	if (record.owner !== input.actor && input.actorRole !== "admin") {
		throw new FoundryError("FORBIDDEN", "only the task's owner or an admin can change its owner");
	}
	if (record.owner === input.userId) return record;
	const member = await ctx.peers.organization.getOrCreate([ctx.orgId]).getMember(input.userId);
	if (!member) throw new FoundryError("INVALID_INPUT", `user ${input.userId} is not a member of ${ctx.orgId}`, { field: "userId" });
	return commitChange(
		ctx,
		record,
		{ owner: member.userId, ownerLogin: member.login, ownerAvatarUrl: member.avatarUrl },
		{ kind: "task.owner_changed", actor: input.actor, payload: { from: record.ownerLogin, to: member.login } },
	);
}
export type SetOwnerBody = z.infer<typeof schema>;
