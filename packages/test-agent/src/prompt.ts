// Turns ACP prompt content blocks into script text.
import type { ContentBlock } from "@agentclientprotocol/sdk";

/**
 * sandbox-agent's `resumeSession` (after the SDK object or the agent process changed) re-creates
 * the agent session and prepends one text block starting with this sentence, followed by one
 * JSON envelope per line. The agent does not run it; it reports `history: <n> events` instead.
 */
export const REPLAY_PREAMBLE = "Previous session history is replayed below as JSON-RPC envelopes.";

export interface PromptScript {
	/** Lines to execute (text blocks joined by newlines). */
	text: string;
	/** Number of replayed envelopes when sandbox-agent injected its history block, else null. */
	replayedEvents: number | null;
}

export function promptToScript(blocks: readonly ContentBlock[]): PromptScript {
	const texts: string[] = [];
	let replayedEvents: number | null = null;
	for (const block of blocks) {
		if (block.type !== "text") continue;
		if (block.text.startsWith(REPLAY_PREAMBLE)) {
			replayedEvents = block.text.split("\n").filter((line) => line.startsWith("{")).length;
			continue;
		}
		texts.push(block.text);
	}
	return { text: texts.join("\n"), replayedEvents };
}
