// Agent sessions, transcripts, sandboxes and git actions on a task (step 5).
import { z } from "zod";
import type { ErrorCode } from "../errors.ts";
import { LIMITS, utf8Bytes } from "../limits.ts";
import { repoPathSchema } from "./repo-path.ts";

/**
 * pending_provision → ready (sandbox up, repository prepared, agent session open) → running while a
 * turn runs → idle after it; needs_input while the agent waits for a permission answer; error with
 * the reason; closed when a member closed it.
 */
export const SESSION_STATUSES = ["pending_provision", "ready", "running", "needs_input", "idle", "error", "closed"] as const;
export const sessionStatusSchema = z.enum(SESSION_STATUSES);
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

export const sessionIdSchema = z
	.string()
	.trim()
	.regex(/^s_[a-z0-9]{10}$/, "session id looks like s_xxxxxxxxxx");

export const sessionSchema = z.object({
	id: z.string(),
	taskId: z.string(),
	name: z.string(),
	agent: z.string(),
	model: z.string().nullable(),
	status: sessionStatusSchema,
	/** Why the session is in error (git's or the agent's message). */
	error: z.string().nullable(),
	createdBy: z.string(),
	createdAt: z.number(),
	updatedAt: z.number(),
	/** Monotonic per session: the task ignores pushes older than what it holds. */
	version: z.number(),
});
export type Session = z.infer<typeof sessionSchema>;

export const SESSION_NAME_MAX = 80;
export const MESSAGE_MAX = LIMITS.PROMPT_MAX;

export const createSessionInputSchema = z
	.object({
		agent: z.string().trim().min(1).max(64).optional(),
		model: z.string().trim().min(1).max(128).optional(),
		name: z.string().trim().min(1).max(SESSION_NAME_MAX).optional(),
	})
	.strict();
export type CreateSessionInput = z.infer<typeof createSessionInputSchema>;

export const sendMessageInputSchema = z
	.object({
		sessionId: sessionIdSchema,
		text: z
			.string()
			.max(MESSAGE_MAX, `message is longer than ${MESSAGE_MAX} characters`)
			.refine((t) => utf8Bytes(t) <= LIMITS.PROMPT_MAX_BYTES, `message is larger than ${LIMITS.PROMPT_MAX_BYTES / 1024} KiB in UTF-8`)
			.refine((t) => t.trim().length > 0, "message must not be empty"),
	})
	.strict();
export const sessionRefInputSchema = z.object({ sessionId: sessionIdSchema }).strict();
export const renameSessionInputSchema = z.object({ sessionId: sessionIdSchema, name: z.string().trim().min(1).max(SESSION_NAME_MAX) }).strict();
export const PERMISSION_REPLIES = ["once", "always", "reject"] as const;
export const respondPermissionInputSchema = z
	.object({ sessionId: sessionIdSchema, requestId: z.string().min(1).max(200), reply: z.enum(PERMISSION_REPLIES) })
	.strict();
export const sendFollowUpsInputSchema = z.object({ sessionId: sessionIdSchema, followUpIds: z.array(z.string().min(1).max(100)).max(200).optional() }).strict();

/** One transcript entry, normalised from the agent protocol (the raw envelope is kept in `data`). */
export const TRANSCRIPT_KINDS = [
	"user_message",
	"agent_message",
	"agent_thought",
	"tool_call",
	"tool_update",
	"permission_request",
	"turn_end",
	"error",
	"notice",
	"other",
] as const;
export const transcriptKindSchema = z.enum(TRANSCRIPT_KINDS);
export type TranscriptKind = z.infer<typeof transcriptKindSchema>;

export interface TranscriptEvent {
	sessionId: string;
	/** 1, 2, 3 … per session; events are stored once per (session, index). */
	index: number;
	at: number;
	sender: "client" | "agent" | "foundry";
	kind: TranscriptKind;
	/** Human-readable text (message chunk, tool title, error message …). */
	text: string;
	/** The protocol envelope or structured details. */
	data: unknown;
}

export const transcriptInputSchema = z
	.object({
		sessionId: sessionIdSchema,
		/** Exclusive: events with a greater index. */
		after: z.number().int().min(0).optional(),
		limit: z.number().int().min(1).max(1000).optional(),
	})
	.strict();
export type TranscriptInput = z.infer<typeof transcriptInputSchema>;
export interface TranscriptPage {
	events: TranscriptEvent[];
	/** Pass as `after` for the next page; null when this page reached the end. */
	next: number | null;
}

export const SANDBOX_STATES = ["none", "provisioning", "ready", "paused", "expired", "destroyed", "error"] as const;
export type SandboxState = (typeof SANDBOX_STATES)[number];
export interface SandboxInfo {
	state: SandboxState;
	provider: string;
	/** Which sandbox this is (a new one after expiry or kill). */
	generation: number;
	error: string | null;
	updatedAt: number;
}

/** The changes on the task's branch in the sandbox, computed after each turn. */
export interface ChangeFile {
	path: string;
	status: string;
	added: number | null;
	removed: number | null;
}
export interface ChangesSummary {
	files: ChangeFile[];
	/** Commits on the branch not on the base branch. */
	ahead: number;
	computedAt: number;
}

export const GIT_OPS = ["push", "publish_pr", "merge_pr", "revert_file"] as const;
export type GitOp = (typeof GIT_OPS)[number];
export interface GitOpResult {
	op: GitOp;
	ok: boolean;
	/** git's stderr or GitHub's message on failure; a short description on success. */
	message: string;
	at: number;
	/** Why it failed: INVALID_INPUT for a path refused in the sandbox, else mostly UPSTREAM_FAILED. */
	code?: ErrorCode;
}

export const MERGE_METHODS = ["merge", "squash", "rebase"] as const;
export const mergeInputSchema = z.object({ method: z.enum(MERGE_METHODS).optional() }).strict();
export const publishPrInputSchema = z.object({ title: z.string().trim().min(1).max(256).optional(), body: z.string().max(65_536).optional(), draft: z.boolean().optional() }).strict();
export const revertFileInputSchema = z.object({ path: repoPathSchema }).strict();
export const diffInputSchema = z.object({ path: repoPathSchema.optional() }).strict();
export const pruneInputSchema = z.object({ olderThanDays: z.number().int().min(0).max(3650), dryRun: z.boolean().optional() }).strict();
export interface PruneResult {
	taskIds: string[];
	dryRun: boolean;
}

/** What sandbox-agent offers: agents with their install/credential state and models. */
export interface AgentInfo {
	id: string;
	installed: boolean;
	credentialsAvailable: boolean;
	models: string[];
	defaultModel: string | null;
	/** The scripted test agent stands in for this id (dev and tests). */
	scripted: boolean;
}

export interface SessionEventsPayload {
	sessionId: string;
	events: TranscriptEvent[];
}

/** Internal (never sent to clients): who git acts as in a sandbox — the task owner's token and identity. */
export interface GitIdentity {
	token: string;
	login: string;
	name: string;
	email: string;
}
