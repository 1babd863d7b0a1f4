// Every failure a client call can produce becomes a FoundryError with a code from the closed set.
import { FoundryError, isErrorCode } from "@foundry/shared";

interface RivetLikeError {
	group?: unknown;
	code?: unknown;
	message?: unknown;
	metadata?: unknown;
}

export function toFoundryError(err: unknown, endpoint: string): FoundryError {
	if (err instanceof FoundryError) return err;
	const e = (err ?? {}) as RivetLikeError;
	const message = typeof e.message === "string" ? e.message : String(err);
	if (e.group === "user" && isErrorCode(e.code)) {
		const details = e.metadata && typeof e.metadata === "object" ? (e.metadata as Record<string, unknown>) : undefined;
		return new FoundryError(e.code, message, details && Object.keys(details).length > 0 ? details : undefined);
	}
	if (e.group === "auth" && e.code === "forbidden") return new FoundryError("FORBIDDEN", message);
	if (e.group === "actor" && e.code === "not_found") return new FoundryError("NOT_FOUND", message);
	if (e.group === "message") return new FoundryError("INVALID_INPUT", `request too large: ${message}`);
	if (isConnectionFailure(err)) {
		return new FoundryError("UPSTREAM_FAILED", `cannot reach the Foundry backend at ${endpoint}`);
	}
	return new FoundryError("INTERNAL", message);
}

function isConnectionFailure(err: unknown): boolean {
	const text = `${String(err)} ${String((err as { cause?: unknown } | null)?.cause ?? "")}`;
	return /ECONNREFUSED|fetch failed|Unable to connect|ConnectionRefused|ENOTFOUND|socket hang up/i.test(text);
}

/**
 * The engine did not route the call to an actor (it may not have started it in time). Such a call
 * never ran, so it is repeated; the repeat also prompts the engine to start the actor.
 */
function unrouted(err: unknown): boolean {
	const e = (err ?? {}) as { code?: unknown; group?: unknown };
	// The engine's router lost the actor between a sleep and a wake (getOrCreate handles only).
	if (e.group === "envoy" && e.code === "actor_not_found") return true;
	return e.code === "route_resolve_query_timeout" || e.code === "actor_ready_timeout";
}
const ATTEMPTS = 3;

/** Runs a call and rethrows whatever it throws as a FoundryError. */
export async function call<T>(endpoint: string, run: () => Promise<T>): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await run();
		} catch (err) {
			if (attempt < ATTEMPTS && unrouted(err)) continue;
			throw toFoundryError(err, endpoint);
		}
	}
}
