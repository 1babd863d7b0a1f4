// Actions enqueue commands into their own actor's queue and wait for the typed result.
import { FoundryError } from "@foundry/shared";
import type { CommandResult } from "./errors.ts";

export const COMMAND_TIMEOUT_MS = 30_000;

interface SelfQueue {
	enqueueAndWait(name: string, body: unknown, opts?: { timeout?: number }): Promise<unknown>;
}

export async function dispatch<T>(queue: SelfQueue, name: string, body: unknown): Promise<T> {
	let response: unknown;
	const started = performance.now();
	try {
		response = await queue.enqueueAndWait(name, body, { timeout: COMMAND_TIMEOUT_MS });
		if (process.env.FOUNDRY_TRACE_DISPATCH) console.log("dispatch", name, Math.round(performance.now() - started));
	} catch (err) {
		const code = (err as { code?: unknown } | null)?.code;
		if (typeof code === "string" && code.includes("timed_out")) {
			throw new FoundryError("UPSTREAM_FAILED", `command ${name} timed out after ${COMMAND_TIMEOUT_MS} ms`);
		}
		throw err;
	}
	const result = response as CommandResult<T> | undefined;
	if (!result) throw new FoundryError("INTERNAL", `command ${name} returned no result`);
	if (!result.ok) throw FoundryError.fromPayload(result.error);
	return result.value;
}
