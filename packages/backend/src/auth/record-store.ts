// Better Auth records kept as JSON rows (model, id, data) in an actor's own SQLite table. Used by
// the user actor (user, session, account) and the auth index (verification, device codes).
import { and, eq } from "drizzle-orm";
import type { BaseSQLiteDatabase, SQLiteColumn, SQLiteTableWithColumns } from "drizzle-orm/sqlite-core";
import { type FindOptions, type Row, select, type WhereClause } from "./where.ts";

type RecordTable = SQLiteTableWithColumns<{
	name: string;
	schema: undefined;
	dialect: "sqlite";
	columns: { model: SQLiteColumn; id: SQLiteColumn; data: SQLiteColumn };
}>;

type Db = BaseSQLiteDatabase<"async", unknown>;

export interface RecordQuery extends FindOptions {
	model: string;
	where: WhereClause[];
}

export class RecordStore {
	private readonly db: Db;
	/** `db` is an actor's drizzle client whose schema holds `table`. */
	constructor(
		db: object,
		private readonly table: RecordTable,
	) {
		this.db = db as Db;
	}

	async all(model: string): Promise<Row[]> {
		const rows = await this.db.select({ data: this.table.data }).from(this.table).where(eq(this.table.model, model));
		return rows.map((r) => JSON.parse(String(r.data)) as Row);
	}

	async find(q: RecordQuery): Promise<Row[]> {
		return select(await this.all(q.model), q.where, q);
	}

	async create(model: string, data: Row): Promise<Row> {
		const id = String(data.id);
		await this.db.insert(this.table).values({ model, id, data: JSON.stringify(data) });
		return data;
	}

	/** Updates matching rows; returns the updated rows. */
	async update(model: string, where: WhereClause[], patch: Row): Promise<Row[]> {
		const hits = select(await this.all(model), where);
		const out: Row[] = [];
		for (const row of hits) {
			const next = { ...row, ...patch };
			await this.db
				.update(this.table)
				.set({ data: JSON.stringify(next) })
				.where(and(eq(this.table.model, model), eq(this.table.id, String(row.id))));
			out.push(next);
		}
		return out;
	}

	/** Deletes matching rows; returns the deleted rows. */
	async delete(model: string, where: WhereClause[]): Promise<Row[]> {
		const hits = select(await this.all(model), where);
		for (const row of hits) {
			await this.db.delete(this.table).where(and(eq(this.table.model, model), eq(this.table.id, String(row.id))));
		}
		return hits;
	}
}
