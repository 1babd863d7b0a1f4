// The transcript as the task view shows it: streamed chunks folded into messages, tool updates
// folded into their call, permission requests with the id members answer with. Pure (unit-tested).
import type { TranscriptEvent } from "@foundry/client";

export type Block =
	| { type: "user"; key: string; text: string; at: number }
	| { type: "agent"; key: string; text: string; at: number }
	| { type: "thought"; key: string; text: string; at: number }
	| { type: "tool"; key: string; title: string; updates: string[]; status: string | null; at: number }
	| { type: "permission"; key: string; text: string; requestId: string | null; at: number }
	| { type: "error"; key: string; text: string; at: number }
	| { type: "notice"; key: string; text: string; at: number }
	| { type: "turn_end"; key: string; text: string; at: number };

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});

/** The ACP update inside a stored event's envelope (data.payload.params.update). */
function update(ev: TranscriptEvent): Obj {
	return obj(obj(obj(obj(ev.data).payload).params).update);
}

function toolCallId(ev: TranscriptEvent): string | null {
	const id = update(ev).toolCallId;
	return typeof id === "string" ? id : null;
}

function requestIdOf(ev: TranscriptEvent): string | null {
	const id = obj(ev.data).requestId;
	return typeof id === "string" ? id : null;
}

const STREAMED = { agent_message: "agent", agent_thought: "thought", user_message: "user" } as const;

/** Folds events (ascending, each index once) into blocks. */
export function buildBlocks(events: readonly TranscriptEvent[]): Block[] {
	const blocks: Block[] = [];
	const tools = new Map<string, Extract<Block, { type: "tool" }>>();
	for (const ev of events) {
		const key = `${ev.sessionId}:${ev.index}`;
		const last = blocks.at(-1);
		switch (ev.kind) {
			case "agent_message":
			case "agent_thought":
			case "user_message": {
				const type = STREAMED[ev.kind];
				// The user's prompt arrives once from the client; the agent's text in chunks.
				if (last && last.type === type && type !== "user") last.text += ev.text;
				else if (ev.text.length > 0) blocks.push({ type, key, text: ev.text, at: ev.at });
				break;
			}
			case "tool_call": {
				const block = { type: "tool" as const, key, title: ev.text || "tool call", updates: [], status: null, at: ev.at };
				blocks.push(block);
				const id = toolCallId(ev);
				if (id) tools.set(id, block);
				break;
			}
			case "tool_update": {
				const id = toolCallId(ev);
				const block = id ? tools.get(id) : undefined;
				const status = update(ev).status;
				if (block) {
					if (typeof status === "string") block.status = status;
					const content = ev.text.replace(/^[a-z_]+(: )?/, "");
					if (content.length > 0) block.updates.push(content);
				} else if (ev.text.length > 0) {
					blocks.push({ type: "tool", key, title: ev.text, updates: [], status: typeof status === "string" ? status : null, at: ev.at });
				}
				break;
			}
			case "permission_request":
				blocks.push({ type: "permission", key, text: ev.text, requestId: requestIdOf(ev), at: ev.at });
				break;
			case "error":
			case "notice":
			case "turn_end":
				blocks.push({ type: ev.kind, key, text: ev.text, at: ev.at });
				break;
			default:
				break;
		}
	}
	return blocks;
}

/** The permission request still waiting for an answer: the last one, if no turn end or message follows it. */
export function openPermission(blocks: readonly Block[]): Extract<Block, { type: "permission" }> | null {
	for (let i = blocks.length - 1; i >= 0; i--) {
		const b = blocks[i];
		if (!b) continue;
		if (b.type === "permission") return b;
		if (b.type === "turn_end" || b.type === "user" || b.type === "error") return null;
	}
	return null;
}
