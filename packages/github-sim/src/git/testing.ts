// Test support for the git building block: temp dirs, the real git CLI in a clean environment
// (own HOME, no system config, no prompts, explicit identity), and a node:http server for handlers.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanGitEnv } from "./exec.ts";

export const AUTHOR = { name: "Test Author", email: "author@example.test" };

export interface Sandbox {
	dir: string;
	/** Runs the real git CLI with HOME inside the sandbox; never throws on a non-zero exit. */
	run(args: string[], cwd?: string, input?: string): Promise<{ code: number; stdout: string; stderr: string }>;
	/** Like run, but requires exit 0 and returns trimmed stdout. */
	git(args: string[], cwd?: string, input?: string): Promise<string>;
	remove(): Promise<void>;
}

export async function sandbox(): Promise<Sandbox> {
	const dir = await mkdtemp(join(tmpdir(), "github-sim-git-test-"));
	const env = cleanGitEnv({
		HOME: dir,
		XDG_CONFIG_HOME: join(dir, ".config"),
		GIT_AUTHOR_NAME: AUTHOR.name,
		GIT_AUTHOR_EMAIL: AUTHOR.email,
		GIT_COMMITTER_NAME: AUTHOR.name,
		GIT_COMMITTER_EMAIL: AUTHOR.email,
	});
	// HOME is the sandbox, so let git read a global config there (none exists) rather than /dev/null.
	delete env.GIT_CONFIG_GLOBAL;
	const run = (args: string[], cwd = dir, input = "") =>
		new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
			const child = execFile("git", args, { cwd, env, timeout: 15_000, killSignal: "SIGKILL" }, (err, stdout, stderr) => {
				const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
				resolve({ code, stdout, stderr: err && code === -1 ? `${stderr}${String(err)}` : stderr });
			});
			// EPIPE when git exits before reading its input: the exit status then reports the failure.
			child.stdin?.on("error", (err) => void err);
			if (input.length > 0) child.stdin?.end(input);
			else child.stdin?.end();
		});
	const git = async (args: string[], cwd?: string, input?: string) => {
		const result = await run(args, cwd, input);
		if (result.code !== 0) throw new Error(`git ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
		return result.stdout.trim();
	};
	return { dir, run, git, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface Served {
	url: string;
	/** Every request seen: method, path+query, status answered and notable request headers. */
	log: Array<{ method: string; path: string; status: number; encoding: string | null; protocol: string | null; auth: boolean }>;
	close(): Promise<void>;
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
	const headers = new Headers();
	for (const [key, value] of Object.entries(req.headers)) {
		if (typeof value === "string") headers.set(key, value);
		else if (Array.isArray(value)) for (const v of value) headers.append(key, v);
	}
	const method = req.method ?? "GET";
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const body = method === "GET" || method === "HEAD" ? null : new Uint8Array(Buffer.concat(chunks));
	return new Request(new URL(req.url ?? "/", origin), { method, headers, body });
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
	res.writeHead(response.status, Object.fromEntries(response.headers));
	if (response.body) {
		const reader = response.body.getReader();
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			res.write(value);
		}
	}
	res.end();
}

/** Serves a fetch-API handler on 127.0.0.1 with a free port, the way a real server would mount it. */
export async function serve(handler: (req: Request) => Promise<Response>): Promise<Served> {
	const log: Served["log"] = [];
	const server = createServer((req, res) => {
		const origin = `http://${req.headers.host ?? "127.0.0.1"}`;
		toRequest(req, origin)
			.then(async (request) => {
				const response = await handler(request);
				const { pathname, search } = new URL(request.url);
				const h = request.headers;
				log.push({ method: request.method, path: pathname + search, status: response.status, encoding: h.get("content-encoding"), protocol: h.get("git-protocol"), auth: h.has("authorization") });
				await writeResponse(response, res);
			})
			.catch((err: unknown) => {
				// A handler failure fails the git command under test; the 500 body says why.
				if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
				res.end(String(err));
			});
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as AddressInfo;
	const close = () =>
		new Promise<void>((resolve, reject) => {
			server.close((err) => (err ? reject(err) : resolve()));
			server.closeAllConnections(); // git's keep-alive connections would hold close() open
		});
	return { url: `http://127.0.0.1:${port}`, log, close };
}
