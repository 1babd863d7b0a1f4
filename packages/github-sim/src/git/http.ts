// Git smart HTTP (clone, fetch, push) through git's own `http-backend` CGI, with GitHub's auth:
// a token as the basic-auth password; 401 asks for credentials, 403/404 as GitHub answers.
import { runHttpBackend } from "./cgi.ts";
import { ZERO_SHA } from "./commits.ts";
import { type GitRepos, isValidRepoSegment } from "./repos.ts";

export interface GitAuth {
	/** The basic-auth username, or null for `x-access-token` (or a bearer token). */
	login: string | null;
	token: string;
}

export type GitAccess = "read" | "write";
export type GitDecision = "ok" | "unauthorized" | "forbidden" | "not_found";

export interface RefUpdate {
	ref: string;
	/** ZERO_SHA when the ref was created. */
	before: string;
	/** ZERO_SHA when the ref was deleted. */
	after: string;
}

export interface PushEvent {
	owner: string;
	name: string;
	updates: RefUpdate[];
	/** The basic-auth username, when one was given. */
	pusher: string | null;
	/** The token the push authenticated with (the pusher is its owner, as on GitHub). */
	token: string | null;
}

export interface GitHttpOptions {
	repos: GitRepos;
	authorize: (auth: GitAuth | null, repo: { owner: string; name: string }, access: GitAccess) => Promise<GitDecision>;
	/** Called once per push that changed refs, before the push's response is returned. */
	onPush?: (event: PushEvent) => void | Promise<void>;
	/** The client's address for http-backend's REMOTE_ADDR; default 127.0.0.1. */
	remoteAddr?: string;
	/** Kill http-backend after this long; default 120 s. */
	timeoutMs?: number;
}

export interface GitPath {
	owner: string;
	name: string;
	/** "/info/refs", "/git-upload-pack" or "/git-receive-pack". */
	rest: "/info/refs" | "/git-upload-pack" | "/git-receive-pack";
}

const CGI_TIMEOUT_MS = 120_000;
const GIT_PATH = /^\/([^/]+)\/([^/]+?)(?:\.git)?(\/info\/refs|\/git-upload-pack|\/git-receive-pack)$/;

/** Parses `/<owner>/<repo>[.git]/<endpoint>`; null for anything else or unsafe names. */
export function parseGitPath(pathname: string): GitPath | null {
	const m = GIT_PATH.exec(pathname);
	if (!m?.[1] || !m[2] || !m[3]) return null;
	let owner: string;
	let name: string;
	try {
		owner = decodeURIComponent(m[1]);
		name = decodeURIComponent(m[2]);
	} catch (err) {
		// Malformed percent-encoding is not a git path: the caller answers 404.
		if (err instanceof URIError) return null;
		throw err;
	}
	if (!isValidRepoSegment(owner) || !isValidRepoSegment(name)) return null;
	return { owner, name, rest: m[3] as GitPath["rest"] };
}

/** Reads `Authorization: Basic base64(user:token)` (or `Bearer token`) as GitHub does for git. */
export function parseGitAuth(header: string | null): GitAuth | null {
	const m = /^(basic|bearer|token)\s+(\S+)$/i.exec(header?.trim() ?? "");
	if (!m?.[1] || !m[2]) return null;
	if (m[1].toLowerCase() !== "basic") return { login: null, token: m[2] };
	const decoded = Buffer.from(m[2], "base64").toString("utf8");
	const colon = decoded.indexOf(":");
	if (colon < 0) return null;
	const user = decoded.slice(0, colon);
	const token = decoded.slice(colon + 1);
	if (token.length === 0) return null;
	return { login: user === "x-access-token" || user === "" ? null : user, token };
}

/** Ref changes between two snapshots, sorted by ref, with ZERO_SHA for created/deleted refs. */
export function diffRefs(before: Map<string, string>, after: Map<string, string>): RefUpdate[] {
	const updates: RefUpdate[] = [];
	for (const [ref, sha] of after) if (before.get(ref) !== sha) updates.push({ ref, before: before.get(ref) ?? ZERO_SHA, after: sha });
	for (const [ref, sha] of before) if (!after.has(ref)) updates.push({ ref, before: sha, after: ZERO_SHA });
	return updates.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}

