// /user, /user/*, /users/{login}, /orgs/{org}, /orgs/{org}/members, memberships.
import { Hono } from "hono";
import { type ApiEnv, listResponse, requireUser } from "../http/context.ts";
import { accountJson, installationJson, orgJson, repoJson, userJson } from "../http/present.ts";
import { SimError } from "../state/world.ts";

export const userRoutes = new Hono<ApiEnv>();

userRoutes.get("/user", (c) => {
	const login = requireUser(c);
	const user = c.get("world").user(login);
	if (!user) throw new SimError(401, "Bad credentials");
	const p = c.get("principal");
	if (p.kind === "user") c.header("x-oauth-scopes", p.scopes.join(", "));
	return c.json(userJson(user, c.get("urls")));
});

userRoutes.get("/user/emails", (c) => {
	const user = c.get("world").user(requireUser(c));
	if (!user) throw new SimError(401, "Bad credentials");
	return c.json([{ email: user.email, primary: true, verified: true, visibility: "private" }]);
});

userRoutes.get("/user/orgs", (c) => {
	const world = c.get("world");
	return listResponse(c, world.orgsOf(requireUser(c)).map((o) => orgJson(o, c.get("urls"))));
});

userRoutes.get("/user/repos", (c) => {
	const login = requireUser(c);
	const world = c.get("world");
	// Owned, org member of the owner, or collaborator — not every public repository.
	const related = (owner: string, grants: Record<string, unknown>) =>
		owner === login || world.membership(owner, login) !== null || grants[login] !== undefined;
	const visible = world.data.repos.filter((r) => related(r.owner, r.grants) && world.permission(r, login) !== "none");
	return listResponse(c, visible.map((r) => repoJson(world, r, c.get("urls"), login)));
});

userRoutes.get("/user/installations", (c) => {
	const login = requireUser(c);
	const world = c.get("world");
	const app = world.data.app;
	const mine = world.data.installations.filter((i) => i.account === login || world.membership(i.account, login) !== null);
	return c.json({
		total_count: mine.length,
		installations: mine.map((i) => installationJson(world, i, app?.id ?? 0, c.get("urls"))),
	});
});

userRoutes.get("/users/:login", (c) => {
	const world = c.get("world");
	const login = c.req.param("login");
	if (!world.user(login) && !world.org(login)) throw new SimError(404, "Not Found");
	return c.json(accountJson(world, login, c.get("urls")));
});

userRoutes.get("/orgs/:org", (c) => {
	const org = c.get("world").org(c.req.param("org"));
	if (!org) throw new SimError(404, "Not Found");
	return c.json(orgJson(org, c.get("urls")));
});

userRoutes.get("/orgs/:org/members", (c) => {
	const world = c.get("world");
	const org = world.org(c.req.param("org"));
	if (!org) throw new SimError(404, "Not Found");
	const role = c.req.query("role") ?? "all";
	const members = world.data.memberships.filter((m) => m.org === org.login && (role === "all" || m.role === role));
	return listResponse(c, members.flatMap((m) => {
		const u = world.user(m.user);
		return u ? [userJson(u, c.get("urls"))] : [];
	}));
});

userRoutes.get("/orgs/:org/memberships/:user", (c) => {
	const world = c.get("world");
	const org = world.org(c.req.param("org"));
	const user = world.user(c.req.param("user"));
	const role = org && user ? world.membership(org.login, user.login) : null;
	if (!org || !user || !role) throw new SimError(404, "Not Found");
	return c.json({ state: "active", role, user: userJson(user, c.get("urls")), organization: orgJson(org, c.get("urls")) });
});
