// The API's request context: who is calling (from the Authorization header) and how responses
// are shaped (errors as GitHub sends them, paginated lists, 404 for what a caller may not see).
import type { Context } from "hono";
import type { Permission, SimRepoRecord } from "../state/types.ts";
import { atLeast, SimError, type World } from "../state/world.ts";
import { paginate } from "./protocol.ts";
import type { Urls } from "./present.ts";

export type Principal =
	| { kind: "anonymous" }
	| { kind: "user"; login: string; scopes: string[] }
	| { kind: "installation"; installationId: number }
	| { kind: "app"; appId: number };

export interface ApiEnv {
	Variables: { principal: Principal; world: World; urls: Urls };
}

export type ApiContext = Context<ApiEnv>;

export const DOCS = "https://docs.github.com/rest";

export function ghError(c: ApiContext, status: number, message: string): Response {
	return c.json({ message, documentation_url: DOCS, status: String(status) }, status as 404);
}

export function requireUser(c: ApiContext): string {
	const p = c.get("principal");
	if (p.kind !== "user") throw new SimError(p.kind === "anonymous" ? 401 : 403, p.kind === "anonymous" ? "Requires authentication" : "Resource not accessible by integration");
	return p.login;
}

export function viewerLogin(c: ApiContext): string | null {
	const p = c.get("principal");
	return p.kind === "user" ? p.login : null;
}

/** The caller's permission on a repository; installations get write on the repos they cover. */
export function permissionOn(c: ApiContext, repo: SimRepoRecord): Permission {
	const p = c.get("principal");
	const world = c.get("world");
	if (p.kind === "installation") {
		const inst = world.installation(p.installationId);
		if (!inst || inst.suspended) return "none";
		return world.installationRepos(inst).some((r) => r.id === repo.id) ? "write" : "none";
	}
	return world.permission(repo, p.kind === "user" ? p.login : null);
}

/** Finds the repo and checks access; a repo the caller may not read is a 404, as on GitHub. */
export function repoFor(c: ApiContext, need: Permission = "read"): SimRepoRecord {
	const repo = c.get("world").repo(c.req.param("owner") ?? "", c.req.param("repo") ?? "");
	if (!repo) throw new SimError(404, "Not Found");
	const have = permissionOn(c, repo);
	if (!atLeast(have, "read")) throw new SimError(404, "Not Found");
	if (!atLeast(have, need)) throw new SimError(403, "Must have push access to repository");
	return repo;
}

export function listResponse<T>(c: ApiContext, items: T[]): Response {
	const { page, link } = paginate(items, new URL(c.req.url));
	if (link) c.header("Link", link);
	return c.json(page);
}

export async function jsonBody(c: ApiContext): Promise<Record<string, unknown>> {
	try {
		const body: unknown = await c.req.json();
		if (body && typeof body === "object" && !Array.isArray(body)) return body as Record<string, unknown>;
	} catch {
		// Fall through: GitHub answers malformed JSON with 400 "Problems parsing JSON".
	}
	throw new SimError(400, "Problems parsing JSON");
}

export function stringField(body: Record<string, unknown>, name: string, required = true): string | undefined {
	const v = body[name];
	if (typeof v === "string" && v.length > 0) return v;
	if (v === undefined && !required) return undefined;
	throw new SimError(422, `Invalid request.\n\n"${name}" wasn't supplied.`);
}
