// How git in the sandbox reaches the task's repository: where it is (GitHub, another host, a local
// path) and which credential, if any, one clone or push may carry. The task owner's GitHub token is
// offered only to the configured GitHub origin; another host gets the credential an admin set for
// that repository, or none; a local repository needs none (it is bound into the sandbox).
import { FoundryError, organizationKey, userKey } from "@foundry/shared";
import { openCredential } from "../../../domain/repo-credential.ts";
import { locateRepo, type RepoLocation } from "../../../domain/repo-url.ts";
import type { SandboxCommandContext } from "../context.ts";
import type { Committer, GitCredential } from "../git.ts";

export interface RepoAccess {
	location: RepoLocation;
	committer: Committer;
	credential: GitCredential | null;
}

/** Where the repository of `url` (a stored, canonical repository URL) lives for this backend. */
export function locate(ctx: Pick<SandboxCommandContext, "githubHost">, url: string): RepoLocation {
	return locateRepo(url, ctx.githubHost);
}

/** Binds a local repository needs in a new sandbox (at the same path, writable: the task pushes to it). */
export function bindsFor(location: RepoLocation): Array<{ path: string; writable: boolean }> {
	return location.kind === "local" ? [{ path: location.path, writable: true }] : [];
}

/** Looked up for each clone or push, so an owner change or a new credential applies at once. */
export async function repoAccess(ctx: SandboxCommandContext, url: string, ownerUserId: string): Promise<RepoAccess> {
	const location = locate(ctx, url);
	const owner = await ctx.peers.user.getOrCreate(userKey(ownerUserId)).githubToken();
	const committer = { name: owner.name, email: owner.email };
	if (location.kind === "github") {
		return { location, committer, credential: { origin: location.origin, username: "x-access-token", token: owner.token } };
	}
	if (location.kind === "local") {
		if (ctx.provider.name !== "local") {
			throw new FoundryError("PRECONDITION_FAILED", `a local-path repository needs the local sandbox provider (this backend uses ${ctx.provider.name})`);
		}
		return { location, committer, credential: null };
	}
	const { credential: sealed } = await ctx.peers.organization.getOrCreate(organizationKey(ctx.orgId)).getRepoCredential(url);
	if (!sealed) return { location, committer, credential: null };
	const { username, token } = await openCredential(ctx.secrets, sealed);
	return { location, committer, credential: { origin: location.origin, username, token } };
}
