// Actor-to-actor messages. Every cross-actor write is a queue send into the receiver's workflow.
import {
	type AuditAppend,
	auditLogKey,
	type ErrorPayload,
	FoundryError,
	organizationKey,
	QUEUE,
	type TaskRecord,
	type TaskSummary,
} from "@foundry/shared";

type SendResult = { status: "completed"; response?: unknown } | { status: "timedOut" };
interface PeerHandle {
	send(name: string, body: unknown): Promise<unknown>;
	send(name: string, body: unknown, opts: { wait: true; timeout: number }): Promise<SendResult>;
}

/**
 * The slice of the RivetKit client that actors use to reach each other. Declared here rather than
 * derived from the registry type (which would be circular); registry.ts asserts the real client
 * satisfies it.
 */
export interface PeerClient {
	organization: { getOrCreate(key: string[]): PeerHandle & { getTaskSeed(taskId: string): Promise<TaskRecord> } };
	auditLog: { getOrCreate(key: string[]): PeerHandle };
}

export const peers = (source: { client(): unknown }): PeerClient => source.client() as PeerClient;

const PEER_WAIT_MS = 10_000;

/** Delivers a batch of audit events (one queue message; replays are de-duplicated by event id). */
export async function sendAuditBatch(client: PeerClient, orgId: string, events: AuditAppend[]): Promise<void> {
	await client.auditLog.getOrCreate(auditLogKey(orgId)).send(QUEUE.auditLog.append, { events });
}

export async function reportRuntimeIssue(
	client: PeerClient,
	orgId: string,
	issue: { actorName: string; actorKey: string[]; command: string; error: ErrorPayload },
): Promise<void> {
	await client.organization.getOrCreate(organizationKey(orgId)).send(QUEUE.organization.recordRuntimeIssue, {
		actorName: issue.actorName,
		actorKey: issue.actorKey,
		command: issue.command,
		code: issue.error.code,
		message: issue.error.message,
		occurredAt: Date.now(),
	});
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

