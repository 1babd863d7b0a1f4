// Organization contracts: runtime issues, the realtime snapshot and its change events.
import { z } from "zod";
import type { BillingState } from "./billing.ts";
import { errorCodeSchema } from "./error.ts";
import type { GithubStatus } from "./github.ts";
import type { Repo } from "./repo.ts";
import type { TaskRecord, TaskSummary } from "./task.ts";

export const runtimeIssueInputSchema = z.object({
	actorName: z.string(),
	actorKey: z.array(z.string()),
	command: z.string(),
	code: errorCodeSchema,
	message: z.string().max(4_000),
	occurredAt: z.number(),
});
export type RuntimeIssueInput = z.infer<typeof runtimeIssueInputSchema>;

export interface RuntimeIssue extends RuntimeIssueInput {
	id: number;
	clearedAt: number | null;
}

export const clearRuntimeIssuesInputSchema = z.object({
	ids: z.array(z.number().int().positive()).max(1_000).optional(),
});

export const listRuntimeIssuesInputSchema = z.object({ includeCleared: z.boolean().optional() });

/** The GitHub account an organization mirrors, and whether the GitHub App is installed there. */
export interface OrganizationAccount {
	login: string;
	name: string;
	kind: "personal" | "organization";
	avatarUrl: string | null;
	installation: "connected" | "install_required";
}

/** Organization settings (admins change them). */
export const organizationSettingsSchema = z.object({
	/** Archive a task when its PR is merged or closed on GitHub. */
	archiveOnPrClose: z.boolean(),
	/** Send new PR review comments and change requests to the task's agent automatically. */
	autoSendFollowUps: z.boolean(),
});
export type OrganizationSettings = z.infer<typeof organizationSettingsSchema>;
export const updateSettingsInputSchema = organizationSettingsSchema.partial().strict();
export const DEFAULT_SETTINGS: OrganizationSettings = { archiveOnPrClose: true, autoSendFollowUps: false };

export type OrganizationChange =
	| { type: "settings"; settings: OrganizationSettings }
	| { type: "account"; account: OrganizationAccount; memberCount: number }
	| { type: "github"; status: GithubStatus }
	| { type: "tasksRemoved"; taskIds: string[] }
	| { type: "tasksUpserted"; tasks: TaskSummary[] }
	| { type: "repoUpserted"; repo: Repo }
	| { type: "taskUpserted"; task: TaskSummary }
	| { type: "runtimeIssues"; openCount: number }
	| { type: "billing"; billing: BillingState };

export interface OrganizationUpdatedEvent {
	version: number;
	change: OrganizationChange;
}

export interface OrganizationSnapshot {
	orgId: string;
	version: number;
	account: OrganizationAccount | null;
	memberCount: number;
	github: GithubStatus | null;
	settings: OrganizationSettings;
	/** Plan, subscription status, seats, spend cap (step 6). */
	billing: BillingState;
	repos: Repo[];
	tasks: TaskSummary[];
	openRuntimeIssues: number;
}

export interface TaskUpdatedEvent {
	task: TaskRecord;
}

/** Someone with the task open right now (one entry per user, however many tabs). */
export interface TaskViewer {
	userId: string;
	login: string;
}

/** Task actor: who is viewing the task changed (connections that called `watch` opened or closed). */
export interface TaskPresenceEvent {
	viewers: TaskViewer[];
}
