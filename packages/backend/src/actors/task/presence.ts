// Who has a task open right now: the connections that called `watch`, one entry per user. Kept in
// the actor's memory on purpose — a connection lives in one process, and when the actor sleeps or
// moves every connection closes and its client re-watches on reconnect.
import type { TaskViewer } from "@foundry/shared";

export class Presence {
	readonly #byConn = new Map<string, TaskViewer>();

	/** Registers a connection; true when the set of viewers changed. */
	add(connId: string, viewer: TaskViewer): boolean {
		const before = this.#key();
		this.#byConn.set(connId, viewer);
		return this.#key() !== before;
	}

	/** Forgets a connection; true when the set of viewers changed. */
	remove(connId: string): boolean {
		if (!this.#byConn.has(connId)) return false;
		const before = this.#key();
		this.#byConn.delete(connId);
		return this.#key() !== before;
	}

	/** One entry per user, by login. */
	viewers(): TaskViewer[] {
		const byUser = new Map<string, TaskViewer>();
		for (const v of this.#byConn.values()) byUser.set(v.userId, v);
		return [...byUser.values()].sort((a, b) => a.login.localeCompare(b.login));
	}

	#key(): string {
		return this.viewers()
			.map((v) => v.userId)
			.join(",");
	}
}
