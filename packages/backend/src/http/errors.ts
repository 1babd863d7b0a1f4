// The one place application errors become HTTP responses.
import { type ErrorPayload, FoundryError, HTTP_STATUS_BY_CODE } from "@foundry/shared";
import type { Context } from "hono";
import type { Logger } from "pino";
import type { AppEnv } from "./app.ts";

export function errorResponse(c: Context<AppEnv>, payload: ErrorPayload): Response {
	const status = HTTP_STATUS_BY_CODE[payload.code];
	const retryAfterS = payload.details?.retryAfterS;
	if (payload.code === "RATE_LIMITED" && typeof retryAfterS === "number") c.header("Retry-After", String(retryAfterS));
	return c.json({ error: payload, requestId: c.get("requestId") }, status as 400);
}

export function handleError(log: Logger) {
	return (err: Error, c: Context<AppEnv>): Response => {
		if (err instanceof FoundryError) return errorResponse(c, err.toPayload());
		log.error({ err, requestId: c.get("requestId"), path: c.req.path }, "unhandled error");
		return errorResponse(c, { code: "INTERNAL", message: "internal error (see server logs)" });
	};
}
