// Short, typeable random ids: a prefix plus lowercase base36.
import { randomBytes } from "node:crypto";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

export function randomBase36(length: number): string {
	const bytes = randomBytes(length);
	let out = "";
	for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
	return out;
}

export const newTaskId = (): string => `t_${randomBase36(10)}`;
export const newSessionId = (): string => `s_${randomBase36(10)}`;
export const newRepoId = (): string => `r_${randomBase36(10)}`;
export const newEventId = (): string => `e_${randomBase36(16)}`;
