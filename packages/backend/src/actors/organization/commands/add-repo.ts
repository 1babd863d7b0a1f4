// organization.addRepo: add a repository by https URL or local path / file:// URL (works without
// GitHub). A local path must be a git repository on this machine: it is bound into the task's sandbox.
import { statSync } from "node:fs";
import { join } from "node:path";
import { actorRefSchema, addRepoInputSchema, conflict, invalidInput, parseInput, type Repo } from "@foundry/shared";
import { eq } from "drizzle-orm";
import { newRepoId } from "../../../domain/ids.ts";
import { parseRepoLocation } from "../../../domain/repo-url.ts";
import { commitChange, type OrganizationCommandContext } from "../context.ts";
import { repos } from "../schema.ts";

const schema = addRepoInputSchema.extend({ actor: actorRefSchema });

export async function addRepo(ctx: OrganizationCommandContext, body: unknown): Promise<Repo> {
	const input = parseInput(schema, body);
	const location = parseRepoLocation(input.url);
	if (location.kind === "local") assertLocalGitRepo(location.url);
	const existing = await ctx.db.select().from(repos).where(eq(repos.url, location.url)).get();
	if (existing) {
		throw conflict(`repository ${location.url} is already added as ${existing.id}`, { repoId: existing.id });
	}
	const now = Date.now();
	const repo: Repo = { id: newRepoId(), ...location, source: "manual", createdAt: now, updatedAt: now, credentialSet: false };
	await commitChange(ctx, "add-repo", async (tx) => {
		const { credentialSet: _c, ...row } = repo;
		await tx.insert(repos).values(row);
		return { type: "repoUpserted", repo };
	});
	ctx.outbox.audit({
		kind: "repo.added",
		actor: input.actor,
		repoId: repo.id,
		taskId: null,
		payload: { url: repo.url, kind: repo.kind },
	});
	return repo;
}

const isDir = (path: string) => statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
const exists = (path: string) => statSync(path, { throwIfNoEntry: false }) !== undefined;

/**
 * A few stat calls, no git process: the directory is a bare repository (HEAD, objects/, refs/) or a
 * work tree with `.git`. Adding a repository is admin-only and rare, so this cheap check on the
 * command path is worth the early, clear error (otherwise the first clone in a sandbox fails).
 */
function assertLocalGitRepo(path: string): void {
	if (!isDir(path)) throw invalidInput(`local repository ${path} does not exist on the backend's machine (or is not a directory)`, { field: "url" });
	const bare = exists(join(path, "HEAD")) && isDir(join(path, "objects")) && isDir(join(path, "refs"));
	if (!bare && !exists(join(path, ".git"))) throw invalidInput(`${path} is not a git repository (no .git, no HEAD/objects/refs)`, { field: "url" });
}
