import type { TranscriptEvent, TranscriptPage } from "@foundry/shared";
import { describe, expect, it } from "vitest";
import { readTranscript, TranscriptMerge } from "./transcript.ts";

const ev = (index: number): TranscriptEvent => ({ sessionId: "s_aaaaaaaaaa", index, at: index, sender: "agent", kind: "agent_message", text: `#${index}`, data: null });
const evs = (...indexes: number[]) => indexes.map(ev);
const indexes = (events: TranscriptEvent[]) => events.map((e) => e.index);

describe("readTranscript", () => {
	it("follows next until null, starting after the given index", async () => {
		const asked: number[] = [];
		const pages: Record<number, TranscriptPage> = { 3: { events: evs(4, 5), next: 5 }, 5: { events: evs(6), next: null } };
		const events = await readTranscript(async (after) => {
			asked.push(after);
			return pages[after] ?? { events: [], next: null };
		}, 3);
		expect(asked).toEqual([3, 5]);
		expect(indexes(events)).toEqual([4, 5, 6]);
	});

	it("refuses a cursor that does not advance", async () => {
		await expect(readTranscript(async () => ({ events: [], next: 0 }))).rejects.toMatchObject({ code: "INTERNAL" });
	});
});

describe("TranscriptMerge", () => {
	it("holds live events during the backlog read and delivers each index once, ascending", () => {
		const m = new TranscriptMerge();
		m.beginSync();
		expect(m.live(evs(3, 4)).deliver).toEqual([]);
		const { deliver, gap } = m.backlog(evs(2, 1, 3));
		expect(indexes(deliver)).toEqual([1, 2, 3, 4]);
		expect(gap).toBe(false);
		expect(m.last).toBe(4);
		expect(indexes(m.live(evs(4, 5)).deliver)).toEqual([5]);
		expect(m.live(evs(1, 5)).deliver).toEqual([]);
	});

	it("delivers nothing twice when the backlog overlaps what was already delivered", () => {
		const m = new TranscriptMerge();
		m.beginSync();
		m.backlog(evs(1, 2));
		m.beginSync();
		m.live(evs(3));
		expect(indexes(m.backlog(evs(2, 3)).deliver)).toEqual([3]);
	});

	it("holds live events behind a hole and reports the gap until a backlog fills it", () => {
		const m = new TranscriptMerge();
		m.backlog(evs(1));
		const held = m.live(evs(3, 4));
		expect(held).toEqual({ deliver: [], gap: true });
		m.beginSync();
		expect(m.backlog(evs(2, 3))).toMatchObject({ gap: false });
		expect(m.last).toBe(4);
	});

	it("takes the stored backlog as it is, holes included", () => {
		const m = new TranscriptMerge();
		m.beginSync();
		m.live(evs(9));
		const { deliver, gap } = m.backlog(evs(5, 7, 8));
		expect(indexes(deliver)).toEqual([5, 7, 8, 9]);
		expect(gap).toBe(false);
	});

	it("starts after a given index", () => {
		const m = new TranscriptMerge(10);
		expect(indexes(m.live(evs(10, 11)).deliver)).toEqual([11]);
	});
});
