// The session subscription against a stand-in for RivetKit's actor connection (the library boundary):
// live events pushed while the backlog is read are merged, and a hole triggers a fresh read.
import type { SessionEventsPayload, TranscriptEvent, TranscriptInput, TranscriptPage } from "@foundry/shared";
import { describe, expect, it } from "vitest";
import { type SandboxConn, subscribeSessionEvents } from "./session-events.ts";

const SESSION = "s_aaaaaaaaaa";
const ev = (index: number, sessionId = SESSION): TranscriptEvent => ({ sessionId, index, at: index, sender: "agent", kind: "agent_message", text: `#${index}`, data: null });

/** A connection whose store and pushes the test controls; `transcript` waits for `release()`. */
class StandInConn implements SandboxConn {
	stored: TranscriptEvent[] = [];
	asked: TranscriptInput[] = [];
	#listeners: Array<(ev: SessionEventsPayload) => void> = [];
	#opened: Array<() => void> = [];
	#gate: Promise<void> = Promise.resolve();
	#release: () => void = () => undefined;

	on(_event: "sessionEvents", cb: (ev: SessionEventsPayload) => void): () => void {
		this.#listeners.push(cb);
		return () => undefined;
	}
	onOpen(cb: () => void): () => void {
		this.#opened.push(cb);
		return () => undefined;
	}
	onStatusChange(): () => void {
		return () => undefined;
	}
	async dispose(): Promise<void> {
		// nothing to release
	}
	async transcript(input: TranscriptInput): Promise<TranscriptPage> {
		this.asked.push(input);
		await this.#gate;
		return { events: this.stored.filter((e) => e.index > (input.after ?? 0)), next: null };
	}
	hold(): void {
		this.#gate = new Promise((r) => {
			this.#release = r;
		});
	}
	release(): void {
		this.#release();
	}
	open(): void {
		for (const cb of this.#opened) cb();
	}
	push(sessionId: string, ...events: TranscriptEvent[]): void {
		for (const cb of this.#listeners) cb({ sessionId, events });
	}
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("subscribeSessionEvents", () => {
	it("delivers the backlog, then held and live events, each index once and in order", async () => {
		const conn = new StandInConn();
		conn.stored = [ev(1), ev(2)];
		conn.hold();
		const got: number[][] = [];
		const sub = subscribeSessionEvents("http://x", () => conn, SESSION, (events) => got.push(events.map((e) => e.index)));
		conn.open();
		conn.push(SESSION, ev(2), ev(3));
		conn.push("s_bbbbbbbbbb", ev(4, "s_bbbbbbbbbb"));
		conn.release();
		await sub.ready;
		expect(got).toEqual([[1, 2, 3]]);
		conn.push(SESSION, ev(3), ev(4));
		expect(got).toEqual([[1, 2, 3], [4]]);
		await sub.close();
	});

	it("reads the store again after a hole and continues from the last delivered index", async () => {
		const conn = new StandInConn();
		conn.stored = [ev(1)];
		const got: number[] = [];
		const sub = subscribeSessionEvents("http://x", () => conn, SESSION, (events) => got.push(...events.map((e) => e.index)));
		conn.open();
		await sub.ready;
		conn.stored.push(ev(2), ev(3));
		conn.push(SESSION, ev(3));
		await settle();
		expect(got).toEqual([1, 2, 3]);
		expect(conn.asked.map((a) => a.after)).toEqual([0, 1]);
		await sub.close();
	});
});
