// Read actions of the organization: everything is served from its own tables (no fan-out).
import {
	DEFAULT_SETTINGS,
	type GithubStatus,
	type ListTasksInput,
	notFound,
	type OrganizationAccount,
	type OrganizationMember,
	type OrganizationSettings,
	type OrganizationSnapshot,
	type Repo,
	type RuntimeIssue,
	type TaskSummary,
} from "@foundry/shared";
import { and, asc, count, desc, eq, isNull, ne, type SQL } from "drizzle-orm";
import { openIssueCount } from "./commands/runtime-issues.ts";
import { readVersion } from "./context.ts";
import { type BillingEnv, readCore, toBillingState } from "./billing.ts";
import type { OrganizationDb } from "./database.ts";
import { resolveRepo, toRepo } from "./repos.ts";
import { githubStatus, members, orgProfile, orgSettings, repos, runtimeIssues, taskIndex, taskSummaries } from "./schema.ts";
import { fromSummaryRow } from "./summaries.ts";

export async function listRepos(db: OrganizationDb): Promise<Repo[]> {
	const rows = await db.select().from(repos).orderBy(asc(repos.createdAt), asc(repos.id));
	return rows.map(toRepo);
}

export async function listTasks(db: OrganizationDb, input: ListTasksInput): Promise<TaskSummary[]> {
	const filters: SQL[] = [];
	if (input.repo) filters.push(eq(taskSummaries.repoId, (await resolveRepo(db, input.repo)).id));
	if (input.status) filters.push(eq(taskSummaries.status, input.status));
	else if (!input.includeArchived) filters.push(ne(taskSummaries.status, "archived"));
	const rows = await db
		.select()
		.from(taskSummaries)
		.where(filters.length > 0 ? and(...filters) : undefined)
		.orderBy(desc(taskSummaries.updatedAt), desc(taskSummaries.taskId));
	return rows.map(fromSummaryRow);
}

export async function getTaskSummary(db: OrganizationDb, taskId: string): Promise<TaskSummary> {
	const indexed = await db.select().from(taskIndex).where(eq(taskIndex.taskId, taskId)).get();
	const row = indexed ? await db.select().from(taskSummaries).where(eq(taskSummaries.taskId, taskId)).get() : undefined;
	if (!row) throw notFound(`task ${taskId} does not exist in this organization`, { taskId });
	return fromSummaryRow(row);
}

export async function getSnapshot(db: OrganizationDb, orgId: string, billingEnv: BillingEnv): Promise<OrganizationSnapshot> {
	// Version first: anything written after it arrives as an event with a higher version, and
	// re-applying an upsert the snapshot already contains is harmless.
	const version = await readVersion(db);
	const [repoList, tasks, openRuntimeIssues, account, memberCount] = [
		await listRepos(db),
		await listTasks(db, {}),
		await openIssueCount(db),
		await readAccount(db),
		await countMembers(db),
	];
	const [github, settings] = [await readGithubStatus(db), await readSettings(db)];
	const billing = await toBillingState(db, await readCore(db), billingEnv);
	return { orgId, version, account, memberCount, github, settings, billing, repos: repoList, tasks, openRuntimeIssues };
}

export async function readSettings(db: OrganizationDb): Promise<OrganizationSettings> {
	const row = await db.select().from(orgSettings).where(eq(orgSettings.id, 1)).get();
	return { ...DEFAULT_SETTINGS, ...(row ? (JSON.parse(row.settings) as Partial<OrganizationSettings>) : {}) };
}

export async function readGithubStatus(db: OrganizationDb): Promise<GithubStatus | null> {
	const row = await db.select().from(githubStatus).where(eq(githubStatus.id, 1)).get();
	return row ? (JSON.parse(row.status) as GithubStatus) : null;
}

export async function readAccount(db: OrganizationDb): Promise<OrganizationAccount | null> {
	const row = await db.select().from(orgProfile).where(eq(orgProfile.id, 1)).get();
	if (!row) return null;
	const { id: _id, updatedAt: _u, ...account } = row;
	return account;
}

export async function countMembers(db: OrganizationDb): Promise<number> {
	const [row] = await db.select({ n: count() }).from(members);
	return row?.n ?? 0;
}

export async function listRuntimeIssues(db: OrganizationDb, includeCleared: boolean): Promise<RuntimeIssue[]> {
	const rows = await db
		.select()
		.from(runtimeIssues)
		.where(includeCleared ? undefined : isNull(runtimeIssues.clearedAt))
		.orderBy(desc(runtimeIssues.id));
	return rows.map((r) => ({
		...r,
		actorKey: JSON.parse(r.actorKey) as string[],
		code: r.code as RuntimeIssue["code"],
	}));
}

export async function listMembers(db: OrganizationDb): Promise<OrganizationMember[]> {
	const rows = await db.select().from(members).orderBy(asc(members.login));
	return rows.map(({ updatedAt: _u, ...m }) => m);
}

export async function getMember(db: OrganizationDb, userId: string): Promise<OrganizationMember | null> {
	const row = await db.select().from(members).where(eq(members.userId, userId)).get();
	if (!row) return null;
	const { updatedAt: _u, ...m } = row;
	return m;
}