const text = (status: number, body: string, headers: Record<string, string> = {}) =>
	new Response(`${body}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });

const challenge = () => text(401, "Invalid username or token. Password authentication is not supported for Git operations.", { "www-authenticate": 'Basic realm="GitHub"' });

interface Routed {
	path: GitPath;
	service: "git-upload-pack" | "git-receive-pack";
	access: GitAccess;
}

function route(req: Request, url: URL): Routed | Response {
	const path = parseGitPath(url.pathname);
	if (!path) return text(404, "Not Found");
	const advertising = path.rest === "/info/refs";
	const service = advertising ? url.searchParams.get("service") : path.rest.slice(1);
	// Dumb-protocol fetches (info/refs without a service) are refused, as on github.com.
	if (service !== "git-upload-pack" && service !== "git-receive-pack") return text(403, "Please upgrade your git client.");
	const method = req.method.toUpperCase();
	if (advertising ? method !== "GET" && method !== "HEAD" : method !== "POST") return text(405, "Method Not Allowed", { allow: advertising ? "GET" : "POST" });
	return { path, service, access: service === "git-receive-pack" ? "write" : "read" };
}

/** Maps the authorizer's decision to a refusal; anonymous requests are always challenged (401). */
async function refusal(routed: Routed, auth: GitAuth | null, opts: GitHttpOptions): Promise<Response | null> {
	const { owner, name } = routed.path;
	// Git sends credentials only after a 401, so a push (or hidden repo) must challenge anonymous callers.
	if (routed.access === "write" && !auth) return challenge();
	const decision = await opts.authorize(auth, { owner, name }, routed.access);
	if (decision === "ok") return opts.repos.exists(owner, name) ? null : text(404, "Repository not found.");
	if (decision === "unauthorized" || !auth) return challenge();
	if (decision === "forbidden") return text(403, `Permission to ${owner}/${name}.git denied to ${auth.login ?? "x-access-token"}.`);
	return text(404, "Repository not found.");
}

function requestBody(req: Request): ReadableStream<Uint8Array> | null | Response {
	const encoding = req.headers.get("content-encoding")?.trim().toLowerCase() ?? "";
	if (!req.body || encoding === "" || encoding === "identity") return req.body;
	// Git gzips large negotiation requests; http-backend gets them already inflated.
	if (encoding === "gzip" || encoding === "x-gzip") return req.body.pipeThrough(new DecompressionStream("gzip"));
	return text(415, `Unsupported Content-Encoding: ${encoding}`);
}

/** The fetch-API handler for git smart HTTP; mount it for the paths parseGitPath accepts. */
export async function handleGitHttp(req: Request, opts: GitHttpOptions): Promise<Response> {
	const url = new URL(req.url);
	const routed = route(req, url);
	if (routed instanceof Response) return routed;
	const auth = parseGitAuth(req.headers.get("authorization"));
	const refused = await refusal(routed, auth, opts);
	if (refused) return refused;
	const body = requestBody(req);
	if (body instanceof Response) return body;

	const pushing = routed.service === "git-receive-pack" && routed.path.rest !== "/info/refs";
	const run = () =>
		runHttpBackend({
			projectRoot: opts.repos.rootDir,
			env: cgiEnv(req, url, routed, auth, opts),
			// Writers were authorized above; http-backend refuses receive-pack unless told so.
			config: routed.access === "write" ? ["http.receivepack=true"] : ["uploadpack.allowFilter=true"],
			body,
			timeoutMs: opts.timeoutMs ?? CGI_TIMEOUT_MS,
		});
	if (!pushing) {
		const cgi = await run();
		if (req.method.toUpperCase() !== "HEAD") return new Response(cgi.body, { status: cgi.status, headers: cgi.headers });
		await cgi.body.cancel(); // stops http-backend: a HEAD response carries no body
		return new Response(null, { status: cgi.status, headers: cgi.headers });
	}
	return push(opts, routed.path, auth, run);
}

/** Runs receive-pack and reports the refs it changed; serialized per repository so the diff is this push's alone. */
function push(opts: GitHttpOptions, path: GitPath, auth: GitAuth | null, run: () => ReturnType<typeof runHttpBackend>): Promise<Response> {
	const { owner, name } = path;
	return opts.repos.exclusive(owner, name, async () => {
		const before = await opts.repos.refs(owner, name);
		const cgi = await run();
		// The report-status answer is small; holding it lets onPush finish before git sees success.
		const report = await new Response(cgi.body).arrayBuffer();
		await cgi.exited;
		const updates = diffRefs(before, await opts.repos.refs(owner, name));
		if (updates.length > 0 && opts.onPush) await opts.onPush({ owner, name, updates, pusher: auth?.login ?? null, token: auth?.token ?? null });
		return new Response(report, { status: cgi.status, headers: cgi.headers });
	});
}

function cgiEnv(req: Request, url: URL, routed: Routed, auth: GitAuth | null, opts: GitHttpOptions): Record<string, string> {
	const env: Record<string, string> = {
		PATH_INFO: `/${routed.path.owner}/${routed.path.name}.git${routed.path.rest}`,
		QUERY_STRING: url.search.slice(1),
		REQUEST_METHOD: req.method.toUpperCase(),
		CONTENT_TYPE: req.headers.get("content-type") ?? "",
		REMOTE_ADDR: opts.remoteAddr ?? "127.0.0.1",
	};
	if (auth) env.REMOTE_USER = auth.login ?? "x-access-token";
	// Protocol v2 (what git ≥ 2.26 asks for, and what GitHub speaks) is negotiated through this header.
	const protocol = req.headers.get("git-protocol");
	if (protocol) env.HTTP_GIT_PROTOCOL = protocol;
	return env;
}
