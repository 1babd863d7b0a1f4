// When `task send` may send, and when it considers the turn started.
import { FoundryError, type Session } from "@foundry/client";
import { describe, expect, it } from "vitest";
import { canTakeMessage, turnStarted } from "./send.ts";

const session = (status: Session["status"], version = 1, error: string | null = null): Session => ({
	id: "s_aaaaaaaaaa", taskId: "t_aaaaaaaaaa", name: "n", agent: "pi", model: null, status, error, createdBy: "u", createdAt: 0, updatedAt: 0, version,
});
const code = (v: unknown) => (v instanceof FoundryError ? v.code : v);

describe("canTakeMessage", () => {
	it("waits while the session provisions, refuses a closed one, and leaves the rest to the backend", () => {
		expect(canTakeMessage(session("pending_provision"))).toBe("wait");
		expect(code(canTakeMessage(session("closed")))).toBe("PRECONDITION_FAILED");
		for (const status of ["ready", "idle", "running", "needs_input", "error"] as const) expect(canTakeMessage(session(status))).toBe("yes");
	});
});

describe("turnStarted", () => {
	it("is started once the session runs or waits for input", () => {
		expect(turnStarted(session("running", 3), 3)).toBe("yes");
		expect(turnStarted(session("needs_input", 4), 3)).toBe("yes");
	});

	it("ignores states not newer than the one the message was sent at", () => {
		expect(turnStarted(session("idle", 3), 3)).toBe("wait");
		expect(turnStarted(session("error", 2, "old failure"), 3)).toBe("wait");
	});

	it("accepts a turn that already ended, and reports a failure or a close", () => {
		expect(turnStarted(session("idle", 5), 3)).toBe("yes");
		expect(turnStarted(session("ready", 4), 3)).toBe("yes");
		const failed = turnStarted(session("error", 4, "sandbox expired"), 3);
		expect(failed).toMatchObject({ code: "UPSTREAM_FAILED", message: "session s_aaaaaaaaaa failed: sandbox expired" });
		expect(code(turnStarted(session("closed", 4), 3))).toBe("PRECONDITION_FAILED");
	});
});
