// Actor-to-actor messages. Every cross-actor write is a queue send into the receiver's workflow.

import {
	type ApplyMembershipInput,
	type AuditAppend,
	auditLogKey,
	type ConnParams,
	type ErrorPayload,
	FoundryError,
	type GitIdentity,
	type OrganizationMember,
	organizationKey,
	QUEUE,
	type TaskRecord,
	type TaskSummary,
	userKey,
} from "@foundry/shared";
import type { UserMessage } from "./outbox.ts";
import { chunkByBytes, chunkTarget, QUEUE_LIMITS, truncateStrings } from "./queue-limits.ts";
import { retrying } from "./route-retry.ts";

type SendResult = { status: "completed"; response?: unknown } | { status: "timedOut" };
interface PeerHandle {
	send(name: string, body: unknown): Promise<unknown>;
	send(name: string, body: unknown, opts: { wait: true; timeout: number }): Promise<SendResult>;
}

interface OrganizationHandle extends PeerHandle {
	getTaskSeed(taskId: string): Promise<TaskRecord>;
	getMember(userId: string): Promise<OrganizationMember | null>;
	/** The sealed credential an admin set for a repository on another host (null: none). */
	getRepoCredential(url: string): Promise<{ credential: string | null }>;
	scheduleCapCheck(input: { at: number }): Promise<void>;
	scheduleTurnCheck(input: { at: number }): Promise<void>;
	scheduleUsageFlush(): Promise<void>;
}
interface GithubDataHandle extends PeerHandle {
	scheduleSync(input: { at: number; reason: string }): Promise<void>;
}
interface SandboxHandle extends PeerHandle {
	schedulePause(input: { at: number }): Promise<void>;
}
interface UserHandle extends PeerHandle {
	githubToken(): Promise<GitIdentity>;
	agentDefaults(): Promise<{ agent: string | null; model: string | null }>;
}
interface Opts {
	params: ConnParams;
}

/**
 * The slice of the RivetKit client that actors use to reach each other. Declared here rather than
 * derived from the registry type (which would be circular); registry.ts asserts the real client
 * satisfies it.
 */
export interface RawPeerClient {
	organization: { getOrCreate(key: string[], opts: Opts): OrganizationHandle };
	githubData: { getOrCreate(key: string[], opts: Opts): GithubDataHandle };
	task: { getOrCreate(key: string[], opts: Opts): PeerHandle };
	auditLog: { getOrCreate(key: string[], opts: Opts): PeerHandle };
	user: { getOrCreate(key: string[], opts: Opts): UserHandle };
	sandbox: { getOrCreate(key: string[], opts: Opts): SandboxHandle };
}

/** Peer handles that always present the backend's internal credential. */
export interface PeerClient {
	organization: { getOrCreate(key: string[]): OrganizationHandle };
	githubData: { getOrCreate(key: string[]): GithubDataHandle };
	task: { getOrCreate(key: string[]): PeerHandle };
	auditLog: { getOrCreate(key: string[]): PeerHandle };
	user: { getOrCreate(key: string[]): UserHandle };
	sandbox: { getOrCreate(key: string[]): SandboxHandle };
}

export function peers(source: { client(): unknown }, params: ConnParams): PeerClient {
	const raw = source.client() as RawPeerClient;
	return {
		organization: { getOrCreate: (key) => retrying(raw.organization.getOrCreate(key, { params })) },
		githubData: { getOrCreate: (key) => retrying(raw.githubData.getOrCreate(key, { params })) },
		task: { getOrCreate: (key) => retrying(raw.task.getOrCreate(key, { params })) },
		auditLog: { getOrCreate: (key) => retrying(raw.auditLog.getOrCreate(key, { params })) },
		user: { getOrCreate: (key) => retrying(raw.user.getOrCreate(key, { params })) },
		sandbox: { getOrCreate: (key) => retrying(raw.sandbox.getOrCreate(key, { params })) },
	};
}

