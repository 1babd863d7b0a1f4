// Evaluates Better Auth adapter `where` clauses over plain rows (auth records are small per user).
export interface WhereClause {
	field: string;
	value: unknown;
	operator?: string;
	connector?: "AND" | "OR";
	mode?: "sensitive" | "insensitive";
}

export type Row = Record<string, unknown>;

function norm(v: unknown, insensitive: boolean): unknown {
	return insensitive && typeof v === "string" ? v.toLowerCase() : v;
}

function compare(a: unknown, b: unknown): number {
	if (typeof a === "number" && typeof b === "number") return a - b;
	return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function test(row: Row, w: WhereClause): boolean {
	const insensitive = w.mode === "insensitive";
	const actual = norm(row[w.field], insensitive);
	const expected = Array.isArray(w.value) ? w.value.map((v) => norm(v, insensitive)) : norm(w.value, insensitive);
	switch (w.operator ?? "eq") {
		case "eq":
			return actual === expected || (actual === undefined && expected === null);
		case "ne":
			return actual !== expected;
		case "lt":
			return actual != null && compare(actual, expected) < 0;
		case "lte":
			return actual != null && compare(actual, expected) <= 0;
		case "gt":
			return actual != null && compare(actual, expected) > 0;
		case "gte":
			return actual != null && compare(actual, expected) >= 0;
		case "in":
			return Array.isArray(expected) && expected.includes(actual);
		case "not_in":
			return Array.isArray(expected) && !expected.includes(actual);
		case "contains":
			return typeof actual === "string" && actual.includes(String(expected));
		case "starts_with":
			return typeof actual === "string" && actual.startsWith(String(expected));
		case "ends_with":
			return typeof actual === "string" && actual.endsWith(String(expected));
		default:
			throw new Error(`unsupported where operator ${w.operator}`);
	}
}

/** AND binds tighter than OR, as in SQL: `a AND b OR c` = `(a AND b) OR c`. */
export function matches(row: Row, where: readonly WhereClause[]): boolean {
	if (where.length === 0) return true;
	let anyGroup = false;
	let group = true;
	for (const [i, w] of where.entries()) {
		if (i > 0 && w.connector === "OR") {
			anyGroup ||= group;
			group = true;
		}
		group = group && test(row, w);
	}
	return anyGroup || group;
}

export interface FindOptions {
	limit?: number;
	offset?: number;
	sortBy?: { field: string; direction: "asc" | "desc" };
}

export function select(rows: readonly Row[], where: readonly WhereClause[], opts: FindOptions = {}): Row[] {
	let out = rows.filter((r) => matches(r, where));
	if (opts.sortBy) {
		const { field, direction } = opts.sortBy;
		out = [...out].sort((a, b) => compare(a[field], b[field]) * (direction === "desc" ? -1 : 1));
	}
	const start = opts.offset ?? 0;
	return out.slice(start, opts.limit === undefined ? undefined : start + opts.limit);
}

/** The value an equality clause on `field` pins, if any (used to route a query to one actor). */
export function pinned(where: readonly WhereClause[], field: string): string | undefined {
	if (where.some((w) => w.connector === "OR")) return undefined;
	const w = where.find((c) => c.field === field && (c.operator ?? "eq") === "eq" && c.mode !== "insensitive");
	return typeof w?.value === "string" ? w.value : undefined;
}
