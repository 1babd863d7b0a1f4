// For every actor: builds one SQLite database from the drizzle schema (drizzle-kit's own DDL for
// empty → current) and one by replaying the committed migrations, then prints both descriptions as
// JSON. Run under Bun (bun:sqlite); src/actors/migrations.test.ts asserts they are equal.
import { Database } from "bun:sqlite";
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from "drizzle-kit/api";
import auditMigrations from "../src/actors/audit-log/migrations/migrations.ts";
import * as auditSchema from "../src/actors/audit-log/schema.ts";
import orgMigrations from "../src/actors/organization/migrations/migrations.ts";
import * as orgSchema from "../src/actors/organization/schema.ts";
import taskMigrations from "../src/actors/task/migrations/migrations.ts";
import * as taskSchema from "../src/actors/task/schema.ts";

interface Embedded {
	migrations: Record<string, string>;
}

const actors: Array<[string, Record<string, unknown>, Embedded]> = [
	["audit-log", auditSchema, auditMigrations],
	["organization", orgSchema, orgMigrations],
	["task", taskSchema, taskMigrations],
];

function describeDb(db: Database) {
	const tables = db
		.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
		.all() as Array<{ name: string }>;
	return tables.map(({ name }) => ({
		name,
		columns: db.query(`PRAGMA table_info("${name}")`).all(),
		indexes: (db.query(`PRAGMA index_list("${name}")`).all() as Array<{ name: string; unique: number }>)
			.map((i) => ({ ...i, columns: db.query(`PRAGMA index_info("${i.name}")`).all() }))
			.sort((a, b) => a.name.localeCompare(b.name)),
	}));
}

const out: Record<string, { fresh: unknown; migrated: unknown }> = {};
for (const [name, schema, embedded] of actors) {
	const fresh = new Database(":memory:");
	const statements = await generateSQLiteMigration(
		await generateSQLiteDrizzleJson({}),
		await generateSQLiteDrizzleJson(schema),
	);
	for (const s of statements) fresh.run(s);
	const migrated = new Database(":memory:");
	for (const key of Object.keys(embedded.migrations).sort()) {
		for (const s of (embedded.migrations[key] ?? "").split("--> statement-breakpoint")) {
			if (s.trim()) migrated.run(s);
		}
	}
	out[name] = { fresh: describeDb(fresh), migrated: describeDb(migrated) };
}
console.log(JSON.stringify(out));
