// GitHub's protocol behaviour: pagination with Link headers, ETags with 304s that cost no rate
// limit, and a per-token rate-limit budget reported in x-ratelimit-* headers.
import { createHash } from "node:crypto";

export function paginate<T>(items: T[], url: URL): { page: T[]; link: string | null } {
	const perPage = Math.min(Math.max(Number(url.searchParams.get("per_page") ?? 30) || 30, 1), 100);
	const pageNo = Math.max(Number(url.searchParams.get("page") ?? 1) || 1, 1);
	const last = Math.max(Math.ceil(items.length / perPage), 1);
	const page = items.slice((pageNo - 1) * perPage, pageNo * perPage);
	const rel = (n: number, name: string) => {
		const u = new URL(url);
		u.searchParams.set("page", String(n));
		u.searchParams.set("per_page", String(perPage));
		return `<${u.toString()}>; rel="${name}"`;
	};
	const links: string[] = [];
	if (pageNo < last) links.push(rel(pageNo + 1, "next"), rel(last, "last"));
	if (pageNo > 1) links.push(rel(1, "first"), rel(pageNo - 1, "prev"));
	return { page, link: links.length > 0 ? links.join(", ") : null };
}

export function etagOf(body: string): string {
	return `W/"${createHash("sha1").update(body).digest("hex")}"`;
}

export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
	if (!ifNoneMatch) return false;
	return ifNoneMatch.split(",").some((t) => t.trim() === etag || t.trim() === etag.replace(/^W\//, ""));
}

export interface RateLimitState {
	limit: number;
	remaining: number;
	resetAt: number;
}

/** A fixed-window budget per credential (GitHub: 5,000/hour for tokens, 60/hour anonymous). */
export class RateLimiter {
	readonly #windows = new Map<string, RateLimitState>();

	constructor(
		private readonly budget: { authenticated: number; anonymous: number; windowMs: number },
		private readonly clock: () => number = Date.now,
	) {}

	peek(key: string, anonymous: boolean): RateLimitState {
		const t = this.clock();
		const current = this.#windows.get(key);
		if (current && current.resetAt > t) return current;
		const limit = anonymous ? this.budget.anonymous : this.budget.authenticated;
		const fresh = { limit, remaining: limit, resetAt: t + this.budget.windowMs };
		this.#windows.set(key, fresh);
		return fresh;
	}

	consume(key: string, anonymous: boolean): RateLimitState {
		const state = this.peek(key, anonymous);
		if (state.remaining > 0) state.remaining -= 1;
		return state;
	}

	setBudget(budget: { authenticated?: number; anonymous?: number; windowMs?: number }): void {
		Object.assign(this.budget, budget);
		this.#windows.clear();
	}

	headers(state: RateLimitState): Record<string, string> {
		return {
			"x-ratelimit-limit": String(state.limit),
			"x-ratelimit-remaining": String(state.remaining),
			"x-ratelimit-reset": String(Math.ceil(state.resetAt / 1000)),
			"x-ratelimit-used": String(state.limit - state.remaining),
			"x-ratelimit-resource": "core",
		};
	}
}
