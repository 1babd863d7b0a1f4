// Auth index tables (app-level, one actor): lookups from a credential or identifier to the user
// whose actor holds the record, plus the records that belong to no user yet (verifications,
// device codes). Credentials are stored as SHA-256 hashes only.
import { index, integer, primaryKey, sqliteTable, text } from "rivetkit/db/drizzle";

export const sessionIndex = sqliteTable(
	"session_index",
	{
		tokenHash: text("token_hash").primaryKey(),
		sessionId: text("session_id").notNull().unique(),
		userId: text("user_id").notNull(),
		expiresAt: integer("expires_at").notNull(),
	},
	(t) => [index("session_index_user").on(t.userId)],
);

export const emailIndex = sqliteTable("email_index", {
	email: text("email").primaryKey(),
	userId: text("user_id").notNull(),
});

export const accountIndex = sqliteTable(
	"account_index",
	{
		providerId: text("provider_id").notNull(),
		accountId: text("account_id").notNull(),
		recordId: text("record_id").notNull().unique(),
		userId: text("user_id").notNull(),
	},
	(t) => [primaryKey({ columns: [t.providerId, t.accountId] })],
);

export const apiTokenIndex = sqliteTable(
	"api_token_index",
	{
		tokenHash: text("token_hash").primaryKey(),
		tokenId: text("token_id").notNull().unique(),
		userId: text("user_id").notNull(),
		expiresAt: integer("expires_at"),
	},
	(t) => [index("api_token_index_user").on(t.userId)],
);

/** Better Auth records owned by no user (verification, deviceCode …), as JSON. */
export const records = sqliteTable(
	"records",
	{
		model: text("model").notNull(),
		id: text("id").notNull(),
		data: text("data").notNull(),
	},
	(t) => [primaryKey({ columns: [t.model, t.id] })],
);
