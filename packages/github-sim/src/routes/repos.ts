// /repos/{owner}/{repo}, branches, collaborator permission.
import { Hono } from "hono";
import { type ApiEnv, listResponse, repoFor, viewerLogin } from "../http/context.ts";
import { repoJson, userJson } from "../http/present.ts";
import { SimError } from "../state/world.ts";

export const repoRoutes = new Hono<ApiEnv>();

repoRoutes.get("/repos/:owner/:repo", (c) => {
	const repo = repoFor(c);
	return c.json(repoJson(c.get("world"), repo, c.get("urls"), viewerLogin(c)));
});

repoRoutes.get("/repos/:owner/:repo/branches", (c) => {
	const repo = repoFor(c);
	const { api } = c.get("urls");
	const branches = Object.entries(repo.branches)
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([name, sha]) => ({
			name,
			commit: { sha, url: `${api}/repos/${repo.owner}/${repo.name}/commits/${sha}` },
			protected: false,
		}));
	return listResponse(c, branches);
});

repoRoutes.get("/repos/:owner/:repo/collaborators/:user/permission", (c) => {
	const repo = repoFor(c);
	const world = c.get("world");
	const user = world.user(c.req.param("user"));
	if (!user) throw new SimError(404, "Not Found");
	const permission = world.permission(repo, user.login);
	// The REST field folds maintain→write and triage→read, like GitHub; role_name keeps the detail.
	const legacy = permission === "maintain" ? "write" : permission === "triage" ? "read" : permission;
	return c.json({ permission: legacy, role_name: permission, user: userJson(user, c.get("urls")) });
});
