// `read`, `list` and `run`: what an untrusted agent tries (secrets, other sandboxes, the host's
// processes). Failures are replies, not errors: the attack tests read what the agent saw.
import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { resolve } from "node:path";

/** Replies stay small enough for one transcript event, whatever a file or command produces. */
export const OUTPUT_CAP_BYTES = 16 * 1024;

function capped(text: string): string {
	const bytes = Buffer.from(text);
	if (bytes.length <= OUTPUT_CAP_BYTES) return text;
	return `${bytes.subarray(0, OUTPUT_CAP_BYTES).toString()}… (${bytes.length - OUTPUT_CAP_BYTES} more bytes)`;
}

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** The file's content, or `read failed: <error>` (ENOENT, EACCES … as the kernel said it). */
export async function readReply(cwd: string, path: string): Promise<string> {
	try {
		return capped(await readFile(resolve(cwd, path), "utf8"));
	} catch (error) {
		return `read failed: ${messageOf(error)}`;
	}
}

/** `listed <path>: ["a","b"]` (sorted), or `list failed: <error>`. */
export async function listReply(cwd: string, path: string): Promise<string> {
	try {
		const entries = (await readdir(resolve(cwd, path))).sort();
		return capped(`listed ${path}: ${JSON.stringify(entries)}`);
	} catch (error) {
		return `list failed: ${messageOf(error)}`;
	}
}

/** Collects a stream up to the cap and keeps draining it, so the child never blocks on a full pipe. */
function collect(stream: NodeJS.ReadableStream | null): () => string {
	const chunks: Buffer[] = [];
	let size = 0;
	let dropped = 0;
	stream?.on("data", (chunk: Buffer) => {
		const room = OUTPUT_CAP_BYTES - size;
		if (room > 0) {
			chunks.push(chunk.subarray(0, room));
			size += Math.min(room, chunk.length);
		}
		dropped += Math.max(0, chunk.length - Math.max(room, 0));
	});
	return () => `${Buffer.concat(chunks).toString()}${dropped > 0 ? `… (${dropped} more bytes)` : ""}`;
}

/** `sh -c line` in the cwd; `exit <code|signal>`, then its stdout and stderr. Cancel kills it. */
export function runReply(cwd: string, line: string, signal: AbortSignal): Promise<string> {
	return new Promise((done) => {
		const child = spawn("sh", ["-c", line], { cwd, signal, stdio: ["ignore", "pipe", "pipe"] });
		const stdout = collect(child.stdout);
		const stderr = collect(child.stderr);
		const reply = (status: string) => `exit ${status}\n--- stdout\n${stdout()}\n--- stderr\n${stderr()}`;
		// A spawn failure (no sh, bad cwd) or the cancel's abort is what the agent saw: report it.
		child.once("error", (error) => done(reply(`error: ${messageOf(error)}`)));
		child.once("close", (code, sig) => done(reply(code === null ? `signal ${sig ?? "unknown"}` : String(code))));
	});
}
