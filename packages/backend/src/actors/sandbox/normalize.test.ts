import { describe, expect, it } from "vitest";
import { normalizeEnvelope } from "./normalize.ts";

describe("normalizeEnvelope", () => {
	it("maps prompts, chunks, tools, turn ends and errors", () => {
		expect(normalizeEnvelope({ method: "session/prompt", params: { prompt: [{ type: "text", text: "hi" }] } })).toEqual({ kind: "user_message", text: "hi" });
		expect(
			normalizeEnvelope({ method: "session/update", params: { update: { sessionUpdate: "agent_message_chunk", content: { type: "text", text: "yo" } } } }),
		).toEqual({ kind: "agent_message", text: "yo" });
		expect(normalizeEnvelope({ method: "session/update", params: { update: { sessionUpdate: "tool_call", title: "grep" } } })).toEqual({ kind: "tool_call", text: "grep" });
		expect(
			normalizeEnvelope({
				method: "session/update",
				params: { update: { sessionUpdate: "tool_call_update", status: "completed", content: [{ type: "content", content: { type: "text", text: "done" } }] } },
			}),
		).toEqual({ kind: "tool_update", text: "completed: done" });
		expect(normalizeEnvelope({ id: 3, result: { stopReason: "end_turn" } })).toEqual({ kind: "turn_end", text: "end_turn" });
		expect(normalizeEnvelope({ id: 2, error: { code: -32050, message: "nope" } })).toEqual({ kind: "error", text: "nope" });
		expect(normalizeEnvelope({ method: "session/request_permission", params: {} }).kind).toBe("other");
		expect(normalizeEnvelope("garbage").kind).toBe("other");
	});
});
