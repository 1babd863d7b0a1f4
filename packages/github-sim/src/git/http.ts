// Git smart HTTP (clone, fetch, push) through git's own `http-backend` CGI, with GitHub's auth:
// a token as the basic-auth password; 401 asks for credentials, 403/404 as GitHub answers.
import { spawn } from "node:child_process";
import { gunzipSync } from "node:zlib";
import type { GitRepos } from "./repos.ts";

export interface GitAuth {
	login: string | null;
	token: string;
}

export type GitDecision = "ok" | "unauthorized" | "forbidden" | "not_found";

export interface PushEvent {
	owner: string;
	name: string;
	updates: Array<{ ref: string; before: string; after: string }>;
	pusher: string | null;
}

export interface GitHttpOptions {
	repos: GitRepos;
	authorize: (auth: GitAuth | null, repo: { owner: string; name: string }, access: "read" | "write") => Promise<GitDecision>;
	onPush?: (event: PushEvent) => void | Promise<void>;
}

const ZERO = "0".repeat(40);
const CGI_TIMEOUT_MS = 120_000;

export function parseGitPath(pathname: string): { owner: string; name: string; rest: string } | null {
	const m = /^\/([^/]+)\/([^/]+?)(?:\.git)?(\/info\/refs|\/git-upload-pack|\/git-receive-pack)$/.exec(pathname);
	if (!m?.[1] || !m[2] || !m[3]) return null;
	return { owner: decodeURIComponent(m[1]), name: decodeURIComponent(m[2]), rest: m[3] };
}

function parseBasic(header: string | null): GitAuth | null {
	const m = /^basic\s+(\S+)$/i.exec(header?.trim() ?? "");
	if (!m?.[1]) return null;
	const decoded = Buffer.from(m[1], "base64").toString("utf8");
	const i = decoded.indexOf(":");
	if (i < 0) return null;
	const user = decoded.slice(0, i);
	return { login: user === "x-access-token" || user === "" ? null : user, token: decoded.slice(i + 1) };
}

const text = (status: number, body: string, headers: Record<string, string> = {}) =>
	new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });

export async function handleGitHttp(req: Request, opts: GitHttpOptions): Promise<Response> {
	const url = new URL(req.url);
	const parsed = parseGitPath(url.pathname);
	if (!parsed) return text(404, "Not Found");
	const service = parsed.rest === "/info/refs" ? url.searchParams.get("service") : parsed.rest.slice(1);
	if (service !== "git-upload-pack" && service !== "git-receive-pack") return text(403, "Please upgrade your git client.");
	const access = service === "git-receive-pack" ? "write" : "read";
	const auth = parseBasic(req.headers.get("authorization"));
	const decision = await opts.authorize(auth, parsed, access);
	if (decision === "unauthorized") return text(401, "Invalid username or token.", { "www-authenticate": 'Basic realm="GitHub"' });
	if (decision === "forbidden") return text(403, `Permission to ${parsed.owner}/${parsed.name}.git denied.`);
	if (decision === "not_found" || !opts.repos.exists(parsed.owner, parsed.name)) return text(404, "Repository not found.");

	const pushing = service === "git-receive-pack" && parsed.rest !== "/info/refs";
	const before = pushing ? await opts.repos.refs(parsed.owner, parsed.name) : null;
	let body = Buffer.from(await req.arrayBuffer());
	if (req.headers.get("content-encoding") === "gzip") body = gunzipSync(body);
	const out = await runBackend(opts.repos.rootDir, {
		PATH_INFO: `/${parsed.owner}/${parsed.name}.git${parsed.rest}`,
		QUERY_STRING: url.search.slice(1),
		REQUEST_METHOD: req.method,
		CONTENT_TYPE: req.headers.get("content-type") ?? "",
		CONTENT_LENGTH: String(body.length),
		REMOTE_USER: auth?.login ?? "x-access-token",
		REMOTE_ADDR: "127.0.0.1",
	}, body);
	const response = cgiResponse(out);
	if (before && opts.onPush) {
		const after = await opts.repos.refs(parsed.owner, parsed.name);
		const updates = diffRefs(before, after);
		if (updates.length > 0) await opts.onPush({ owner: parsed.owner, name: parsed.name, updates, pusher: auth?.login ?? null });
	}
	return response;
}

export function diffRefs(before: Map<string, string>, after: Map<string, string>) {
	const updates: PushEvent["updates"] = [];
	for (const [ref, sha] of after) if (before.get(ref) !== sha) updates.push({ ref, before: before.get(ref) ?? ZERO, after: sha });
	for (const [ref, sha] of before) if (!after.has(ref)) updates.push({ ref, before: sha, after: ZERO });
	return updates;
}

function runBackend(root: string, env: Record<string, string>, input: Buffer): Promise<Buffer> {
	return new Promise((done, fail) => {
		const child = spawn("git", ["-c", "http.receivepack=true", "http-backend"], {
			env: { ...process.env, GIT_PROJECT_ROOT: root, GIT_HTTP_EXPORT_ALL: "1", GIT_CONFIG_NOSYSTEM: "1", ...env },
		});
		const chunks: Buffer[] = [];
		let stderr = "";
		const timer = setTimeout(() => child.kill("SIGKILL"), CGI_TIMEOUT_MS);
		child.stdout.on("data", (d: Buffer) => chunks.push(d));
		child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
		child.on("error", (err) => {
			clearTimeout(timer);
			fail(err);
		});
		child.on("close", (code) => {
			clearTimeout(timer);
			if (code !== 0 && chunks.length === 0) fail(new Error(`git http-backend exited ${code}: ${stderr.trim()}`));
			else done(Buffer.concat(chunks));
		});
		child.stdin.end(input);
	});
}

function cgiResponse(raw: Buffer): Response {
	const split = raw.indexOf("\r\n\r\n");
	const sep = split >= 0 ? split : raw.indexOf("\n\n");
	const headerText = raw.subarray(0, Math.max(sep, 0)).toString("utf8");
	const body = raw.subarray(sep < 0 ? 0 : sep + (split >= 0 ? 4 : 2));
	const headers = new Headers();
	let status = 200;
	for (const line of headerText.split(/\r?\n/)) {
		const i = line.indexOf(":");
		if (i <= 0) continue;
		const key = line.slice(0, i).trim();
		const value = line.slice(i + 1).trim();
		if (key.toLowerCase() === "status") status = Number.parseInt(value, 10) || 200;
		else headers.append(key, value);
	}
	return new Response(new Uint8Array(body), { status, headers });
}
