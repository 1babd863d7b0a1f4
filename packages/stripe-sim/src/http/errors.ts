// Stripe's error body: { error: { type, message, code?, param?, doc_url? } } with the HTTP status
// the SDK maps to its error classes (400/404 → StripeInvalidRequestError, 401 → authentication).

export type StripeErrorType = "invalid_request_error" | "idempotency_error" | "api_error" | "card_error";

export interface StripeErrorBody {
	type: StripeErrorType;
	message: string;
	code?: string;
	param?: string;
	doc_url?: string;
	request_log_url?: string;
}

export class StripeError extends Error {
	constructor(
		readonly status: number,
		readonly body: StripeErrorBody,
		/** Raised while validating parameters: Stripe saves no idempotent result for these. */
		readonly validation = false,
	) {
		super(body.message);
	}

	json(requestId?: string): { error: StripeErrorBody } {
		const doc = this.body.code ? { doc_url: `https://stripe.com/docs/error-codes/${this.body.code.replaceAll("_", "-")}` } : {};
		// A request without a valid key belongs to no account, so it has no dashboard log.
		const log = requestId && this.status !== 401 ? { request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}` } : {};
		return { error: { ...doc, ...log, ...this.body } };
	}
}

const NOUNS: Record<string, string> = {
	cus: "customer",
	price: "price",
	prod: "product",
	sub: "subscription",
	si: "subscription item",
	in: "invoice",
	cs: "checkout.session",
	pm: "PaymentMethod",
	evt: "event",
	meter: "billing meter",
};

/** `No such customer: 'cus_x'` — 404 resource_missing, as Stripe words it. */
export function noSuch(kind: keyof typeof NOUNS | string, id: string, param = "id"): StripeError {
	const noun = NOUNS[kind] ?? kind;
	return new StripeError(404, { type: "invalid_request_error", code: "resource_missing", param, message: `No such ${noun}: '${id}'` });
}

export function invalid(message: string, opts: { param?: string; code?: string; validation?: boolean } = {}): StripeError {
	const { validation = false, ...rest } = opts;
	return new StripeError(400, { type: "invalid_request_error", message, ...rest }, validation);
}

export function unrecognizedUrl(method: string, path: string): StripeError {
	return new StripeError(404, {
		type: "invalid_request_error",
		message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
	});
}

export function authError(key: string | null): StripeError {
	if (key === null) {
		return new StripeError(401, {
			type: "invalid_request_error",
			message:
				"You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
		});
	}
	const masked = key.length > 8 ? `${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : key;
	return new StripeError(401, { type: "invalid_request_error", code: "api_key_invalid", message: `Invalid API Key provided: ${masked}` });
}
