// organization.updateSettings (admin): organization-wide behaviour, audited and broadcast.
import { actorRefSchema, type OrganizationSettings, parseInput, updateSettingsInputSchema } from "@foundry/shared";
import { z } from "zod";
import { commitChange, type OrganizationCommandContext } from "../context.ts";
import { readSettings } from "../reads.ts";
import { orgSettings } from "../schema.ts";

const schema = z.object({ patch: updateSettingsInputSchema, actor: actorRefSchema });

export async function updateSettings(ctx: OrganizationCommandContext, body: unknown): Promise<OrganizationSettings> {
	const { patch, actor } = parseInput(schema, body);
	const before = await readSettings(ctx.db);
	const settings = { ...before, ...patch };
	if (JSON.stringify(settings) === JSON.stringify(before)) return before;
	await commitChange(ctx, "settings", async (tx) => {
		const row = { id: 1, settings: JSON.stringify(settings), updatedAt: Date.now() };
		await tx.insert(orgSettings).values(row).onConflictDoUpdate({ target: orgSettings.id, set: row });
		return { type: "settings", settings };
	});
	ctx.outbox.audit({ kind: "organization.settings_changed", actor, repoId: null, taskId: null, payload: { from: before, to: settings } });
	return settings;
}
