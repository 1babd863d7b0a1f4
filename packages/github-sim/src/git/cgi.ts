// `git http-backend` as a CGI child: the request body is piped to its stdin, its CGI headers
// (Status:, Content-Type, …) are parsed, and the rest of its stdout is streamed back.
import { spawn } from "node:child_process";
import type { Writable } from "node:stream";
import { GitCommandError } from "./errors.ts";
import { cleanGitEnv } from "./exec.ts";

const MAX_STDERR_CHARS = 16_384;

export interface CgiExit {
	code: number | null;
	signal: string | null;
	stderr: string;
}

export interface CgiResponse {
	status: number;
	headers: Headers;
	body: ReadableStream<Uint8Array>;
	/** Settles (never rejects) once the child has exited and its output is closed. */
	exited: Promise<CgiExit>;
}

export interface CgiRequest {
	projectRoot: string;
	/** CGI variables: PATH_INFO, QUERY_STRING, REQUEST_METHOD, CONTENT_TYPE, REMOTE_USER, … */
	env: Record<string, string>;
	/** `-c key=value` settings for this run only (e.g. http.receivepack=true). */
	config: string[];
	body: ReadableStream<Uint8Array> | null;
	timeoutMs: number;
}

/** Copies a web stream into the child's stdin with backpressure, then closes stdin. */
async function pump(source: ReadableStream<Uint8Array> | null, sink: Writable): Promise<void> {
	if (source) {
		const reader = source.getReader();
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			if (sink.destroyed) {
				await reader.cancel();
				break;
			}
			if (!sink.write(value)) await new Promise<void>((resolve) => sink.once("drain", resolve).once("close", resolve));
		}
	}
	sink.end();
}

function splitHeaders(raw: Buffer): { head: string; rest: Buffer } | null {
	const crlf = raw.indexOf("\r\n\r\n");
	const lf = raw.indexOf("\n\n");
	if (crlf < 0 && lf < 0) return null;
	const [at, length] = crlf >= 0 && (lf < 0 || crlf < lf) ? [crlf, 4] : [lf, 2];
	return { head: raw.subarray(0, at).toString("latin1"), rest: raw.subarray(at + length) };
}

/** Parses CGI header lines: `Status: 404 Not Found` becomes the status, the rest HTTP headers. */
export function parseCgiHeaders(head: string): { status: number; headers: Headers } {
	const headers = new Headers();
	let status = 200;
	for (const line of head.split(/\r?\n/)) {
		const colon = line.indexOf(":");
		if (colon <= 0) continue;
		const key = line.slice(0, colon).trim();
		const value = line.slice(colon + 1).trim();
		if (key.toLowerCase() === "status") status = Number.parseInt(value, 10) || 200;
		else headers.append(key, value);
	}
	return { status, headers };
}

/** Starts http-backend and resolves once its CGI headers are read; the body then streams. */
export async function runHttpBackend(request: CgiRequest): Promise<CgiResponse> {
	const config = request.config.flatMap((setting) => ["-c", setting]);
	const child = spawn("git", [...config, "http-backend"], {
		env: cleanGitEnv({ GIT_PROJECT_ROOT: request.projectRoot, GIT_HTTP_EXPORT_ALL: "1", ...request.env }),
		stdio: ["pipe", "pipe", "pipe"],
		timeout: request.timeoutMs,
		killSignal: "SIGKILL",
	});
	let stderr = "";
	child.stderr.on("data", (chunk: Buffer) => {
		if (stderr.length < MAX_STDERR_CHARS) stderr += chunk.toString("utf8");
	});
	const exited = new Promise<CgiExit>((resolve) => {
		child.once("error", (err) => resolve({ code: null, signal: null, stderr: `${stderr}${String(err)}` }));
		child.once("close", (code, signal) => resolve({ code, signal, stderr }));
	});
	// EPIPE when http-backend stops reading early (it answered an error): its response says why.
	child.stdin.on("error", (err) => (stderr += `\nstdin: ${String(err)}`));
	pump(request.body, child.stdin).catch((err: unknown) => {
		// The client's body failed (aborted, bad gzip): stop the backend, whose response then ends.
		stderr += `\nrequest body: ${String(err)}`;
		child.kill("SIGKILL");
	});

	const chunks = child.stdout[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
	let buffered = Buffer.alloc(0);
	for (;;) {
		const split = splitHeaders(buffered);
		if (split) return respond(split, chunks, exited, () => child.kill("SIGKILL"));
		const next = await chunks.next();
		if (next.done) break;
		buffered = Buffer.concat([buffered, next.value]);
	}
	const exit = await exited;
	throw new GitCommandError(["http-backend"], exit.code, exit.stderr || "no CGI headers in output");
}

function respond(split: { head: string; rest: Buffer }, chunks: AsyncIterator<Buffer>, exited: Promise<CgiExit>, kill: () => void): CgiResponse {
	const { status, headers } = parseCgiHeaders(split.head);
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			if (split.rest.length > 0) controller.enqueue(new Uint8Array(split.rest));
		},
		async pull(controller) {
			const next = await chunks.next();
			if (next.done) controller.close();
			else controller.enqueue(new Uint8Array(next.value));
		},
		cancel() {
			kill();
		},
	});
	return { status, headers, body, exited };
}
