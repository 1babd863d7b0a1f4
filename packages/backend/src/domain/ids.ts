// Short, typeable random ids: a prefix plus lowercase base36.
import { createHash, randomBytes } from "node:crypto";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

export function randomBase36(length: number): string {
	const bytes = randomBytes(length);
	let out = "";
	for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
	return out;
}

function base36Of(bytes: Uint8Array, length: number): string {
	let out = "";
	for (const byte of bytes.subarray(0, length)) out += ALPHABET[byte % ALPHABET.length];
	return out;
}

/** The same id for the same seed (an idempotency key): a replayed create makes the same ids. */
const derived = (prefix: string, seed: string) => `${prefix}_${base36Of(createHash("sha256").update(`${prefix}:${seed}`).digest(), 10)}`;

export const newTaskId = (seed?: string): string => (seed ? derived("t", seed) : `t_${randomBase36(10)}`);
export const newSessionId = (seed?: string): string => (seed ? derived("s", seed) : `s_${randomBase36(10)}`);
export const newRepoId = (): string => `r_${randomBase36(10)}`;
export const newEventId = (): string => `e_${randomBase36(16)}`;
