// Audit events (and messages to users) produced while a batch of commands runs. The command loop sends them to the
// audit-log actor in one message after the batch, instead of one cross-actor hop per command.
import type { AuditAppend } from "@foundry/shared";
import { newEventId } from "../../domain/ids.ts";

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

export class Outbox {
	readonly #events: AuditAppend[] = [];
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
}
