// GitHub data contracts: what the github-data actor mirrors and pushes into the organization.
import { z } from "zod";

export const PR_STATES = ["open", "draft", "merged", "closed"] as const;
export const prStateSchema = z.enum(PR_STATES);
export type PrState = z.infer<typeof prStateSchema>;

/** A repository as the organization indexes it (from the installation). */
export const githubRepoSchema = z.object({
	githubId: z.number().int(),
	fullName: z.string().min(3),
	url: z.string(),
	defaultBranch: z.string(),
	private: z.boolean(),
	archived: z.boolean(),
});
export type GithubRepo = z.infer<typeof githubRepoSchema>;

/** An open (or just closed) pull request, as the organization indexes it. */
export const pullRequestSchema = z.object({
	repoFullName: z.string(),
	number: z.number().int().positive(),
	title: z.string(),
	url: z.string(),
	headRef: z.string(),
	/** The head commit (absent in lists that do not carry it). */
	headSha: z.string().nullable().optional(),
	baseRef: z.string(),
	author: z.string(),
	state: prStateSchema,
	updatedAt: z.number(),
});
export type PullRequest = z.infer<typeof pullRequestSchema>;

/** A review or comment on a task's PR, kept on the task (step 5 turns them into agent prompts). */
export const followUpSchema = z.object({
	id: z.string().min(1).max(100),
	kind: z.enum(["changes_requested", "review_comment", "comment"]),
	author: z.string(),
	body: z.string().max(65_536),
	path: z.string().nullable(),
	line: z.number().int().nullable(),
	url: z.string(),
	createdAt: z.number(),
	/**
	 * Whether the author was a member of the organization when it arrived (decided by the
	 * organization, never by the sender). Anyone can comment on a PR: only trusted follow-ups are
	 * sent to the agent automatically, and untrusted text is fenced off in the prompt. Absent in
	 * records from before trust was kept: untrusted.
	 */
	trusted: z.boolean().default(false),
});
export type FollowUp = z.infer<typeof followUpSchema>;
/** A follow-up as the task lists it: with when it was sent to the agent (null: not yet). */
export type ListedFollowUp = FollowUp & { sentAt: number | null };

export const SYNC_PHASES = ["idle", "repositories", "pull_requests", "members", "done", "error", "rate_limited"] as const;
export type SyncPhase = (typeof SYNC_PHASES)[number];

export interface GithubStatus {
	installationId: number | null;
	installation: "connected" | "install_required" | "suspended";
	phase: SyncPhase;
	processed: number;
	total: number;
	generation: number;
	lastSyncedAt: number | null;
	rateLimitedUntil: number | null;
	error: string | null;
	requests: number;
	/** Conditional requests GitHub answered with 304 (nothing changed), over all syncs. */
	notModified: number;
	nextSyncAt: number | null;
}
