// Zod building blocks for Stripe's form parameters (every value arrives as a string) and the
// mapping of a zod failure to Stripe's parameter errors: parameter_missing, parameter_unknown,
// parameter_invalid_integer, …, each naming the param in bracket notation (`line_items[0][price]`).
import { z } from "zod";
import { invalid, type StripeError } from "./errors.ts";
import type { FormTree } from "./form.ts";

const withCode = (ctx: z.RefinementCtx, message: string, code: string) => ctx.addIssue({ code: "custom", message, params: { stripeCode: code } });

export const str = () => z.string();
export const id = () => z.string().min(1);

export const int = (opts: { min?: number } = {}) =>
	z.string().transform((v, ctx) => {
		if (!/^-?\d+$/.test(v)) {
			withCode(ctx, `Invalid integer: ${v}`, "parameter_invalid_integer");
			return z.NEVER;
		}
		const n = Number(v);
		if (opts.min !== undefined && n < opts.min) {
			withCode(ctx, `This value must be greater than or equal to ${opts.min}.`, "parameter_invalid_integer");
			return z.NEVER;
		}
		return n;
	});

export const bool = () =>
	z.string().transform((v, ctx) => {
		if (v !== "true" && v !== "false") {
			withCode(ctx, `Invalid boolean: ${v}`, "parameter_invalid");
			return z.NEVER;
		}
		return v === "true";
	});

/** `metadata[k]=v`; a value of "" unsets that key, `metadata=""` unsets all (Stripe's Emptyable). */
export const metadata = () => z.union([z.literal(""), z.record(z.string(), z.string())]);

export const expand = () => z.array(z.string()).optional();

/** Params Stripe accepts on most endpoints that the simulator takes and ignores. */
export const ignored = () => z.unknown().optional();

function paramName(path: ReadonlyArray<PropertyKey>): string {
	const [head, ...rest] = path.map(String);
	return `${head ?? ""}${rest.map((p) => `[${p}]`).join("")}`;
}

export function toStripeError(error: z.ZodError): StripeError {
	const issue = error.issues[0];
	if (!issue) return invalid("Invalid request", { validation: true });
	if (issue.code === "unrecognized_keys") {
		const param = paramName([...issue.path, issue.keys[0] ?? ""]);
		return invalid(`Received unknown parameter: ${param}`, { param, code: "parameter_unknown", validation: true });
	}
	const param = paramName(issue.path);
	if (issue.code === "invalid_type" && issue.input === undefined) {
		return invalid(`Missing required param: ${param}.`, { param, code: "parameter_missing", validation: true });
	}
	if (issue.code === "custom") {
		const code = (issue.params as { stripeCode?: string } | undefined)?.stripeCode ?? "parameter_invalid";
		return invalid(issue.message, { param, code, validation: true });
	}
	if (issue.code === "invalid_value") {
		return invalid(`Invalid ${param}: must be one of ${issue.values.join(", ")}`, { param, code: "parameter_invalid", validation: true });
	}
	if (issue.code === "invalid_type" && issue.expected === "string") {
		return invalid(`Invalid string: ${JSON.stringify(issue.input)}`, { param, code: "parameter_invalid_string", validation: true });
	}
	return invalid(`Invalid ${param}: ${issue.message}`, { param, code: "parameter_invalid", validation: true });
}

/** Parses a request's params against a strict schema, throwing Stripe's parameter errors. */
export function parseParams<T extends z.ZodType>(schema: T, params: FormTree): z.infer<T> {
	const r = schema.safeParse(params, { reportInput: true });
	if (!r.success) throw toStripeError(r.error);
	return r.data;
}

/** Applies a metadata update the way Stripe does: merge; "" deletes a key; "" for the whole hash clears. */
export function mergeMetadata(current: Record<string, string>, update: Record<string, string> | "" | undefined): Record<string, string> {
	if (update === undefined) return current;
	if (update === "") return {};
	const next = { ...current };
	for (const [k, v] of Object.entries(update)) {
		if (v === "") delete next[k];
		else next[k] = v;
	}
	return next;
}
