// What the composition root hands to every actor factory. No module-level singletons.
import type { Logger } from "pino";

export interface ActorDeps {
	logger: Logger;
}

/** Declares the queue names an actor consumes so sends from peers are accepted (RivetKit drops undeclared ones). */
export function declareQueues<T extends Record<string, string>>(names: T): Record<T[keyof T], object> {
	const out: Record<string, object> = {};
	for (const name of Object.values(names)) out[name] = {};
	return out as Record<T[keyof T], object>;
}
