// Repository lookups shared by commands and reads.
import { notFound, type Repo } from "@foundry/shared";
import { eq, or } from "drizzle-orm";
import { parseRepoLocation } from "../../domain/repo-url.ts";
import type { OrganizationDb } from "./database.ts";
import { repos } from "./schema.ts";

/** The public view: the credential column only as `credentialSet`, never its value. */
export function toRepo(row: Omit<typeof repos.$inferSelect, "credential"> & { credential?: string | null }): Repo {
	const { githubFullName: _f, githubGeneration: _g, credential, ...repo } = row;
	return { ...repo, credentialSet: typeof credential === "string" };
}

/** Accepts a repository id, its URL/path (any spelling that normalises the same), or its name. */
export async function resolveRepo(db: OrganizationDb, ref: string): Promise<Repo> {
	const trimmed = ref.trim();
	let canonical: string | null = null;
	if (trimmed.startsWith("/") || trimmed.includes("://")) canonical = parseRepoLocation(trimmed).url;
	const rows = await db
		.select()
		.from(repos)
		.where(canonical ? eq(repos.url, canonical) : or(eq(repos.id, trimmed), eq(repos.name, trimmed)))
		.limit(2);
	if (rows.length > 1) throw notFound(`repository name '${trimmed}' is ambiguous; use its id`);
	const row = rows[0];
	if (!row) throw notFound(`repository '${trimmed}' is not in this organization`, { repo: trimmed });
	return toRepo(row);
}
