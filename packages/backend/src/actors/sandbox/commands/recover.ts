// sandbox.recover: after a crash or a restart, turns that no process runs now are closed.
// Sent by the backend at start for every sandbox a previous run left (their servers are stopped
// by then: `gone`), and by the actor itself when it wakes (its live runtime is new, so a session
// the tables still call running has nobody running it).
import { parseInput } from "@foundry/shared";
import { inArray } from "drizzle-orm";
import { z } from "zod";
import { decodeHandle, readSandbox, readSession, type SandboxCommandContext } from "../context.ts";
import { sessions } from "../schema.ts";
import { interruptTurn } from "../turns.ts";
import { expire, liveSandbox } from "./provision.ts";

/** `pid`: the server that is gone; a sandbox provisioned since (a replayed prompt did) is left alone. */
const recoverSchema = z.object({ reason: z.string().min(1).max(200), gone: z.boolean(), pid: z.number().int().optional() });

const BUSY = ["running", "needs_input"] as const;

export async function recover(ctx: SandboxCommandContext, body: unknown): Promise<{ interrupted: number; expired: boolean }> {
	const { reason, gone: said, pid } = parseInput(recoverSchema, body);
	const row = await readSandbox(ctx.db);
	const gone = said && (pid === undefined || (await decodeHandle(ctx, row))?.pid === pid);
	const held = ctx.runtime();
	const orphans = (await ctx.db.select().from(sessions).where(inArray(sessions.status, [...BUSY]))).filter((s) => !held?.running(s.id));
	const live = row.state === "ready" || row.state === "paused";
	let expired = false;
	if (live && gone) {
		await expire(ctx, row, reason);
		expired = true;
	}
	if (orphans.length === 0) return { interrupted: 0, expired };
	const ready = !expired && live ? await liveSandbox(ctx, reason) : null;
	let interrupted = 0;
	for (const orphan of orphans) {
		const now = await readSession(ctx.db, orphan.id);
		if (!(BUSY as readonly string[]).includes(now.status)) continue; // closed by the expiry above
		// The agent may still be working in a live sandbox: stop it before the turn is closed.
		if (ready && now.generation === ready.row.generation) {
			await ready.rt.abandon(now.id).catch((err: unknown) => ctx.log.warn({ err, sessionId: now.id }, "an orphaned turn could not be cancelled"));
		}
		await interruptTurn(ctx, now, reason);
		interrupted += 1;
	}
	return { interrupted, expired };
}
