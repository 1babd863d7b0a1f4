// organization.applyGithubRepos / applyGithubStatus: what the github-data actor learned. The
// organization stays the only writer of its tables; github-data pushes, never writes here.
import { type GithubStatus, githubRepoSchema, parseInput } from "@foundry/shared";
import { and, eq, isNotNull, isNull, lt, or } from "drizzle-orm";
import { z } from "zod";
import { newRepoId } from "../../../domain/ids.ts";
import { parseRepoLocation } from "../../../domain/repo-url.ts";
import { commitChange, type OrganizationCommandContext } from "../context.ts";
import { toRepo } from "../repos.ts";
import { githubStatus, repos, taskIndex, taskSummaries } from "../schema.ts";
import { applyInstallation } from "./members.ts";

/** A listing comes in parts (the organization's message limit); only the final one removes. */
const reposSchema = z.object({ generation: z.number().int(), repos: z.array(githubRepoSchema), final: z.boolean().default(true) });

/** Upserts the installation's repositories; repositories gone from GitHub (older generation) are removed unless tasks use them. */
export async function applyGithubRepos(ctx: OrganizationCommandContext, body: unknown): Promise<{ upserted: number; removed: number }> {
	const { generation, repos: incoming, final } = parseInput(reposSchema, body);
	let upserted = 0;
	for (const r of incoming) {
		const location = parseRepoLocation(r.url);
		const now = Date.now();
		const existing = await ctx.db.select().from(repos).where(eq(repos.url, location.url)).get();
		const unchanged = existing?.githubFullName === r.fullName && existing.name === location.name;
		if (unchanged) {
			await ctx.db.update(repos).set({ githubGeneration: generation }).where(eq(repos.id, existing.id));
			continue;
		}
		const row = {
			id: existing?.id ?? newRepoId(),
			url: location.url,
			name: location.name,
			kind: location.kind,
			source: "github" as const,
			createdAt: existing?.createdAt ?? now,
			updatedAt: now,
			githubFullName: r.fullName,
			githubGeneration: generation,
		};
		await commitChange(ctx, "github-repo", async (tx) => {
			await tx.insert(repos).values(row).onConflictDoUpdate({ target: repos.id, set: row });
			return { type: "repoUpserted", repo: toRepo(row) };
		});
		upserted++;
	}
	if (!final) return { upserted, removed: 0 };
	const stale = await ctx.db
		.select()
		.from(repos)
		.where(and(isNotNull(repos.githubFullName), or(isNull(repos.githubGeneration), lt(repos.githubGeneration, generation))));
	let removed = 0;
	for (const repo of stale) {
		// Its virtual tasks go with it; tasks people created keep the repository row.
		const virtual = await ctx.db
			.select({ id: taskIndex.taskId })
			.from(taskIndex)
			.where(and(eq(taskIndex.repoId, repo.id), eq(taskIndex.virtual, 1)));
		const taskIds = virtual.map((v) => v.id);
		await commitChange(ctx, "github-repo-removed", async (tx) => {
			for (const id of taskIds) {
				await tx.delete(taskSummaries).where(eq(taskSummaries.taskId, id));
				await tx.delete(taskIndex).where(eq(taskIndex.taskId, id));
			}
			const used = await tx.select({ id: taskIndex.taskId }).from(taskIndex).where(eq(taskIndex.repoId, repo.id)).limit(1);
			if (used.length === 0) await tx.delete(repos).where(eq(repos.id, repo.id));
			return taskIds.length > 0 ? { type: "tasksRemoved", taskIds } : null;
		});
		removed++;
	}
	return { upserted, removed };
}

const statusSchema = z.object({ status: z.record(z.string(), z.unknown()) });

export async function applyGithubStatus(ctx: OrganizationCommandContext, body: unknown): Promise<void> {
	const status = parseInput(statusSchema, body).status as unknown as GithubStatus;
	await commitChange(ctx, "github-status", async (tx) => {
		const row = { id: 1, status: JSON.stringify(status), updatedAt: Date.now() };
		await tx.insert(githubStatus).values(row).onConflictDoUpdate({ target: githubStatus.id, set: row });
		return { type: "github", status };
	});
	// A suspended App is still installed: the account is not "install required".
	await applyInstallation(ctx, status.installation === "install_required" ? "install_required" : "connected");
}
