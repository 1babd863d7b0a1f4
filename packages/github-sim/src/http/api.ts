// The REST API app (mounted under /api/v3, GitHub Enterprise Server layout): credentials →
// principal, rate limits, ETags, GitHub-shaped errors, then the route modules.
import { Hono } from "hono";
import { appRoutes } from "../routes/app.ts";
import type { SimEvents } from "../routes/events.ts";
import { pullRoutes } from "../routes/pulls.ts";
import { repoRoutes } from "../routes/repos.ts";
import { userRoutes } from "../routes/users.ts";
import { SimError, type World } from "../state/world.ts";
import { type ApiEnv, DOCS, ghError, type Principal } from "./context.ts";
import type { Urls } from "./present.ts";
import type { Faults } from "./faults.ts";
import { etagOf, matchesEtag, type RateLimiter } from "./protocol.ts";

export type VerifyAppJwt = (jwt: string) => { ok: true; appId: number } | { ok: false; reason: string };

export interface ApiDeps {
	world: () => World;
	urls: Urls;
	limiter: RateLimiter;
	events: SimEvents;
	verifyAppJwt: VerifyAppJwt;
	/** Routes that need more than the world (e.g. merges, which run git). */
	extraRoutes: Array<Hono<ApiEnv>>;
	faults: Faults;
}

function resolvePrincipal(header: string | undefined, world: World, verify: VerifyAppJwt): Principal | null {
	if (!header) return { kind: "anonymous" };
	const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header.trim());
	if (!match?.[1]) return null;
	const value = match[1];
	if (value.split(".").length === 3) {
		const result = verify(value);
		return result.ok ? { kind: "app", appId: result.appId } : null;
	}
	const token = world.token(value);
	if (!token) return null;
	if (token.kind === "installation" && token.installationId !== null) {
		return { kind: "installation", installationId: token.installationId };
	}
	return token.login ? { kind: "user", login: token.login, scopes: token.scopes } : null;
}

function limitKey(p: Principal, ip: string): string {
	if (p.kind === "user") return `user:${p.login}`;
	if (p.kind === "installation") return `inst:${p.installationId}`;
	if (p.kind === "app") return `app:${p.appId}`;
	return `ip:${ip}`;
}

export function createApi(deps: ApiDeps): Hono<ApiEnv> {
	const api = new Hono<ApiEnv>();
	api.use(async (c, next) => {
		const injected = deps.faults.take(c.req.path.replace(/^\/api\/v3/, ""));
		if (injected !== null) return ghError(c, injected, "Server Error (injected by the simulator)");
		const world = deps.world();
		const principal = resolvePrincipal(c.req.header("authorization"), world, deps.verifyAppJwt);
		c.set("world", world);
		c.set("urls", deps.urls);
		if (!principal) return ghError(c, 401, "Bad credentials");
		c.set("principal", principal);

		const key = limitKey(principal, c.req.header("x-forwarded-for") ?? "local");
		const anonymous = principal.kind === "anonymous";
		const before = deps.limiter.peek(key, anonymous);
		if (before.remaining === 0) {
			return c.json(
				{ message: `API rate limit exceeded for ${key}.`, documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api` },
				403,
				deps.limiter.headers(before),
			);
		}
		await next();
		const res = c.res;
		const headers = new Headers(res.headers);
		if (c.req.method === "GET" && res.status === 200) {
			const etag = etagOf(await res.clone().text());
			headers.set("ETag", etag);
			if (matchesEtag(c.req.header("if-none-match"), etag)) {
				// Conditional hits are free on GitHub: report the budget without consuming it.
				for (const [k, v] of Object.entries(deps.limiter.headers(before))) headers.set(k, v);
				c.res = new Response(null, { status: 304, headers });
				return;
			}
		}
		for (const [k, v] of Object.entries(deps.limiter.headers(deps.limiter.consume(key, anonymous)))) headers.set(k, v);
		c.res = new Response(res.body, { status: res.status, headers });
	});
	api.route("/", userRoutes);
	api.route("/", repoRoutes);
	api.route("/", pullRoutes(deps.events));
	api.route("/", appRoutes);
	for (const routes of deps.extraRoutes) api.route("/", routes);
	api.notFound((c) => ghError(c, 404, "Not Found"));
	api.onError((err, c) => {
		if (err instanceof SimError) return ghError(c, err.status, err.message);
		console.error("github-sim: unhandled error", err);
		return ghError(c, 500, "Server Error");
	});
	return api;
}
