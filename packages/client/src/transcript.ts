// Transcript reading: paging through the stored transcript, and merging the stored backlog with live
// events so each index is delivered once, in ascending order.
import { FoundryError, type TranscriptEvent, type TranscriptPage } from "@foundry/shared";

/** The largest page the sandbox actor serves. */
export const TRANSCRIPT_PAGE = 1000;

/** Every stored event after `after`, following `next` until the end. */
export async function readTranscript(fetchPage: (after: number) => Promise<TranscriptPage>, after = 0): Promise<TranscriptEvent[]> {
	const events: TranscriptEvent[] = [];
	for (let cursor = after; ; ) {
		const page = await fetchPage(cursor);
		events.push(...page.events);
		if (page.next === null) return events;
		if (page.next <= cursor) throw new FoundryError("INTERNAL", `transcript paging did not advance (after ${cursor}, next ${page.next})`);
		cursor = page.next;
	}
}

export interface MergeResult {
	/** New events, ascending by index, each index once. */
	deliver: TranscriptEvent[];
	/** Live events arrived past a missing index: fetch the stored transcript again (after `last`). */
	gap: boolean;
}

/**
 * Backlog + live merge for one session. The stored backlog is authoritative (delivered as read);
 * live events must continue it without a hole: they are held while a backlog fetch runs, and a hole
 * (an index skipped) holds them until the next backlog fills it.
 */
export class TranscriptMerge {
	#last: number;
	#pending = new Map<number, TranscriptEvent>();
	#syncing = false;

	constructor(after = 0) {
		this.#last = after;
	}

	/** The highest index delivered so far. */
	get last(): number {
		return this.#last;
	}

	/** Live events are held from now until `backlog` delivers the fetched transcript. */
	beginSync(): void {
		this.#syncing = true;
	}

	/** Events pushed by the actor. */
	live(events: TranscriptEvent[]): MergeResult {
		this.#hold(events);
		if (this.#syncing) return { deliver: [], gap: false };
		return this.#drain([]);
	}

	/** The stored events after `last` (as read when the sync began); ends the sync. */
	backlog(events: TranscriptEvent[]): MergeResult {
		this.#syncing = false;
		const deliver: TranscriptEvent[] = [];
		for (const ev of [...events].sort((a, b) => a.index - b.index)) {
			if (ev.index <= this.#last) continue;
			deliver.push(ev);
			this.#last = ev.index;
		}
		return this.#drain(deliver);
	}

	#hold(events: TranscriptEvent[]): void {
		for (const ev of events) if (ev.index > this.#last) this.#pending.set(ev.index, ev);
	}

	#drain(deliver: TranscriptEvent[]): MergeResult {
		for (const index of [...this.#pending.keys()]) if (index <= this.#last) this.#pending.delete(index);
		for (let next = this.#pending.get(this.#last + 1); next; next = this.#pending.get(this.#last + 1)) {
			this.#pending.delete(next.index);
			deliver.push(next);
			this.#last = next.index;
		}
		return { deliver, gap: this.#pending.size > 0 };
	}
}
