// Waiting on live events from the CLI: a promise settled from subscription callbacks, and deadlines.
import type { Subscription } from "@foundry/client";

/** Settled once, from callbacks; later calls are ignored. */
export class Latch<T> {
	readonly promise: Promise<T>;
	#resolve: (value: T) => void = () => undefined;
	#reject: (err: unknown) => void = () => undefined;

	constructor() {
		this.promise = new Promise<T>((resolve, reject) => {
			this.#resolve = resolve;
			this.#reject = reject;
		});
		// A failure may come before anything awaits the latch; it is rethrown where it is awaited.
		this.promise.catch(() => undefined);
	}

	resolve(value: T): void {
		this.#resolve(value);
	}

	reject(err: unknown): void {
		this.#reject(err);
	}

	/** Waits until the subscriptions are ready: true, or false when the latch resolved first (rejects when it failed). */
	ready(subs: Subscription[]): Promise<boolean> {
		return Promise.race([Promise.all(subs.map((s) => s.ready)).then(() => true), this.promise.then(() => false)]);
	}
}

/** `promise`, or the error `onTimeout` makes once `ms` passed. */
export function deadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const expired = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(onTimeout()), ms);
	});
	return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
