// Crossing the actor edge: FoundryError <-> RivetKit UserError, and the typed command result.
import { type ErrorPayload, FoundryError, isErrorCode } from "@foundry/shared";
import type { Logger } from "pino";
import { UserError } from "rivetkit";

export type CommandResult<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

/** Any thrown value → the payload clients may see. Unknown errors are logged in full and hidden. */
export function toErrorPayload(err: unknown, log: Logger, context: Record<string, unknown>): ErrorPayload {
	if (err instanceof FoundryError) return err.toPayload();
	const code = (err as { code?: unknown } | null)?.code;
	const group = (err as { group?: unknown } | null)?.group;
	if (group === "user" && isErrorCode(code) && err instanceof Error) {
		return { code, message: err.message };
	}
	log.error({ ...context, err }, "unexpected error");
	return { code: "INTERNAL", message: "internal error (see server logs)" };
}

/** Throws the error payload as a RivetKit user error, so clients receive the same code. */
export function throwAsUserError(payload: ErrorPayload): never {
	throw new UserError(payload.message, { code: payload.code, metadata: payload.details ?? {} });
}

/** Wrap an action body: typed errors reach the client with their code, unknown ones as INTERNAL. */
export async function guarded<T>(log: Logger, action: string, run: () => Promise<T>): Promise<T> {
	try {
		return await run();
	} catch (err) {
		if (err instanceof UserError) throw err;
		throwAsUserError(toErrorPayload(err, log, { action }));
	}
}

export function unwrapResult<T>(result: CommandResult<T>): T {
	if (result.ok) return result.value;
	throw FoundryError.fromPayload(result.error);
}
