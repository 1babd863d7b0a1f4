// What github-data command handlers work with, and how its status reaches the organization.
import { type GithubRepo, type GithubStatus, organizationKey, QUEUE } from "@foundry/shared";
import { eq } from "drizzle-orm";
import type { Logger } from "pino";
import type { GithubUserApi } from "../../adapters/github.ts";
import type { GithubAppApi, ListPage } from "../../adapters/github-app.ts";
import type { PeerClient } from "../shared/peers.ts";
import type { GithubDataDb } from "./database.ts";
import { syncState } from "./schema.ts";

export interface GithubDataContext {
	db: GithubDataDb;
	orgId: string;
	peers: PeerClient;
	log: Logger;
	/** Null when the GitHub App is not configured. */
	github: GithubAppApi | null;
	/** GitHub as a user (their OAuth token): PRs opened and merged on their behalf. */
	userApi: GithubUserApi | null;
	/** Periodic reconciliation; 0 = off. */
	syncIntervalMs: number;
}

const INITIAL: GithubStatus = {
	installationId: null,
	installation: "install_required",
	phase: "idle",
	processed: 0,
	total: 0,
	generation: 0,
	lastSyncedAt: null,
	rateLimitedUntil: null,
	error: null,
	requests: 0,
	notModified: 0,
	nextSyncAt: null,
};

export async function readStatus(db: GithubDataDb): Promise<GithubStatus> {
	const row = await db.select().from(syncState).where(eq(syncState.id, 1)).get();
	if (!row) return { ...INITIAL };
	const { id: _id, resume: _r, reposMemo: _m, ...status } = row;
	return status;
}

/** The installation's repository listing as last read (for conditional re-reads), if any. */
export async function readReposMemo(db: GithubDataDb): Promise<ListPage<GithubRepo>[] | null> {
	const row = await db.select({ memo: syncState.reposMemo }).from(syncState).where(eq(syncState.id, 1)).get();
	return row?.memo ? (JSON.parse(row.memo) as ListPage<GithubRepo>[]) : null;
}

export interface ResumeStep {
	name: string;
	body: unknown;
}

export async function readResume(db: GithubDataDb): Promise<ResumeStep | null> {
	const row = await db.select({ resume: syncState.resume }).from(syncState).where(eq(syncState.id, 1)).get();
	return row?.resume ? (JSON.parse(row.resume) as ResumeStep) : null;
}

export async function writeResume(db: GithubDataDb, step: ResumeStep | null): Promise<void> {
	await db.update(syncState).set({ resume: step ? JSON.stringify(step) : null }).where(eq(syncState.id, 1));
}

/** Persists a status change and pushes it to the organization (which broadcasts it). */
export async function setStatus(ctx: GithubDataContext, patch: Partial<GithubStatus>): Promise<GithubStatus> {
	const next = { ...(await readStatus(ctx.db)), ...patch };
	await ctx.db.insert(syncState).values({ id: 1, ...next }).onConflictDoUpdate({ target: syncState.id, set: next });
	await ctx.peers.organization.getOrCreate(organizationKey(ctx.orgId)).send(QUEUE.organization.applyGithubStatus, { status: next });
	return next;
}
