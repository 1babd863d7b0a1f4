// Stripe's idempotent requests: the first response to a POST with an Idempotency-Key is saved and
// replayed (with `Idempotent-Replayed: true`) for the same key; the same key with another path or
// other parameters is an idempotency_error, and so is a second request while the first still runs.
// Requests refused while validating their parameters save nothing, as in Stripe.

export interface SavedResponse {
	status: number;
	body: string;
	contentType: string;
}

interface Entry {
	fingerprint: string;
	response: SavedResponse | null;
}

export class IdempotencyCache {
	#entries = new Map<string, Entry>();

	/** What to do with a request: run it, replay a response, or refuse it (conflict/mismatch). */
	begin(key: string, fingerprint: string): { kind: "run" } | { kind: "replay"; response: SavedResponse } | { kind: "mismatch" } | { kind: "in_progress" } {
		const entry = this.#entries.get(key);
		if (!entry) {
			this.#entries.set(key, { fingerprint, response: null });
			return { kind: "run" };
		}
		if (entry.fingerprint !== fingerprint) return { kind: "mismatch" };
		if (!entry.response) return { kind: "in_progress" };
		return { kind: "replay", response: entry.response };
	}

	finish(key: string, response: SavedResponse | null): void {
		if (response === null) this.#entries.delete(key);
		else {
			const entry = this.#entries.get(key);
			if (entry) entry.response = response;
		}
	}

	clear(): void {
		this.#entries.clear();
	}
}
