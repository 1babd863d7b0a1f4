import type { TranscriptEvent } from "@foundry/client";
import { describe, expect, it } from "vitest";
import { buildBlocks, openPermission } from "./transcript-model.ts";

let index = 0;
function ev(kind: TranscriptEvent["kind"], text: string, data: unknown = {}): TranscriptEvent {
	index++;
	return { sessionId: "s1", index, at: index, sender: kind === "user_message" ? "client" : "agent", kind, text, data };
}
const toolData = (toolCallId: string, status?: string) => ({ payload: { params: { update: { toolCallId, ...(status ? { status } : {}) } } } });

describe("buildBlocks", () => {
	it("folds streamed agent chunks into one message and keeps user prompts apart", () => {
		const blocks = buildBlocks([ev("user_message", "hi"), ev("agent_message", "Hel"), ev("agent_message", "lo **there**"), ev("turn_end", "end_turn"), ev("user_message", "again")]);
		expect(blocks.map((b) => b.type)).toEqual(["user", "agent", "turn_end", "user"]);
		expect(blocks[1]).toMatchObject({ text: "Hello **there**" });
	});

	it("folds a tool call's updates into the call, by its id", () => {
		const blocks = buildBlocks([ev("tool_call", "edit src/a.ts", toolData("t1")), ev("agent_message", "…"), ev("tool_update", "completed: wrote 3 lines", toolData("t1", "completed"))]);
		expect(blocks[0]).toMatchObject({ type: "tool", title: "edit src/a.ts", status: "completed", updates: ["wrote 3 lines"] });
		expect(blocks).toHaveLength(2);
	});

	it("knows which permission request still waits for an answer", () => {
		const asked = buildBlocks([ev("user_message", "run tests"), ev("permission_request", "run npm test", { requestId: "r1" })]);
		expect(openPermission(asked)).toMatchObject({ requestId: "r1", text: "run npm test" });
		expect(openPermission(buildBlocks([ev("permission_request", "x", { requestId: "r2" }), ev("turn_end", "end_turn")]))).toBeNull();
	});
});
