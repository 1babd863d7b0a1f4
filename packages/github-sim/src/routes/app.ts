// GitHub App endpoints: /app, /app/installations, installation access tokens, /installation/repositories.
import { Hono } from "hono";
import { type ApiContext, type ApiEnv, listResponse } from "../http/context.ts";
import { installationJson, orgAccountJson, repoJson } from "../http/present.ts";
import { SimError } from "../state/world.ts";

const INSTALLATION_TOKEN_TTL_MS = 60 * 60 * 1000;

function requireApp(c: ApiContext) {
	const p = c.get("principal");
	const app = c.get("world").data.app;
	if (p.kind !== "app" || !app || app.id !== p.appId) {
		throw new SimError(401, "A JSON web token could not be decoded");
	}
	return app;
}

export const appRoutes = new Hono<ApiEnv>();

appRoutes.get("/app", (c) => {
	const app = requireApp(c);
	const world = c.get("world");
	const owner = world.org(app.owner);
	return c.json({
		id: app.id,
		slug: app.slug,
		name: app.name,
		client_id: app.clientId,
		owner: owner ? orgAccountJson(owner, c.get("urls")) : { login: app.owner },
		permissions: { contents: "write", pull_requests: "write", metadata: "read", members: "read" },
		events: ["pull_request", "push", "installation", "repository", "issue_comment", "pull_request_review", "organization", "member"],
	});
});

appRoutes.get("/app/installations", (c) => {
	const app = requireApp(c);
	const world = c.get("world");
	return listResponse(c, world.data.installations.map((i) => installationJson(world, i, app.id, c.get("urls"))));
});

appRoutes.get("/app/installations/:id", (c) => {
	const app = requireApp(c);
	const world = c.get("world");
	const inst = world.installation(Number(c.req.param("id")));
	if (!inst) throw new SimError(404, "Not Found");
	return c.json(installationJson(world, inst, app.id, c.get("urls")));
});

appRoutes.post("/app/installations/:id/access_tokens", (c) => {
	requireApp(c);
	const world = c.get("world");
	const inst = world.installation(Number(c.req.param("id")));
	if (!inst) throw new SimError(404, "Not Found");
	if (inst.suspended) throw new SimError(403, "This installation has been suspended");
	const expiresAt = Date.now() + INSTALLATION_TOKEN_TTL_MS;
	const token = world.issueToken({ kind: "installation", login: null, installationId: inst.id, scopes: [], expiresAt }, "ghs");
	return c.json(
		{
			token: token.token,
			expires_at: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
			permissions: { contents: "write", pull_requests: "write", metadata: "read", members: "read" },
			repository_selection: inst.repositorySelection,
		},
		201,
	);
});

appRoutes.get("/installation/repositories", (c) => {
	const p = c.get("principal");
	if (p.kind !== "installation") throw new SimError(403, "Resource not accessible by integration");
	const world = c.get("world");
	const inst = world.installation(p.installationId);
	if (!inst) throw new SimError(401, "Bad credentials");
	const repos = world.installationRepos(inst).map((r) => repoJson(world, r, c.get("urls"), null));
	const url = new URL(c.req.url);
	const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30) || 30, 100);
	const page = Math.max(Number(url.searchParams.get("page") ?? 1) || 1, 1);
	const slice = repos.slice((page - 1) * perPage, page * perPage);
	if (page * perPage < repos.length) {
		const next = new URL(url);
		next.searchParams.set("page", String(page + 1));
		c.header("Link", `<${next.toString()}>; rel="next"`);
	}
	return c.json({ total_count: repos.length, repository_selection: inst.repositorySelection, repositories: slice });
});
