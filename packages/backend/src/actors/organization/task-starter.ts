// Starts task actors in the background after createTask, one at a time per organization, so a
// burst of creates does not turn into a burst of actor start-ups competing with live requests.
// Best effort by design: a task whose start is dropped or fails initialises itself on first use.
import type { Logger } from "pino";

export const MAX_PENDING_STARTS = 200;

export class TaskStarter {
	readonly #pending: string[] = [];
	#running = false;

	constructor(
		private readonly start: (taskId: string) => Promise<void>,
		private readonly log: Logger,
	) {}

	/** Queues a start; returns the drain promise to keep the actor awake for, if one began. */
	enqueue(taskId: string): Promise<void> | null {
		this.#pending.push(taskId);
		if (this.#pending.length > MAX_PENDING_STARTS) {
			const dropped = this.#pending.shift();
			this.log.debug({ taskId: dropped }, "background start dropped; task will start on first use");
		}
		if (this.#running) return null;
		this.#running = true;
		return this.#drain();
	}

	get pending(): number {
		return this.#pending.length;
	}

	async #drain(): Promise<void> {
		try {
			for (let next = this.#pending.shift(); next !== undefined; next = this.#pending.shift()) {
				await this.start(next).catch((err: unknown) =>
					this.log.warn({ taskId: next, err }, "could not start task actor; it will start on first use"),
				);
			}
		} finally {
			this.#running = false;
		}
	}
}
