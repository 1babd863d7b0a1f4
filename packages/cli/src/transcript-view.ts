// A session transcript in the terminal (`foundry task watch`): agent text streamed as it comes,
// tools, permission requests and errors on lines of their own; and when a watch ends.
import type { Session, TranscriptEvent } from "@foundry/client";

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The id members answer a permission request with (the backend records it in the event's data). */
export function permissionRequestId(ev: TranscriptEvent): string | null {
	return isRecord(ev.data) && typeof ev.data.requestId === "string" ? ev.data.requestId : null;
}

/**
 * Writes events once each, in index order (as text, or one JSON line each); knows whether the cursor
 * sits mid-line and whether a turn was asked for and has not ended yet.
 */
export class TranscriptPrinter {
	#midLine = false;
	#last = 0;
	#lastUser = 0;
	#lastEnd = 0;

	constructor(
		private readonly taskId: string,
		private readonly write: (s: string) => void,
		private readonly json = false,
	) {}

	/** The highest index printed. */
	get last(): number {
		return this.#last;
	}

	/** The last user message comes after the last turn end (or error). */
	get turnPending(): boolean {
		return this.#lastUser > this.#lastEnd;
	}

	print(events: TranscriptEvent[]): void {
		for (const ev of events) {
			if (ev.index <= this.#last) continue;
			this.#last = ev.index;
			if (ev.kind === "user_message") this.#lastUser = ev.index;
			if (ev.kind === "turn_end" || ev.kind === "error") this.#lastEnd = ev.index;
			const text = this.json ? `${JSON.stringify(ev)}\n` : this.#render(ev);
			if (text.length > 0) this.write(text);
		}
	}

	/** Ends a streamed line, if any. */
	finish(): void {
		if (this.#midLine) this.write("\n");
		this.#midLine = false;
	}

	#line(text: string): string {
		const out = `${this.#midLine ? "\n" : ""}${text}\n`;
		this.#midLine = false;
		return out;
	}

	#render(ev: TranscriptEvent): string {
		switch (ev.kind) {
			case "agent_message":
				if (ev.text.length > 0) this.#midLine = !ev.text.endsWith("\n");
				return ev.text;
			case "user_message":
				return this.#line(ev.text.split("\n").map((l) => `> ${l}`).join("\n"));
			case "tool_call":
				return this.#line(`⚙ ${ev.text}`);
			case "permission_request":
				return this.#line(`? ${ev.text} (answer: foundry task allow ${this.taskId} ${permissionRequestId(ev) ?? "<request id>"} [--always|--reject])`);
			case "error":
				return this.#line(`error: ${ev.text}`);
			case "notice":
				return this.#line(`note: ${ev.text}`);
			case "turn_end": {
				const out = this.#midLine ? "\n" : "";
				this.#midLine = false;
				return out;
			}
			default:
				// Thoughts, tool progress and protocol details stay out of the terminal view.
				return "";
		}
	}
}

export interface WatchEnd {
	/** Exit code: 0, or 1 when the session failed. */
	code: 0 | 1;
	/** What to tell the user at the end (null: nothing). */
	message: string | null;
}

/**
 * When a watch ends, from the session's status updates. A watch follows a running turn (or one
 * about to start) and ends when the session is idle/ready again after it was seen running, needs
 * input, failed or was closed. Before `start` updates are only recorded.
 */
export class WatchState {
	#session: Session;
	#seenRunning = false;
	#started = false;

	constructor(
		session: Session,
		private readonly taskId: string,
	) {
		this.#session = session;
		this.#seenRunning = session.status === "running";
	}

	get session(): Session {
		return this.#session;
	}

	/** A newer record of the watched session; an end once the watch started. */
	update(session: Session): WatchEnd | null {
		this.#session = session;
		if (session.status === "running") this.#seenRunning = true;
		return this.#started ? this.#verdict(session) : null;
	}

	/** After the backlog was printed: keep watching (null) or end at once. */
	start(pendingTurn: boolean): WatchEnd | null {
		this.#started = true;
		const s = this.#session;
		if (s.status === "running") return null;
		if (this.#seenRunning) return this.#verdict(s);
		const waiting = s.status === "pending_provision" || s.status === "ready" || s.status === "idle";
		if (pendingTurn && waiting) return null;
		// Nothing runs: the transcript was all there is to show.
		return this.#verdict(s) ?? { code: 0, message: null };
	}

	#verdict(s: Session): WatchEnd | null {
		switch (s.status) {
			case "running":
			case "pending_provision":
				return null;
			case "ready":
			case "idle":
				return this.#seenRunning ? { code: 0, message: null } : null;
			case "needs_input":
				return {
					code: 0,
					message: `session ${s.id} needs input: answer the request above (foundry task allow ${this.taskId} <request id>), then watch again with foundry task watch ${this.taskId} --session ${s.id}`,
				};
			case "error":
				return { code: 1, message: `session ${s.id} failed: ${s.error ?? "unknown error"}` };
			case "closed":
				return { code: 0, message: `session ${s.id} was closed` };
		}
	}
}
