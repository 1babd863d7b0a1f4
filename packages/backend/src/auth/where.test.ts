import { describe, expect, it } from "vitest";
import { matches, pinned, select } from "./where.ts";

const rows = [
	{ id: "a", email: "Ann@Example.com", n: 1, expiresAt: "2026-01-01T00:00:00.000Z" },
	{ id: "b", email: "bob@example.com", n: 2, expiresAt: "2027-01-01T00:00:00.000Z" },
	{ id: "c", email: "cy@example.org", n: 3, expiresAt: "2028-01-01T00:00:00.000Z" },
];

describe("where clauses", () => {
	it("evaluates operators, case-insensitive mode, AND/OR", () => {
		expect(select(rows, [{ field: "id", value: "b" }]).map((r) => r.id)).toEqual(["b"]);
		expect(select(rows, [{ field: "n", value: 2, operator: "gte" }]).map((r) => r.id)).toEqual(["b", "c"]);
		expect(select(rows, [{ field: "email", value: "ann@example.com", mode: "insensitive" }]).map((r) => r.id)).toEqual(["a"]);
		expect(select(rows, [{ field: "id", value: ["a", "c"], operator: "in" }]).map((r) => r.id)).toEqual(["a", "c"]);
		expect(select(rows, [{ field: "email", value: ".org", operator: "ends_with" }]).map((r) => r.id)).toEqual(["c"]);
		expect(select(rows, [{ field: "expiresAt", value: "2027-06-01T00:00:00.000Z", operator: "lt" }]).map((r) => r.id)).toEqual(["a", "b"]);
		const or = [
			{ field: "id", value: "a" },
			{ field: "n", value: 3, connector: "OR" as const },
		];
		expect(select(rows, or).map((r) => r.id)).toEqual(["a", "c"]);
		expect(matches(rows[0]!, [])).toBe(true);
	});

	it("sorts, offsets and limits", () => {
		const out = select(rows, [], { sortBy: { field: "n", direction: "desc" }, offset: 1, limit: 1 });
		expect(out.map((r) => r.id)).toEqual(["b"]);
	});

	it("pins a field only for plain equality without OR", () => {
		expect(pinned([{ field: "token", value: "t" }], "token")).toBe("t");
		expect(pinned([{ field: "token", value: "t", operator: "ne" }], "token")).toBeUndefined();
		expect(pinned([{ field: "token", value: "t" }, { field: "id", value: "x", connector: "OR" }], "token")).toBeUndefined();
	});

	it("refuses unknown operators loudly", () => {
		expect(() => select(rows, [{ field: "id", value: "a", operator: "regex" }])).toThrow(/unsupported/);
	});
});
