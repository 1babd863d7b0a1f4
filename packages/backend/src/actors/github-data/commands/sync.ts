// Full sync as a chain of queue messages, each its own workflow step: `sync` lists the
// installation's repositories, `syncPulls` lists open PRs for a batch of repositories, then
// `syncMembers`. State (generation, progress) is in this actor's tables, so a crash resumes with
// the next message instead of restarting or leaving half-written state. Every result is pushed
// to the organization (which owns the index); no task actor is ever created here.

import { FoundryError, githubDataKey, organizationKey, type PullRequest, parseInput, QUEUE } from "@foundry/shared";
import { asc, eq, gte, lt } from "drizzle-orm";
import { z } from "zod";
import { type GithubAppApi, itemsOf, type ListPage } from "../../../adapters/github-app.ts";
import { sendAndWait } from "../../shared/peers.ts";
import { chunkByBytes, chunkTarget, jsonBytes, QUEUE_LIMITS } from "../../shared/queue-limits.ts";
import { type GithubDataContext, type ResumeStep, readReposMemo, readStatus, setStatus, writeResume } from "../context.ts";
import { syncedRepos, syncState } from "../schema.ts";

export const PULL_BATCH = 5;
const RETRY_AFTER_ERROR_MS = 5 * 60_000;
const BUSY = new Set(["repositories", "pull_requests", "members"]);

const syncSchema = z.object({ reason: z.string().max(200), force: z.boolean().optional() });
const pullsSchema = z.object({ generation: z.number().int(), offset: z.number().int().min(0) });
const membersSchema = z.object({ generation: z.number().int() });

function api(ctx: GithubDataContext): GithubAppApi {
	if (!ctx.github) throw new FoundryError("PRECONDITION_FAILED", "the GitHub App is not configured on this backend");
	return ctx.github;
}

const self = (ctx: GithubDataContext) => ctx.peers.githubData.getOrCreate(githubDataKey(ctx.orgId));
/** A sync is background work: it may wait for a busy organization longer than a request would. */
const ORG_APPLY_WAIT_MS = 60_000;
const org = (ctx: GithubDataContext) => ctx.peers.organization.getOrCreate(organizationKey(ctx.orgId));

/**
 * Runs a sync phase; failures land on the status (error or rate limited) before propagating. A
 * rate-limited phase is run again (same message, so progress is kept) after GitHub's reset.
 */
async function phase<T>(ctx: GithubDataContext, run: () => Promise<T>, again?: ResumeStep): Promise<T> {
	try {
		const out = await run();
		if (again) await writeResume(ctx.db, null);
		return out;
	} catch (err) {
		const message = err instanceof Error ? err.message : String(err);
		const limited = err instanceof FoundryError && err.code === "RATE_LIMITED";
		const until = limited && typeof err.details?.resetAt === "number" ? err.details.resetAt : null;
		await setStatus(ctx, { phase: limited ? "rate_limited" : "error", error: message, rateLimitedUntil: until, nextSyncAt: until });
		// Resume once GitHub's budget resets; after another failure, retry later (periodic mode).
		if (until !== null) {
			await writeResume(ctx.db, again ?? null);
			await self(ctx).scheduleSync({ at: until + 1_000, reason: "rate limit reset" });
		} else if (ctx.syncIntervalMs > 0) {
			const at = Date.now() + Math.min(ctx.syncIntervalMs, RETRY_AFTER_ERROR_MS);
			await setStatus(ctx, { nextSyncAt: at });
			await self(ctx).scheduleSync({ at, reason: "retry after error" });
		}
		throw err instanceof FoundryError ? err : new FoundryError("UPSTREAM_FAILED", `GitHub sync failed: ${message}`);
	}
}

export async function startSync(ctx: GithubDataContext, body: unknown): Promise<{ started: boolean; generation: number }> {
	const { force } = parseInput(syncSchema, body);
	const status = await readStatus(ctx.db);
	if (BUSY.has(status.phase) && !force) return { started: false, generation: status.generation };
	const github = api(ctx);
	return phase(ctx, async () => {
		const installation = await github.installationFor(ctx.orgId);
		const generation = status.generation + 1;
		if (!installation || installation.suspended) {
			await setStatus(ctx, { installationId: installation?.id ?? null, installation: installation ? "suspended" : "install_required", phase: "done", generation, error: null });
			return { started: false, generation };
		}
		await setStatus(ctx, { installationId: installation.id, installation: "connected", phase: "repositories", processed: 0, total: 0, generation, error: null, rateLimitedUntil: null });
		const memo = status.installationId === installation.id ? await readReposMemo(ctx.db) : null;
		const listed = await github.repositories(installation.id, memo);
		const repos = itemsOf(listed);
		if (!listed.changed) {
			// 304 for every page: the installation's repositories are as last listed.
			await ctx.db.update(syncedRepos).set({ generation });
		} else {
			for (const [position, r] of repos.entries()) {
				const row = { fullName: r.fullName, githubId: r.githubId, generation, position, data: JSON.stringify(r) };
				await ctx.db.insert(syncedRepos).values(row).onConflictDoUpdate({ target: syncedRepos.fullName, set: row });
			}
			await ctx.db.delete(syncedRepos).where(lt(syncedRepos.generation, generation));
		}
		await setStatus(ctx, { notModified: status.notModified + (listed.changed ? 0 : 1) });
		// In parts under the organization's message limit; the last one removes repositories not listed.
		const parts = chunkByBytes(repos, chunkTarget(QUEUE_LIMITS.organization));
		for (const [i, part] of parts.entries()) await org(ctx).send(QUEUE.organization.applyGithubRepos, { generation, repos: part, final: i === parts.length - 1 });
		// Only once the organization has the list (see syncPulls: the memo makes the next listing a 304).
		if (listed.changed) await ctx.db.update(syncState).set({ reposMemo: JSON.stringify(listed.pages) }).where(eq(syncState.id, 1));
		await setStatus(ctx, { phase: "pull_requests", processed: 0, total: repos.length, requests: github.requests() });
		await self(ctx).send(QUEUE.githubData.syncPulls, { generation, offset: 0 });
		return { started: true, generation };
	});
}

