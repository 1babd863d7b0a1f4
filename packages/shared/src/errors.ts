// The one application error: a closed set of codes, shared by backend, client and CLI.
// HTTP status lives here too so the Hono edge and any HTTP client map codes the same way.

export const ERROR_CODES = [
	"NOT_FOUND",
	"CONFLICT",
	"PRECONDITION_FAILED",
	"UNAUTHORIZED",
	"FORBIDDEN",
	"RATE_LIMITED",
	"UPSTREAM_FAILED",
	"INVALID_INPUT",
	"INTERNAL",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
	NOT_FOUND: 404,
	CONFLICT: 409,
	PRECONDITION_FAILED: 412,
	UNAUTHORIZED: 401,
	FORBIDDEN: 403,
	RATE_LIMITED: 429,
	UPSTREAM_FAILED: 502,
	INVALID_INPUT: 400,
	INTERNAL: 500,
};

export function isErrorCode(value: unknown): value is ErrorCode {
	return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}

export type ErrorDetails = Record<string, unknown>;

/** Serializable shape of an error, as it travels in command results and HTTP bodies. */
export interface ErrorPayload {
	code: ErrorCode;
	message: string;
	details?: ErrorDetails;
}

export class FoundryError extends Error {
	readonly code: ErrorCode;
	readonly details: ErrorDetails | undefined;

	constructor(code: ErrorCode, message: string, details?: ErrorDetails) {
		super(message);
		this.name = "FoundryError";
		this.code = code;
		this.details = details;
	}

	get httpStatus(): number {
		return HTTP_STATUS_BY_CODE[this.code];
	}

	toPayload(): ErrorPayload {
		return this.details === undefined
			? { code: this.code, message: this.message }
			: { code: this.code, message: this.message, details: this.details };
	}

	static fromPayload(payload: ErrorPayload): FoundryError {
		return new FoundryError(payload.code, payload.message, payload.details);
	}
}

export const notFound = (message: string, details?: ErrorDetails) =>
	new FoundryError("NOT_FOUND", message, details);
export const conflict = (message: string, details?: ErrorDetails) =>
	new FoundryError("CONFLICT", message, details);
export const invalidInput = (message: string, details?: ErrorDetails) =>
	new FoundryError("INVALID_INPUT", message, details);
export const preconditionFailed = (message: string, details?: ErrorDetails) =>
	new FoundryError("PRECONDITION_FAILED", message, details);
