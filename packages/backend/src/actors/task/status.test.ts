import { FoundryError, TASK_STATUSES } from "@foundry/shared";
import { describe, expect, it } from "vitest";
import { assertTransition, canTransition } from "./status.ts";

describe("task status machine", () => {
	it("allows the working cycle and archiving from anywhere but archived", () => {
		expect(canTransition("idle", "running")).toBe(true);
		expect(canTransition("running", "needs_input")).toBe(true);
		expect(canTransition("needs_input", "running")).toBe(true);
		expect(canTransition("running", "error")).toBe(true);
		expect(canTransition("error", "idle")).toBe(true);
		for (const from of TASK_STATUSES.filter((s) => s !== "archived")) expect(canTransition(from, "archived")).toBe(true);
	});

	it("refuses leaving archived except through unarchive, and skipping running", () => {
		for (const to of TASK_STATUSES) expect(canTransition("archived", to)).toBe(false);
		expect(canTransition("idle", "needs_input")).toBe(false);
		expect(canTransition("idle", "error")).toBe(false);
	});

	it("throws PRECONDITION_FAILED naming both states", () => {
		try {
			assertTransition("archived", "running");
			expect.unreachable();
		} catch (err) {
			expect(err).toBeInstanceOf(FoundryError);
			expect((err as FoundryError).code).toBe("PRECONDITION_FAILED");
			expect((err as FoundryError).message).toContain("'archived' to 'running' (unarchive the task first)");
		}
	});
});
