// Audit events (and messages to users) produced while a batch of commands runs. The command loop sends them to the
// audit-log actor in one message after the batch, instead of one cross-actor hop per command.

import type { AuditAppend } from "@foundry/shared";
import { newEventId } from "../../domain/ids.ts";
import type { PeerClient } from "./peers.ts";
import { jsonBytes } from "./queue-limits.ts";

export type AuditDraft = Omit<AuditAppend, "id" | "at">;

/** A message for one user's actor (feed bumps, notifications), sent after the batch commits. */
export interface UserMessage {
	userId: string;
	queue: string;
	body: unknown;
}

/** A message for the organization of this actor, sent after the batch commits (in order). */
export interface OrgMessage {
	queue: string;
	body: unknown;
}

/** Actors a command may message after its batch commits. */
export type PeerName = "organization" | "githubData" | "task" | "auditLog" | "user" | "sandbox";

/**
 * A message for another actor, sent after the batch commits and the callers have their results:
 * a command never waits on another actor (nor on its creation). `onUndelivered` names a command of
 * this actor's own queue that records the failure on the entity if delivery finally fails.
 */
export interface PeerMessage {
	actor: PeerName;
	key: string[];
	queue: string;
	body: unknown;
	onUndelivered?: { queue: string; body: unknown };
}

export class Outbox {
	readonly #events: AuditAppend[] = [];
	#commandId: string | null = null;

	/**
	 * The queue message being handled: the same when a crash makes the workflow replay the batch,
	 * so ids derived from it (a task's, a turn's) make the replay find what the first run wrote.
	 */
	get commandId(): string | null {
		return this.#commandId;
	}

	startCommand(id: string | null): void {
		this.#commandId = id;
	}
	readonly #peerMessages: PeerMessage[] = [];

	tell(message: PeerMessage): void {
		this.#peerMessages.push(message);
	}

	drainPeerMessages(): PeerMessage[] {
		return this.#peerMessages.splice(0, this.#peerMessages.length);
	}

	readonly #userMessages: UserMessage[] = [];
	readonly #orgMessages: OrgMessage[] = [];

	tellOrganization(queue: string, body: unknown): void {
		this.#orgMessages.push({ queue, body });
	}

	drainOrgMessages(): OrgMessage[] {
		return this.#orgMessages.splice(0, this.#orgMessages.length);
	}

	tellUser(userId: string, queue: string, body: unknown): void {
		this.#userMessages.push({ userId, queue, body });
	}

	drainUserMessages(): UserMessage[] {
		return this.#userMessages.splice(0, this.#userMessages.length);
	}

	audit(event: AuditDraft): void {
		this.#events.push({ ...event, id: newEventId(), at: Date.now() });
	}

	drain(): AuditAppend[] {
		return this.#events.splice(0, this.#events.length);
	}

	/** JSON size of everything waiting to leave (it becomes part of the step's recorded output). */
	bytes(): number {
		return jsonBytes([this.#events, this.#peerMessages, this.#userMessages, this.#orgMessages]);
	}
}

/** Sends one peer message through the backend's peer client (internal credential). */
export async function deliverPeerMessage(client: PeerClient, message: PeerMessage): Promise<void> {
	await client[message.actor].getOrCreate(message.key).send(message.queue, message.body);
}
