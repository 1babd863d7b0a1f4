// Under CPU contention the engine sometimes does not start a new actor until another request for
// it arrives, and the call fails with `route_resolve_query_timeout` (measured: ~15 s, on about half
// of first calls while two test suites shared two cores). Such a call never reached the actor, so
// repeating it is safe — and the repeat is the "later request" that gets the actor started.
const UNROUTED = new Set(["route_resolve_query_timeout", "actor_ready_timeout", "no_runner_available"]);
const ATTEMPTS = 3;

export function isUnrouted(err: unknown): boolean {
	const e = (err ?? {}) as { code?: unknown; group?: unknown };
	// The router lost the actor between a sleep and a wake: the call never ran (getOrCreate handles).
	if (e.group === "envoy" && e.code === "actor_not_found") return true;
	return typeof e.code === "string" && UNROUTED.has(e.code);
}

export async function withRouteRetry<T>(run: () => Promise<T>, onRetry?: (attempt: number) => void): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await run();
		} catch (err) {
			if (attempt >= ATTEMPTS || !isUnrouted(err)) throw err;
			onRetry?.(attempt);
		}
	}
}

type Method = (...args: unknown[]) => unknown;

/** A handle whose method calls retry calls that never reached the actor. */
export function retrying<H extends object>(handle: H): H {
	return new Proxy(handle, {
		get(target, prop) {
			const value: unknown = Reflect.get(target, prop);
			if (typeof value !== "function" || prop === "connect" || prop === "then") return value;
			return (...args: unknown[]) => {
				// Call through the handle itself (RivetKit handles are proxies that build action calls).
				const call = () => (target as Record<PropertyKey, Method>)[prop]?.(...args);
				const first = call();
				if (!(first instanceof Promise)) return first;
				let used = false;
				return withRouteRetry(() => {
					if (used) return call() as Promise<unknown>;
					used = true;
					return first;
				});
			};
		},
	});
}
