// What the auth index stores and answers: lookups from a hashed credential or an identifier to the
// user whose actor holds the record.
import { z } from "zod";

export const indexEntrySchema = z.discriminatedUnion("kind", [
	z.object({ kind: z.literal("session"), tokenHash: z.string(), sessionId: z.string(), userId: z.string(), expiresAt: z.number() }),
	z.object({ kind: z.literal("email"), email: z.string(), userId: z.string() }),
	z.object({ kind: z.literal("account"), providerId: z.string(), accountId: z.string(), recordId: z.string(), userId: z.string() }),
	z.object({ kind: z.literal("apiToken"), tokenHash: z.string(), tokenId: z.string(), userId: z.string(), expiresAt: z.number().nullable() }),
]);
export type IndexEntry = z.infer<typeof indexEntrySchema>;

export const indexQuerySchema = z.discriminatedUnion("kind", [
	z.object({ kind: z.literal("session"), tokenHash: z.string() }),
	z.object({ kind: z.literal("sessionId"), sessionId: z.string() }),
	z.object({ kind: z.literal("email"), email: z.string() }),
	z.object({ kind: z.literal("account"), providerId: z.string(), accountId: z.string() }),
	z.object({ kind: z.literal("accountRecord"), recordId: z.string() }),
	z.object({ kind: z.literal("apiToken"), tokenHash: z.string() }),
]);
export type IndexQuery = z.infer<typeof indexQuerySchema>;

export const indexRemovalSchema = z.discriminatedUnion("kind", [
	z.object({ kind: z.literal("session"), sessionId: z.string() }),
	z.object({ kind: z.literal("userSessions"), userId: z.string() }),
	z.object({ kind: z.literal("email"), email: z.string() }),
	z.object({ kind: z.literal("account"), recordId: z.string() }),
	z.object({ kind: z.literal("apiToken"), tokenId: z.string() }),
	z.object({ kind: z.literal("user"), userId: z.string() }),
]);
export type IndexRemoval = z.infer<typeof indexRemovalSchema>;

export interface IndexHit {
	userId: string;
	expiresAt: number | null;
	/** For API tokens: the token's id. */
	tokenId?: string;
}

export const recordQuerySchema = z.object({
	model: z.string(),
	where: z.array(z.record(z.string(), z.unknown())),
	limit: z.number().int().optional(),
	offset: z.number().int().optional(),
	sortBy: z.object({ field: z.string(), direction: z.enum(["asc", "desc"]) }).optional(),
});
