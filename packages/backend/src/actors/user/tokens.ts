// Personal API tokens: created and revoked by their user (auth operations: actions, not queued).
// The token is shown once; this actor keeps its metadata, the auth index keeps only its hash.
import {
	type ApiTokenInfo,
	AUTH_INDEX_KEY,
	type ConnParams,
	type CreatedApiToken,
	createApiTokenInputSchema,
	FoundryError,
	parseInput,
	revokeApiTokenInputSchema,
} from "@foundry/shared";
import { desc, eq } from "drizzle-orm";
import { credentialHash, newApiToken, newTokenId } from "../../auth/credentials.ts";
import type { IndexEntry, IndexRemoval } from "../auth-index/entries.ts";
import { retrying } from "../shared/route-retry.ts";
import type { UserDb } from "./database.ts";
import { apiTokens } from "./schema.ts";

const MAX_TOKENS = 50;
const DAY_MS = 86_400_000;

export interface AuthIndexWriter {
	put(entry: IndexEntry): Promise<void>;
	remove(r: IndexRemoval): Promise<number>;
}
interface IndexClient {
	authIndex: { getOrCreate(key: string[], opts: { params: ConnParams }): AuthIndexWriter };
}
export const authIndexOf = (client: unknown, params: ConnParams): AuthIndexWriter =>
	retrying((client as IndexClient).authIndex.getOrCreate(AUTH_INDEX_KEY, { params }));

export async function listApiTokens(db: UserDb): Promise<ApiTokenInfo[]> {
	const rows = await db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt));
	return rows.map((r) => ({ ...r, lastUsedAt: null }));
}

export async function createApiToken(db: UserDb, index: AuthIndexWriter, userId: string, input: unknown): Promise<CreatedApiToken> {
	const { name, expiresInDays } = parseInput(createApiTokenInputSchema, input);
	const existing = await db.select({ id: apiTokens.id }).from(apiTokens);
	if (existing.length >= MAX_TOKENS) {
		throw new FoundryError("PRECONDITION_FAILED", `at most ${MAX_TOKENS} API tokens per user; revoke one first`);
	}
	const token = newApiToken();
	const now = Date.now();
	const info: ApiTokenInfo = {
		id: newTokenId(),
		name,
		prefix: token.slice(0, 8),
		createdAt: now,
		expiresAt: expiresInDays ? now + expiresInDays * DAY_MS : null,
		lastUsedAt: null,
	};
	// Index first: if it fails, no metadata row points at a token that cannot be used.
	await index.put({ kind: "apiToken", tokenHash: credentialHash(token), tokenId: info.id, userId, expiresAt: info.expiresAt });
	await db.insert(apiTokens).values({ id: info.id, name, prefix: info.prefix, createdAt: now, expiresAt: info.expiresAt });
	return { ...info, token };
}

export async function revokeApiToken(db: UserDb, index: AuthIndexWriter, input: unknown): Promise<{ revoked: string }> {
	const { id } = parseInput(revokeApiTokenInputSchema, input);
	const row = await db.select().from(apiTokens).where(eq(apiTokens.id, id)).get();
	if (!row) throw new FoundryError("NOT_FOUND", `no API token ${id}`);
	await index.remove({ kind: "apiToken", tokenId: id });
	await db.delete(apiTokens).where(eq(apiTokens.id, id));
	return { revoked: id };
}