export async function syncPulls(ctx: GithubDataContext, body: unknown): Promise<{ processed: number }> {
	const { generation, offset } = parseInput(pullsSchema, body);
	const status = await readStatus(ctx.db);
	if (status.generation !== generation || status.installationId === null) return { processed: 0 }; // superseded
	if (status.phase === "rate_limited") await setStatus(ctx, { phase: "pull_requests", error: null, rateLimitedUntil: null });
	const github = api(ctx);
	const installationId = status.installationId;
	return phase(ctx, async () => {
		const batch = await ctx.db
			.select()
			.from(syncedRepos)
			.where(gte(syncedRepos.position, offset))
			.orderBy(asc(syncedRepos.position))
			.limit(PULL_BATCH);
		let notModified = 0;
		for (const repo of batch) {
			const memo = repo.pullsMemo ? (JSON.parse(repo.pullsMemo) as ListPage<PullRequest>[]) : null;
			const listed = await github.openPulls(installationId, repo.fullName, memo);
			if (!listed.changed) {
				notModified++; // every page 304: nothing to tell the organization
				continue;
			}
			// The organization applies the listing first, then we remember it: the memo turns the next
			// listing into a 304 that sends nothing, so the memo is saved only once the organization
			// has the PRs (a crash before that lists again and re-sends; the organization merges by PR).
			// In parts under the organization's message limit; the last one sweeps by every open number.
			const pulls = itemsOf(listed);
			const parts = chunkByBytes(pulls, chunkTarget(QUEUE_LIMITS.organization) - jsonBytes(pulls.map((p) => p.number)));
			for (const [i, part] of parts.entries()) {
				const last = i === parts.length - 1;
				const body = last ? { repoFullName: repo.fullName, pulls: part, complete: true, openNumbers: pulls.map((p) => p.number) } : { repoFullName: repo.fullName, pulls: part, complete: false };
				await sendAndWait(org(ctx), QUEUE.organization.applyPullRequests, body, ORG_APPLY_WAIT_MS);
			}
			await ctx.db.update(syncedRepos).set({ pullsMemo: JSON.stringify(listed.pages) }).where(eq(syncedRepos.fullName, repo.fullName));
		}
		const processed = offset + batch.length;
		await setStatus(ctx, { processed, requests: github.requests(), notModified: status.notModified + notModified });
		if (batch.length === PULL_BATCH) await self(ctx).send(QUEUE.githubData.syncPulls, { generation, offset: processed });
		else await self(ctx).send(QUEUE.githubData.syncMembers, { generation });
		return { processed };
	}, { name: QUEUE.githubData.syncPulls, body: { generation, offset } });
}

export async function syncMembers(ctx: GithubDataContext, body: unknown): Promise<{ members: number }> {
	const { generation } = parseInput(membersSchema, body);
	const status = await readStatus(ctx.db);
	if (status.generation !== generation || status.installationId === null) return { members: 0 };
	const github = api(ctx);
	const installationId = status.installationId;
	return phase(ctx, async () => {
		await setStatus(ctx, { phase: "members" });
		const members = await membersOrNull(github, installationId, ctx.orgId);
		// Personal accounts have no member list (404); their only member is the owner.
		if (members) await org(ctx).send(QUEUE.organization.reconcileMembers, { members, reason: "not a member on GitHub (sync)" });
		const count = members?.length ?? 0;
		const nextSyncAt = ctx.syncIntervalMs > 0 ? Date.now() + ctx.syncIntervalMs : null;
		await setStatus(ctx, { phase: "done", lastSyncedAt: Date.now(), requests: github.requests(), error: null, rateLimitedUntil: null, nextSyncAt });
		if (nextSyncAt !== null) await self(ctx).scheduleSync({ at: nextSyncAt, reason: "periodic reconciliation" });
		return { members: count };
	}, { name: QUEUE.githubData.syncMembers, body: { generation } });
}

async function membersOrNull(github: GithubAppApi, installationId: number, orgId: string) {
	try {
		return await github.members(installationId, orgId);
	} catch (err) {
		if (err instanceof FoundryError && err.code === "UPSTREAM_FAILED" && /\(404\)/.test(err.message)) return null;
		throw err;
	}
}
