// organization.addRepo: add a repository by https URL or local path (works without GitHub).
import { actorRefSchema, addRepoInputSchema, conflict, parseInput, type Repo } from "@foundry/shared";
import { eq } from "drizzle-orm";
import { newRepoId } from "../../../domain/ids.ts";
import { parseRepoLocation } from "../../../domain/repo-url.ts";
import { commitChange, type OrganizationCommandContext } from "../context.ts";
import { repos } from "../schema.ts";

const schema = addRepoInputSchema.extend({ actor: actorRefSchema });

export async function addRepo(ctx: OrganizationCommandContext, body: unknown): Promise<Repo> {
	const input = parseInput(schema, body);
	const location = parseRepoLocation(input.url);
	const existing = await ctx.db.select().from(repos).where(eq(repos.url, location.url)).get();
	if (existing) {
		throw conflict(`repository ${location.url} is already added as ${existing.id}`, { repoId: existing.id });
	}
	const now = Date.now();
	const repo: Repo = { id: newRepoId(), ...location, source: "manual", createdAt: now, updatedAt: now };
	await commitChange(ctx, "add-repo", async (tx) => {
		await tx.insert(repos).values(repo);
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
