// Audit events produced while a batch of commands runs. The command loop sends them to the
// audit-log actor in one message after the batch, instead of one cross-actor hop per command.
import type { AuditAppend } from "@foundry/shared";
import { newEventId } from "../../domain/ids.ts";

export type AuditDraft = Omit<AuditAppend, "id" | "at">;

export class Outbox {
	readonly #events: AuditAppend[] = [];

	audit(event: AuditDraft): void {
		this.#events.push({ ...event, id: newEventId(), at: Date.now() });
	}

	drain(): AuditAppend[] {
		return this.#events.splice(0, this.#events.length);
	}
}
