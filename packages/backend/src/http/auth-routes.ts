// Better Auth at /v1/auth/*, with an idempotent OAuth callback.
import { createHash } from "node:crypto";
import { FoundryError, HTTP_PATH, type Principal } from "@foundry/shared";
import type { Context, Hono } from "hono";
import { authErrorUrl, type FoundryAuth, preAuthCookieCheck, requestCookies } from "../auth/better-auth.ts";
import { sameSecret } from "../auth/credentials.ts";
import type { AppEnv } from "./app.ts";

interface Snapshot {
	status: number;
	headers: [string, string][];
	cookies: string[];
	body: ArrayBuffer;
}

/** How long a finished callback's response is replayed to duplicates of the same request. */
const REPLAY_MS = 10 * 60_000;

export interface ReplayOptions {
	/** The request's genuine pre-auth cookie for `state` (`preAuthCookieCheck`), else null. */
	preAuthOf(cookies: ReadonlyMap<string, string>, state: string): string | null;
	/** Where a duplicate from another browser is sent (Better Auth's error page). */
	errorUrl: string;
}

interface Entry {
	at: number;
	/** Hash of the first request's pre-auth cookies. */
	browser: string;
	result: Promise<Snapshot>;
}

const digest = (s: string): string => createHash("sha256").update(s).digest("hex");

/**
 * Proxies retry slow callbacks; the authorization code is single use, so a second exchange would
 * fail the user. Duplicates of an in-flight or recent callback (same code + state) from the same
 * browser get the first response, session cookie included, and nothing is created twice. The
 * callback URL alone is not enough: it leaks through Referer headers and proxy logs. The same
 * browser is one holding the pre-auth cookie Better Auth set when this sign-in started (compared
 * by hash), or, once the first response arrived, a cookie that response set (the browser that got
 * it). Any other duplicate gets Better Auth's state-mismatch error and no cookie. Only a request
 * with a genuine pre-auth cookie starts an entry, so a replay cannot claim one before the browser.
 */
export class CallbackReplay {
	readonly #entries = new Map<string, Entry>();

	constructor(private readonly opts: ReplayOptions) {}

	async handle(req: Request, run: () => Promise<Response>): Promise<Response> {
		const url = new URL(req.url);
		const code = url.searchParams.get("code");
		const state = url.searchParams.get("state");
		if (!code || !state) return run();
		this.#sweep();
		const cookies = requestCookies(req.headers.get("cookie"));
		const preAuth = this.opts.preAuthOf(cookies, state);
		const browser = preAuth === null ? null : digest(preAuth);
		const key = digest(`${url.pathname}\n${code}\n${state}`);
		const entry = this.#entries.get(key);
		if (!entry) {
			// Without the pre-auth cookie Better Auth refuses the callback itself: nothing to replay.
			if (browser === null) return run();
			const fresh: Entry = { at: Date.now(), browser, result: run().then(snapshot) };
			this.#entries.set(key, fresh);
			fresh.result.catch(() => this.#entries.delete(key));
			return toResponse(await fresh.result);
		}
		if (browser !== null && sameSecret(entry.browser, browser)) return toResponse(await entry.result);
		// A failed first attempt was reported to its own browser; this request is refused either way.
		const first = await entry.result.then((r) => r, () => null);
		return first && holdsIssuedCookie(first, cookies) ? toResponse(first) : this.#refuse();
	}

	/** Better Auth's answer to a callback from a browser that did not start the sign-in. */
	#refuse(): Response {
		const target = new URL(this.opts.errorUrl);
		target.searchParams.set("error", "state_mismatch");
		return new Response(null, { status: 302, headers: { location: target.toString(), "cache-control": "no-store" } });
	}

	#sweep(): void {
		const cutoff = Date.now() - REPLAY_MS;
		for (const [k, e] of this.#entries) if (e.at < cutoff) this.#entries.delete(k);
	}
}

/** Whether the request carries a cookie (name and value) the first response set. */
function holdsIssuedCookie(first: Snapshot, cookies: ReadonlyMap<string, string>): boolean {
	return first.cookies.some((c) => {
		if (/max-age=0/i.test(c)) return false;
		// Parsed (and decoded) like the request's cookies.
		const [set] = requestCookies(c.split(";")[0] ?? "");
		const held = set && cookies.get(set[0]);
		return set !== undefined && set[1] !== "" && held !== undefined && sameSecret(digest(held), digest(set[1]));
	});
}

async function snapshot(res: Response): Promise<Snapshot> {
	const headers: [string, string][] = [];
	res.headers.forEach((v, k) => {
		if (k !== "set-cookie") headers.push([k, v]);
	});
	return { status: res.status, headers, cookies: res.headers.getSetCookie(), body: await res.arrayBuffer() };
}

function toResponse(s: Snapshot): Response {
	const headers = new Headers(s.headers);
	for (const c of s.cookies) headers.append("set-cookie", c);
	return new Response(s.status === 204 || s.status === 304 ? null : s.body.slice(0), { status: s.status, headers });
}

export function mountAuth(app: Hono<AppEnv>, auth: FoundryAuth, whoami: (h: Headers) => Promise<Principal>): void {
	const replay = new CallbackReplay({ preAuthOf: preAuthCookieCheck(auth, auth.options.secret), errorUrl: authErrorUrl(auth) });
	const handler = (c: Context<AppEnv>) => auth.handler(c.req.raw);
	app.get(`${HTTP_PATH.auth}/callback/:provider`, (c) => replay.handle(c.req.raw, () => handler(c)));
	app.on(["GET", "POST"], `${HTTP_PATH.auth}/*`, handler);
	app.get(HTTP_PATH.whoami, async (c) => {
		const p = await whoami(c.req.raw.headers);
		if (p.kind !== "user") throw new FoundryError("UNAUTHORIZED", p.kind === "anonymous" ? (p.reason ?? "sign in first") : "not a user");
		return c.json({ userId: p.userId, login: p.login, organizations: p.orgs, tokenId: p.tokenId ?? null });
	});
}
