import { z } from "zod";
import { ERROR_CODES } from "../errors.ts";

export const errorCodeSchema = z.enum(ERROR_CODES);
export const errorPayloadSchema = z.object({
	code: errorCodeSchema,
	message: z.string(),
	details: z.record(z.string(), z.unknown()).optional(),
});
