// How big one queue message may be, per actor, and how many the command loop takes at once.
//
// The workflow records every message a batch receives in its history, and the engine writes that
// record in one atomic transaction of at most 128 rows and 512 KiB. A batch over it fails the
// workflow for good ("atomic SQLite and actor state transaction exceeds transaction budget"): the
// actor then runs no command again. So batch size × largest message stays under HISTORY_BUDGET, the
// engine refuses a bigger message at the sender (maxQueueMessageSize), and senders of lists
// chunk them (chunkByBytes) below their receiver's limit.

/** Bytes of message bodies one received batch may hold (512 KiB, less room for keys and framing). */
export const HISTORY_BUDGET = 384 * 1024;
const MAX_BATCH = 32;

export interface QueueLimits {
	/** Largest message body the actor accepts (its RivetKit `maxQueueMessageSize`). */
	maxMessageBytes: number;
	/** Messages the command loop takes per batch. */
	batchSize: number;
}

export function queueLimits(maxMessageBytes: number): QueueLimits {
	return { maxMessageBytes, batchSize: Math.max(1, Math.min(MAX_BATCH, Math.floor(HISTORY_BUDGET / maxMessageBytes))) };
}

/**
 * Per actor. Small messages keep large batches for the busy coordinators; bulk senders (sync, audit,
 * transcripts) chunk to fit. A message between the chunk size and the limit is still accepted.
 */
export const QUEUE_LIMITS = {
	// createTask carries a prompt (≤ 40 KiB, LIMITS.PROMPT_MAX_BYTES): 6 a batch.
	organization: queueLimits(64 * 1024),
	// Prompts; the changes summary and its diffs (≤ 160 KiB, git-files.ts): 2 a batch.
	task: queueLimits(192 * 1024),
	// Prompts and transcript batches (≤ 32 KiB): 6 a batch.
	sandbox: queueLimits(64 * 1024),
	// Webhook payloads, cut to fit at the edge (github-webhook.ts): 3 a batch.
	githubData: queueLimits(128 * 1024),
	auditLog: queueLimits(64 * 1024),
	// Drafts (≤ 40 KiB): 8 a batch.
	user: queueLimits(48 * 1024),
} as const;

/** What senders of lists aim for: well under the receiver's limit (the rest of the body has room). */
export const chunkTarget = (limits: QueueLimits): number => Math.floor(limits.maxMessageBytes / 2);

/** Splits `items` into runs whose JSON stays under `maxBytes` (an item over it travels alone). */
export function chunkByBytes<T>(items: readonly T[], maxBytes: number): T[][] {
	const chunks: T[][] = [];
	let chunk: T[] = [];
	let size = 0;
	for (const item of items) {
		const bytes = jsonBytes(item);
		if (chunk.length > 0 && size + bytes > maxBytes) {
			chunks.push(chunk);
			chunk = [];
			size = 0;
		}
		chunk.push(item);
		size += bytes + 1;
	}
	if (chunk.length > 0 || chunks.length === 0) chunks.push(chunk);
	return chunks;
}

/**
 * A copy of `value` whose strings are at most `maxChars` (cut ones end with how much was cut) —
 * for payloads people and agents write (tool output, comments) that may be larger than a message.
 */
export function truncateStrings<T>(value: T, maxChars: number): T {
	return cut(value, maxChars) as T;
}

function cut(value: unknown, maxChars: number): unknown {
	if (typeof value === "string") return value.length <= maxChars ? value : `${value.slice(0, maxChars)}… [${value.length - maxChars} more characters not kept]`;
	if (Array.isArray(value)) return value.map((v) => cut(v, maxChars));
	if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cut(v, maxChars)]));
	return value;
}

/** JSON size of a body, the measure the limits above are in. */
export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");
