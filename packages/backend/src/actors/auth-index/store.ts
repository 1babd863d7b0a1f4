// Reads and writes of the auth index tables. Only the auth index actor's actions call these.
import { eq } from "drizzle-orm";
import type { AuthIndexDb } from "./database.ts";
import type { IndexEntry, IndexHit, IndexQuery, IndexRemoval } from "./entries.ts";
import { accountIndex, apiTokenIndex, emailIndex, sessionIndex } from "./schema.ts";

export async function lookup(db: AuthIndexDb, q: IndexQuery): Promise<IndexHit | null> {
	switch (q.kind) {
		case "session": {
			const [row] = await db.select().from(sessionIndex).where(eq(sessionIndex.tokenHash, q.tokenHash));
			return row ? { userId: row.userId, expiresAt: row.expiresAt } : null;
		}
		case "sessionId": {
			const [row] = await db.select().from(sessionIndex).where(eq(sessionIndex.sessionId, q.sessionId));
			return row ? { userId: row.userId, expiresAt: row.expiresAt } : null;
		}
		case "email": {
			const [row] = await db.select().from(emailIndex).where(eq(emailIndex.email, q.email.toLowerCase()));
			return row ? { userId: row.userId, expiresAt: null } : null;
		}
		case "account": {
			const rows = await db.select().from(accountIndex).where(eq(accountIndex.accountId, q.accountId));
			const row = rows.find((r) => r.providerId === q.providerId);
			return row ? { userId: row.userId, expiresAt: null } : null;
		}
		case "accountRecord": {
			const [row] = await db.select().from(accountIndex).where(eq(accountIndex.recordId, q.recordId));
			return row ? { userId: row.userId, expiresAt: null } : null;
		}
		case "apiToken": {
			const [row] = await db.select().from(apiTokenIndex).where(eq(apiTokenIndex.tokenHash, q.tokenHash));
			return row ? { userId: row.userId, expiresAt: row.expiresAt, tokenId: row.tokenId } : null;
		}
	}
}

export async function put(db: AuthIndexDb, e: IndexEntry): Promise<void> {
	switch (e.kind) {
		case "session": {
			const row = { tokenHash: e.tokenHash, sessionId: e.sessionId, userId: e.userId, expiresAt: e.expiresAt };
			await db.delete(sessionIndex).where(eq(sessionIndex.sessionId, e.sessionId));
			await db.insert(sessionIndex).values(row).onConflictDoUpdate({ target: sessionIndex.tokenHash, set: row });
			return;
		}
		case "email":
			await db
				.insert(emailIndex)
				.values({ email: e.email.toLowerCase(), userId: e.userId })
				.onConflictDoUpdate({ target: emailIndex.email, set: { userId: e.userId } });
			return;
		case "account": {
			const row = { providerId: e.providerId, accountId: e.accountId, recordId: e.recordId, userId: e.userId };
			await db.delete(accountIndex).where(eq(accountIndex.recordId, e.recordId));
			await db.insert(accountIndex).values(row).onConflictDoUpdate({ target: [accountIndex.providerId, accountIndex.accountId], set: row });
			return;
		}
		case "apiToken":
			await db.insert(apiTokenIndex).values({ tokenHash: e.tokenHash, tokenId: e.tokenId, userId: e.userId, expiresAt: e.expiresAt });
			return;
	}
}

/** Returns how many entries were removed. */
export async function remove(db: AuthIndexDb, r: IndexRemoval): Promise<number> {
	const removed = await (async () => {
		switch (r.kind) {
			case "session":
				return db.delete(sessionIndex).where(eq(sessionIndex.sessionId, r.sessionId)).returning();
			case "userSessions":
				return db.delete(sessionIndex).where(eq(sessionIndex.userId, r.userId)).returning();
			case "email":
				return db.delete(emailIndex).where(eq(emailIndex.email, r.email.toLowerCase())).returning();
			case "account":
				return db.delete(accountIndex).where(eq(accountIndex.recordId, r.recordId)).returning();
			case "apiToken":
				return db.delete(apiTokenIndex).where(eq(apiTokenIndex.tokenId, r.tokenId)).returning();
			case "user": {
				const a = await db.delete(sessionIndex).where(eq(sessionIndex.userId, r.userId)).returning();
				const b = await db.delete(emailIndex).where(eq(emailIndex.userId, r.userId)).returning();
				const c = await db.delete(accountIndex).where(eq(accountIndex.userId, r.userId)).returning();
				const d = await db.delete(apiTokenIndex).where(eq(apiTokenIndex.userId, r.userId)).returning();
				return [...a, ...b, ...c, ...d];
			}
		}
	})();
	return removed.length;
}
