// sandbox-agent session events (JSON-RPC envelopes) → transcript entries clients can render.
import type { TranscriptKind } from "@foundry/shared";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : "");

export interface Normalized {
	kind: TranscriptKind;
	text: string;
}

function contentText(content: unknown): string {
	if (Array.isArray(content)) return content.map((c) => contentText(obj(c).content ?? c)).join("");
	const c = obj(content);
	return c.type === "text" ? str(c.text) : "";
}

function fromUpdate(update: Obj): Normalized {
	switch (update.sessionUpdate) {
		case "agent_message_chunk":
			return { kind: "agent_message", text: contentText(update.content) };
		case "agent_thought_chunk":
			return { kind: "agent_thought", text: contentText(update.content) };
		case "user_message_chunk":
			return { kind: "user_message", text: contentText(update.content) };
		case "tool_call":
			return { kind: "tool_call", text: str(update.title) };
		case "tool_call_update":
			return { kind: "tool_update", text: [str(update.status), contentText(update.content)].filter(Boolean).join(": ") };
		default:
			return { kind: "other", text: str(update.sessionUpdate) };
	}
}

export function normalizeEnvelope(payload: unknown): Normalized {
	const p = obj(payload);
	const params = obj(p.params);
	if (p.method === "session/prompt") {
		const blocks = Array.isArray(params.prompt) ? params.prompt : [];
		return { kind: "user_message", text: blocks.map((b) => (obj(b).type === "text" ? str(obj(b).text) : "")).join("") };
	}
	if (p.method === "session/update") return fromUpdate(obj(params.update));
	// Permission requests are recorded by Foundry with the id members answer with (see runtime.ts).
	if (p.method === "session/request_permission") return { kind: "other", text: "permission requested" };
	if (p.method === "session/cancel") return { kind: "notice", text: "stop requested" };
	if (p.error !== undefined) return { kind: "error", text: str(obj(p.error).message) || "agent error" };
	const result = obj(p.result);
	if (typeof result.stopReason === "string") return { kind: "turn_end", text: result.stopReason };
	return { kind: "other", text: str(p.method) };
}