/** Sends per-user messages produced by a batch (one send each; user actors de-duplicate where it matters). */
export async function tellUsers(client: PeerClient, messages: UserMessage[]): Promise<void> {
	for (const m of messages) await client.user.getOrCreate(userKey(m.userId)).send(m.queue, m.body);
}

/** An organization tells a member's user actor about their membership (null role = removed). */
export async function pushMembership(client: PeerClient, userId: string, m: ApplyMembershipInput): Promise<void> {
	await client.user.getOrCreate(userKey(userId)).send(QUEUE.user.applyMembership, m);
}

const PEER_WAIT_MS = 10_000;
const SEND_MARGIN_MS = 2_000;

/** Delivers a batch of audit events (one queue message; replays are de-duplicated by event id). */
export async function sendAuditBatch(client: PeerClient, orgId: string, events: AuditAppend[]): Promise<void> {
	if (events.length === 0) return;
	// Chunked under the audit log's message limit: a full GitHub sync audits thousands of tasks at once.
	const log = client.auditLog.getOrCreate(auditLogKey(orgId));
	for (const chunk of chunkByBytes(events, chunkTarget(QUEUE_LIMITS.auditLog))) await log.send(QUEUE.auditLog.append, { events: chunk });
}

export interface RuntimeIssueReport {
	actorName: string;
	actorKey: string[];
	command: string;
	error: ErrorPayload;
}

/** The body of `organization.recordRuntimeIssue` (sent directly, or from a command's outbox). */
export const runtimeIssueBody = (issue: RuntimeIssueReport) => ({
	actorName: issue.actorName,
	actorKey: issue.actorKey,
	command: issue.command,
	code: issue.error.code,
	message: issue.error.message,
	occurredAt: Date.now(),
});

export async function reportRuntimeIssue(client: PeerClient, orgId: string, issue: RuntimeIssueReport): Promise<void> {
	await client.organization.getOrCreate(organizationKey(orgId)).send(QUEUE.organization.recordRuntimeIssue, truncateStrings(runtimeIssueBody(issue), 4_000));
}

/** Waits until the organization applied the summary, so a read after a task change sees it. */
export async function pushTaskSummary(client: PeerClient, orgId: string, summary: TaskSummary): Promise<void> {
	const res = await client.organization
		.getOrCreate(organizationKey(orgId))
		.send(QUEUE.organization.applyTaskSummary, summary, { wait: true, timeout: PEER_WAIT_MS });
	if (res.status !== "completed") {
		throw new FoundryError("UPSTREAM_FAILED", "organization did not apply the task summary in time");
	}
}

/** The organization's index row for a task: what a task actor initialises itself from. */
export function fetchTaskSeed(client: PeerClient, orgId: string, taskId: string): Promise<TaskRecord> {
	return client.organization.getOrCreate(organizationKey(orgId)).getTaskSeed(taskId);
}


/** Sends a command to a peer and waits for its typed result (errors are rethrown as they were). */
export async function sendAndWait<T>(handle: PeerHandle, queue: string, body: unknown, timeout = PEER_WAIT_MS): Promise<T> {
	// The queue's own timeout covers the wait for the reply, not the request: right after a crash a
	// request to an actor the dead backend held can hang until the engine gives up on that backend
	// (seen in the soak: a step blocked ~2 min, past its own timeout). Bounded here as well.
	let timer: ReturnType<typeof setTimeout> | undefined;
	const late = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new FoundryError("UPSTREAM_FAILED", `${queue} did not answer in time`)), timeout + SEND_MARGIN_MS);
	});
	const res = await Promise.race([handle.send(queue, body, { wait: true, timeout }), late]).finally(() => clearTimeout(timer));
	if (res.status !== "completed") throw new FoundryError("UPSTREAM_FAILED", `${queue} did not answer in time`);
	const result = res.response as { ok: true; value: T } | { ok: false; error: ErrorPayload } | undefined;
	if (!result) throw new FoundryError("INTERNAL", `${queue} returned no result`);
	if (!result.ok) throw FoundryError.fromPayload(result.error);
	return result.value;
}
