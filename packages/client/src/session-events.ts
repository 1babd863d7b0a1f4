// A live session transcript: the stored backlog first, then live events, each index once, ascending.
// Live events that arrive while the backlog is read are held and merged (TranscriptMerge); after a
// reconnect only what is stored after the last delivered index is read.
import { EVENT, type SessionEventsPayload, type TranscriptEvent, type TranscriptInput, type TranscriptPage } from "@foundry/shared";
import { type BaseConn, keepConnected, type SubscribeOptions, type Subscription } from "./connection.ts";
import { type MergeResult, readTranscript, TRANSCRIPT_PAGE, TranscriptMerge } from "./transcript.ts";

export interface SandboxConn extends BaseConn {
	on(event: typeof EVENT.sessionEvents, cb: (ev: SessionEventsPayload) => void): () => void;
	transcript(input: TranscriptInput): Promise<TranscriptPage>;
}

export function subscribeSessionEvents(
	endpoint: string,
	connect: () => SandboxConn,
	sessionId: string,
	onEvents: (events: TranscriptEvent[]) => void,
	opts: SubscribeOptions = {},
): Subscription {
	const merge = new TranscriptMerge();
	const emit = (result: MergeResult, conn: SandboxConn) => {
		if (result.deliver.length > 0) onEvents(result.deliver);
		// A hole before held live events: read the store again (after what was delivered).
		if (result.gap) kept.resync(conn);
	};
	const kept = keepConnected<SandboxConn>({
		endpoint,
		connect,
		listen: (conn, isCurrent) => {
			conn.on(EVENT.sessionEvents, (payload) => {
				if (isCurrent() && payload.sessionId === sessionId) emit(merge.live(payload.events), conn);
			});
		},
		sync: async (conn, isCurrent) => {
			merge.beginSync();
			const events = await readTranscript((after) => conn.transcript({ sessionId, after, limit: TRANSCRIPT_PAGE }), merge.last);
			if (isCurrent()) emit(merge.backlog(events), conn);
		},
		onError: opts.onError,
		onConnectionChange: opts.onConnectionChange,
	});
	return { ready: kept.ready, close: kept.close };
}
