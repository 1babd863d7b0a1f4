// organization.setRepoCredential (admin): a token for a repository on a host other than the
// configured GitHub, so its clones and pushes need not be anonymous. The action seals it with the
// secret box before it is queued; this table keeps only the ciphertext, reads show `credentialSet`.
import { actorRefSchema, FoundryError, LIMITS, parseInput, type Repo } from "@foundry/shared";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { locateRepo } from "../../../domain/repo-url.ts";
import { commitChange, type OrganizationCommandContext } from "../context.ts";
import type { OrganizationDb } from "../database.ts";
import { resolveRepo, toRepo } from "../repos.ts";
import { repos } from "../schema.ts";

const schema = z.object({ repo: z.string().min(1).max(LIMITS.REPO_URL_MAX), sealed: z.string().min(1).nullable(), actor: actorRefSchema });

export async function setRepoCredential(ctx: OrganizationCommandContext, body: unknown): Promise<Repo> {
	const { repo: ref, sealed, actor } = parseInput(schema, body);
	const repo = await resolveRepo(ctx.db, ref);
	const location = locateRepo(repo.url, ctx.githubHost);
	if (location.kind === "github") {
		throw new FoundryError("PRECONDITION_FAILED", "repositories on the configured GitHub use the task owner's GitHub token; no credential is kept for them");
	}
	if (location.kind === "local") throw new FoundryError("PRECONDITION_FAILED", "a local repository needs no credential");
	const now = Date.now();
	let updated: Repo = repo;
	await commitChange(ctx, "repo-credential", async (tx) => {
		const [row] = await tx.update(repos).set({ credential: sealed, updatedAt: now }).where(eq(repos.id, repo.id)).returning();
		if (!row) return null;
		updated = toRepo(row);
		return { type: "repoUpserted", repo: updated };
	});
	ctx.outbox.audit({
		kind: sealed === null ? "repo.credential_cleared" : "repo.credential_set",
		actor,
		repoId: repo.id,
		taskId: null,
		payload: { url: repo.url },
	});
	return updated;
}

/** Internal: the sealed credential of the repository at `url` (the sandbox opens it for one git call). */
export async function readRepoCredential(db: OrganizationDb, url: string): Promise<{ credential: string | null }> {
	const row = await db.select({ credential: repos.credential }).from(repos).where(eq(repos.url, url)).get();
	return { credential: row?.credential ?? null };
}
