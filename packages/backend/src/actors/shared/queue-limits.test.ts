import { describe, expect, it } from "vitest";
import { chunkByBytes, HISTORY_BUDGET, jsonBytes, QUEUE_LIMITS, queueLimits, truncateStrings } from "./queue-limits.ts";

describe("queue limits", () => {
	it("keeps every actor's largest batch inside the engine's one-write history budget", () => {
		for (const [name, l] of Object.entries(QUEUE_LIMITS)) {
			expect(l.batchSize * l.maxMessageBytes, name).toBeLessThanOrEqual(HISTORY_BUDGET);
			expect(l.batchSize, name).toBeGreaterThanOrEqual(1);
		}
		expect(queueLimits(1024 * 1024).batchSize).toBe(1);
		expect(queueLimits(1024).batchSize).toBe(32);
	});

	it("chunks lists by JSON size, in order, an oversized item alone", () => {
		const items = ["a".repeat(40), "b".repeat(40), "c".repeat(200), "d"];
		const chunks = chunkByBytes(items, 100);
		expect(chunks.flat()).toEqual(items);
		expect(chunks.map((c) => c.length)).toEqual([2, 1, 1]);
		expect(chunkByBytes([], 100)).toEqual([[]]);
	});

	it("cuts long strings anywhere in a payload and says how much", () => {
		const out = truncateStrings({ a: "x".repeat(50), b: [{ c: "y".repeat(5) }], n: 3 }, 10);
		expect(out.a).toBe(`${"x".repeat(10)}… [40 more characters not kept]`);
		expect(out.b).toEqual([{ c: "yyyyy" }]);
		expect(out.n).toBe(3);
		expect(jsonBytes("é")).toBe(4);
	});
});
