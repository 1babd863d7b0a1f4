// Edge rate limits: a token bucket per client address and bucket name (sign-in routes, the device
// flow, unauthenticated gateway traffic). In-process, so each backend process limits on its own.
import { FoundryError } from "@foundry/shared";

export interface RateLimit {
	/** Requests allowed in a burst, refilled evenly over `windowMs`. 0 disables the limit. */
	limit: number;
	windowMs: number;
}

interface Bucket {
	tokens: number;
	updatedAt: number;
}

const MAX_TRACKED = 10_000;

export class RateLimiter {
	readonly #buckets = new Map<string, Bucket>();
	readonly #rules: Record<string, RateLimit>;
	readonly #now: () => number;

	constructor(rules: Record<string, RateLimit>, now: () => number = Date.now) {
		this.#rules = rules;
		this.#now = now;
	}

	/** Takes one token for `client` in `bucket`; throws RATE_LIMITED with the wait in seconds. */
	take(bucket: string, client: string): void {
		const rule = this.#rules[bucket];
		if (!rule || rule.limit <= 0) return;
		const id = `${bucket}\u0000${client}`;
		const now = this.#now();
		const perMs = rule.limit / rule.windowMs;
		const held = this.#buckets.get(id);
		const tokens = held ? Math.min(rule.limit, held.tokens + (now - held.updatedAt) * perMs) : rule.limit;
		if (tokens < 1) {
			const retryAfterS = Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));
			this.#buckets.set(id, { tokens, updatedAt: now });
			throw new FoundryError("RATE_LIMITED", `too many requests; retry in ${retryAfterS} s`, { retryAfterS });
		}
		if (!held && this.#buckets.size >= MAX_TRACKED) this.#evictFull(now);
		this.#buckets.set(id, { tokens: tokens - 1, updatedAt: now });
	}

	/** Forgets buckets that have refilled completely (they carry no state worth keeping). */
	#evictFull(now: number): void {
		for (const [id, b] of this.#buckets) {
			const rule = this.#rules[id.split("\u0000")[0] ?? ""];
			if (!rule || b.tokens + (now - b.updatedAt) * (rule.limit / rule.windowMs) >= rule.limit) this.#buckets.delete(id);
		}
	}
}

/** The Retry-After value (seconds) of a RATE_LIMITED error, if it is one. */
export function retryAfterOf(err: unknown): number | null {
	if (!(err instanceof FoundryError) || err.code !== "RATE_LIMITED") return null;
	const s = (err.details as { retryAfterS?: unknown } | undefined)?.retryAfterS;
	return typeof s === "number" ? s : 1;
}
