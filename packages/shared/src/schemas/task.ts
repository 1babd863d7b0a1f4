// Task contracts: the record held by the task actor and the summary projected into the organization.
import { z } from "zod";
import { LIMITS, utf8Bytes } from "../limits.ts";
import { actorRefSchema, requestIdSchema } from "./common.ts";

export const TASK_STATUSES = ["idle", "running", "needs_input", "error", "archived"] as const;
export const taskStatusSchema = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof taskStatusSchema>;

export const createTaskInputSchema = z.object({
	/** Repository id, or a URL already in the catalog. */
	repo: z.string().trim().min(1, "repository is required"),
	prompt: z
		.string()
		.max(LIMITS.PROMPT_MAX, `prompt is longer than ${LIMITS.PROMPT_MAX} characters`)
		.refine((p) => utf8Bytes(p) <= LIMITS.PROMPT_MAX_BYTES, `prompt is larger than ${LIMITS.PROMPT_MAX_BYTES / 1024} KiB in UTF-8`)
		.refine((p) => p.trim().length > 0, "prompt must not be empty"),
	title: z
		.string()
		.trim()
		.min(1, "title must not be empty")
		.max(LIMITS.TITLE_MAX, `title is longer than ${LIMITS.TITLE_MAX} characters`)
		.optional(),
	branch: z.string().trim().min(1, "branch must not be empty").max(LIMITS.BRANCH_MAX).optional(),
	/** Idempotency key: a retried create with the same id returns the same task. */
	requestId: requestIdSchema.optional(),
	/** Start the first agent session with the prompt (default true). */
	startSession: z.boolean().optional(),
	agent: z.string().trim().min(1).max(64).optional(),
	model: z.string().trim().min(1).max(128).optional(),
});
export type CreateTaskInput = z.infer<typeof createTaskInputSchema>;

export const renameTaskInputSchema = z.object({
	title: z
		.string()
		.trim()
		.min(1, "title must not be empty")
		.max(LIMITS.TITLE_MAX, `title is longer than ${LIMITS.TITLE_MAX} characters`),
});
export const setTaskStatusInputSchema = z.object({ status: taskStatusSchema });
/** Give the task to another member of the organization (its owner or an admin may). */
export const setTaskOwnerInputSchema = z.object({ userId: z.string().trim().min(1).max(200) }).strict();

export const listTasksInputSchema = z.object({
	repo: z.string().trim().min(1).optional(),
	status: taskStatusSchema.optional(),
	includeArchived: z.boolean().optional(),
});
export type ListTasksInput = z.infer<typeof listTasksInputSchema>;

export const taskRecordSchema = z.object({
	id: z.string(),
	orgId: z.string(),
	repoId: z.string(),
	repoUrl: z.string(),
	title: z.string(),
	prompt: z.string(),
	branch: z.string(),
	status: taskStatusSchema,
	creator: actorRefSchema,
	owner: actorRefSchema,
	/** GitHub login and avatar of the owner (the user whose identity git uses in the sandbox). */
	ownerLogin: z.string(),
	ownerAvatarUrl: z.string().nullable(),
	createdAt: z.number(),
	updatedAt: z.number(),
	version: z.number(),
});
export type TaskRecord = z.infer<typeof taskRecordSchema>;

/** The sidebar projection the organization keeps per task. */
export const taskSummarySchema = z.object({
	id: z.string(),
	repoId: z.string(),
	title: z.string(),
	status: taskStatusSchema,
	branch: z.string(),
	owner: z.string(),
	ownerLogin: z.string(),
	ownerAvatarUrl: z.string().nullable(),
	updatedAt: z.number(),
	prState: z.string().nullable(),
	prNumber: z.number().nullable(),
	prUrl: z.string().nullable(),
	/** The latest decisive review on the PR (from GitHub). */
	reviewDecision: z.enum(["approved", "changes_requested"]).nullable(),
	/** The branch head on GitHub, from push webhooks (null until a push is seen or after the branch is deleted). */
	headSha: z.string().nullable(),
	/** Task-side version; the organization ignores pushes older than what it holds. */
	version: z.number(),
});
export type TaskSummary = z.infer<typeof taskSummarySchema>;
