// The OAuth web flow: /login/oauth/authorize (pick the signed-in user with ?login= or a small
// page) and POST /login/oauth/access_token (single-use, expiring codes; JSON or form per Accept).
import { Hono } from "hono";
import type { OAuthCodes } from "../auth/tokens.ts";
import type { Sim } from "../sim.ts";

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function oauthRoutes(sim: Sim, codes: OAuthCodes) {
	const app = new Hono();

	app.get("/login/oauth/authorize", (c) => {
		const q = c.req.query();
		const oauthApp = sim.world.data.app;
		if (!oauthApp || q.client_id !== oauthApp.clientId) return c.html("<h1>404: unknown client_id</h1>", 404);
		const redirectUri = q.redirect_uri ?? "";
		if (!/^https?:\/\//.test(redirectUri)) return c.html("<h1>redirect_uri is required</h1>", 400);
		const login = q.login;
		if (!login || !sim.world.user(login)) {
			const links = sim.world.data.users
				.map((u) => {
					const u2 = new URL(c.req.url);
					u2.searchParams.set("login", u.login);
					return `<li><a href="${esc(u2.toString())}">Sign in as ${esc(u.login)}</a></li>`;
				})
				.join("");
			return c.html(`<!doctype html><title>Sign in to GitHub (simulator)</title><h1>Authorize ${esc(oauthApp.name)}</h1><ul>${links}</ul>`);
		}
		const scopes = (q.scope ?? "").split(/[ ,]+/).filter((s) => s.length > 0);
		const code = codes.issue({ clientId: oauthApp.clientId, login, redirectUri, scopes, state: q.state ?? "" });
		const target = new URL(redirectUri);
		target.searchParams.set("code", code);
		if (q.state) target.searchParams.set("state", q.state);
		return c.redirect(target.toString(), 302);
	});

	app.post("/login/oauth/access_token", async (c) => {
		const type = c.req.header("content-type") ?? "";
		const raw: Record<string, unknown> = type.includes("application/json")
			? ((await c.req.json().catch(() => ({}))) as Record<string, unknown>)
			: Object.fromEntries(new URLSearchParams(await c.req.text()));
		const field = (k: string) => (typeof raw[k] === "string" ? (raw[k] as string) : "");
		const result = codes.redeem({
			code: field("code"),
			clientId: field("client_id"),
			clientSecret: field("client_secret"),
			redirectUri: field("redirect_uri") || undefined,
		});
		const wantsJson = (c.req.header("accept") ?? "").includes("application/json");
		const reply = (body: Record<string, string>) =>
			wantsJson ? c.json(body) : c.body(new URLSearchParams(body).toString(), 200, { "content-type": "application/x-www-form-urlencoded" });
		if (!result.ok) {
			return reply({ error: result.error, error_description: result.error.replace(/_/g, " "), error_uri: "https://docs.github.com/apps/oauth" });
		}
		const token = sim.world.issueToken({ kind: "user", login: result.login, installationId: null, scopes: result.scopes, expiresAt: null }, "gho");
		return reply({ access_token: token.token, token_type: "bearer", scope: result.scopes.join(",") });
	});
	return app;
}
