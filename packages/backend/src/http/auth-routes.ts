// Better Auth at /v1/auth/*, with an idempotent OAuth callback, and the page users approve CLI
// device logins on (/v1/device).
import { createHash } from "node:crypto";
import { FoundryError, HTTP_PATH, type Principal } from "@foundry/shared";
import type { Context, Hono } from "hono";
import type { FoundryAuth } from "../auth/better-auth.ts";
import type { AppEnv } from "./app.ts";
import { devicePage } from "./device-page.ts";

interface Snapshot {
	status: number;
	headers: [string, string][];
	cookies: string[];
	body: ArrayBuffer;
}

/** How long a finished callback's response is replayed to duplicates of the same request. */
const REPLAY_MS = 10 * 60_000;

/**
 * Proxies retry slow callbacks; the authorization code is single use, so a second exchange would
 * fail the user. Duplicates of an in-flight or recent callback (same code + state) get the first
 * response, session cookie included, and nothing is created twice.
 */
export class CallbackReplay {
	readonly #entries = new Map<string, { at: number; result: Promise<Snapshot> }>();

	async handle(url: URL, run: () => Promise<Response>): Promise<Response> {
		const code = url.searchParams.get("code");
		const state = url.searchParams.get("state");
		if (!code || !state) return run();
		this.#sweep();
		const key = createHash("sha256").update(`${url.pathname}\n${code}\n${state}`).digest("hex");
		let entry = this.#entries.get(key);
		if (!entry) {
			entry = { at: Date.now(), result: run().then(snapshot) };
			this.#entries.set(key, entry);
			entry.result.catch(() => this.#entries.delete(key));
		}
		return toResponse(await entry.result);
	}

	#sweep(): void {
		const cutoff = Date.now() - REPLAY_MS;
		for (const [k, e] of this.#entries) if (e.at < cutoff) this.#entries.delete(k);
	}
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
	const replay = new CallbackReplay();
	const handler = (c: Context<AppEnv>) => auth.handler(c.req.raw);
	app.get(`${HTTP_PATH.auth}/callback/:provider`, (c) => replay.handle(new URL(c.req.url), () => handler(c)));
	app.on(["GET", "POST"], `${HTTP_PATH.auth}/*`, handler);
	app.get(HTTP_PATH.whoami, async (c) => {
		const p = await whoami(c.req.raw.headers);
		if (p.kind !== "user") throw new FoundryError("UNAUTHORIZED", p.kind === "anonymous" ? (p.reason ?? "sign in first") : "not a user");
		return c.json({ userId: p.userId, login: p.login, organizations: p.orgs, tokenId: p.tokenId ?? null });
	});
	app.get("/v1/device", (c) => c.html(devicePage(c.req.query("user_code") ?? "")));
}
