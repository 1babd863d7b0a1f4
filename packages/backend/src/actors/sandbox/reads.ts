// Sandbox reads: the sandbox's state and a session's transcript, paginated by index (no cap).
import type { TranscriptEvent, TranscriptInput, TranscriptPage } from "@foundry/shared";
import { and, asc, eq, gt, isNotNull } from "drizzle-orm";
import type { SessionEvent } from "sandbox-agent";
import type { SandboxDb } from "./database.ts";
import { events } from "./schema.ts";

const PAGE_DEFAULT = 200;

export async function readTranscript(db: SandboxDb, input: TranscriptInput): Promise<TranscriptPage> {
	const limit = input.limit ?? PAGE_DEFAULT;
	const rows = await db
		.select()
		.from(events)
		.where(and(eq(events.sessionId, input.sessionId), gt(events.idx, input.after ?? 0)))
		.orderBy(asc(events.idx))
		.limit(limit + 1);
	const page = rows.slice(0, limit);
	const list: TranscriptEvent[] = page.map((r) => toTranscriptEvent(r));
	return { events: list, next: rows.length > limit ? (page.at(-1)?.idx ?? null) : null };
}

/** The SDK events of a session in one sandbox generation, ascending (sandbox-agent's persistence). */
export async function readSdkEvents(db: SandboxDb, sessionId: string, generation: number): Promise<SessionEvent[]> {
	const rows = await db
		.select({ data: events.data })
		.from(events)
		.where(and(eq(events.sessionId, sessionId), eq(events.sdkGeneration, generation), isNotNull(events.sdkIndex)))
		.orderBy(asc(events.sdkIndex));
	return rows.map((r) => JSON.parse(r.data) as SessionEvent);
}

type EventRow = typeof events.$inferSelect;

/** A stored event as clients see it: for agent-protocol events, `data` is the JSON-RPC envelope. */
export function toTranscriptEvent(r: Pick<EventRow, "sessionId" | "idx" | "at" | "sender" | "kind" | "text" | "sdkIndex"> & { data: unknown }): TranscriptEvent {
	const data = typeof r.data === "string" ? (JSON.parse(r.data) as unknown) : r.data;
	const envelope = r.sdkIndex !== null && data && typeof data === "object" && "payload" in data ? (data as { payload: unknown }).payload : data;
	return { sessionId: r.sessionId, index: r.idx, at: r.at, sender: r.sender, kind: r.kind as TranscriptEvent["kind"], text: r.text, data: envelope };
}
