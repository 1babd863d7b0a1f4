// Better Auth records that belong to this user (user, session, account), kept as JSON rows. The
// adapter (auth/adapter.ts) routes here by user id, hashes session tokens (auth/session-token.ts)
// and keeps the auth index in step.
import { eq } from "drizzle-orm";
import { type RecordQuery, RecordStore } from "../../auth/record-store.ts";
import { upgradedLegacySessions } from "../../auth/session-token.ts";
import type { Row, WhereClause } from "../../auth/where.ts";
import type { UserDb } from "./database.ts";
import { authRecords, profile } from "./schema.ts";

export const store = (db: UserDb) => new RecordStore(db, authRecords);

/**
 * The first Better Auth user row creates the profile; later ones keep name, email and avatar in
 * step. GitHub login and id are set only by organization discovery (from GitHub itself), never
 * from a user record a client could edit.
 */
export async function syncProfileFromUser(db: UserDb, userId: string, data: Row): Promise<void> {
	const now = Date.now();
	const fields = {
		name: typeof data.name === "string" ? data.name : null,
		email: typeof data.email === "string" ? data.email : null,
		avatarUrl: typeof data.image === "string" ? data.image : null,
		updatedAt: now,
	};
	await db
		.insert(profile)
		.values({ id: 1, userId, githubId: 0, login: "", ...fields, createdAt: now })
		.onConflictDoUpdate({ target: profile.id, set: fields });
}

export async function createRecord(db: UserDb, userId: string, model: string, data: Row): Promise<Row> {
	const row = await store(db).create(model, data);
	if (model === "user") await syncProfileFromUser(db, userId, data);
	return row;
}

/**
 * Sessions created before tokens were stored hashed hold the token itself: hash it in place the
 * first time this user's sessions are read, so those sign-ins keep working (the adapter queries by
 * the hash) and the token leaves the records. Cheap: a user has a handful of sessions.
 */
async function upgradeLegacySessions(db: UserDb, model: string): Promise<void> {
	if (model !== "session") return;
	for (const row of upgradedLegacySessions(await store(db).all("session"))) {
		await store(db).update("session", [{ field: "id", value: row.id }], row);
	}
}

export async function updateRecords(db: UserDb, userId: string, model: string, where: WhereClause[], patch: Row): Promise<Row[]> {
	await upgradeLegacySessions(db, model);
	const rows = await store(db).update(model, where, patch);
	const first = rows[0];
	if (model === "user" && first) await syncProfileFromUser(db, userId, first);
	return rows;
}

export async function findRecords(db: UserDb, q: RecordQuery): Promise<Row[]> {
	await upgradeLegacySessions(db, q.model);
	return store(db).find(q);
}

export async function deleteRecords(db: UserDb, model: string, where: WhereClause[]): Promise<Row[]> {
	await upgradeLegacySessions(db, model);
	const rows = await store(db).delete(model, where);
	if (model === "user" && rows.length > 0) await db.delete(profile).where(eq(profile.id, 1));
	return rows;
}
