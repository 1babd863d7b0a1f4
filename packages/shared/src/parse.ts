// Parse an input with zod and turn a failure into one INVALID_INPUT error naming the field.
import type { z } from "zod";
import { FoundryError } from "./errors.ts";

export function parseInput<T extends z.ZodType>(schema: T, value: unknown, what = "input"): z.infer<T> {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	const first = result.error.issues[0];
	const path = first && first.path.length > 0 ? first.path.join(".") : what;
	const message = first ? `${path}: ${first.message}` : `${what} is invalid`;
	return throwInvalid(message, result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
}

function throwInvalid(message: string, issues: Array<{ path: string; message: string }>): never {
	throw new FoundryError("INVALID_INPUT", message, { issues });
}
