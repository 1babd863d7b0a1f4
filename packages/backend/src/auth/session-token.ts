// Session tokens at rest: a Better Auth session record holds `sha256:<hash>` of its token, never the
// token; the cookie (or the CLI's bearer) is the only place the token exists. The adapter maps
// tokens to hashes on the way in and back to the token on the way out where the query named it.
import { credentialHash } from "./credentials.ts";
import type { Row, WhereClause } from "./where.ts";

/** Better Auth's tokens are 32 alphanumerics, so a stored hash (with ':') never looks like one. */
const STORED_PREFIX = "sha256:";

export const storedSessionToken = (token: string): string => `${STORED_PREFIX}${credentialHash(token)}`;
export const isStoredSessionToken = (value: string): boolean => value.startsWith(STORED_PREFIX);

/** The hash the auth index keys a session by, from a token or from its stored form. */
export const sessionTokenHash = (value: string): string =>
	isStoredSessionToken(value) ? value.slice(STORED_PREFIX.length) : credentialHash(value);

const HASHABLE_OPERATORS = new Set(["eq", "ne", "in", "not_in"]);

export interface HashedWhere {
	where: WhereClause[];
	/** Stored form → token, for every token the query named (to hand the token back). */
	tokens: Map<string, string>;
}

/**
 * Rewrites `token` clauses to the stored form. `acceptStored` lets a value already in stored form
 * through as is: updates and deletes of a session listed by user id (revoke-other-sessions) know
 * only the stored form. A find never does, or the stored hash would work as a token.
 */
export function hashTokenWhere(where: readonly WhereClause[], acceptStored: boolean): HashedWhere {
	const tokens = new Map<string, string>();
	const map = (v: unknown): unknown => {
		if (typeof v !== "string") return v;
		if (acceptStored && isStoredSessionToken(v)) return v;
		const stored = storedSessionToken(v);
		tokens.set(stored, v);
		return stored;
	};
	const out = where.map((w) => {
		if (w.field !== "token") return w;
		if (!HASHABLE_OPERATORS.has(w.operator ?? "eq") || w.mode === "insensitive") {
			throw new Error(`auth adapter: session tokens are stored hashed; cannot query them with ${w.operator ?? "eq"}/${w.mode ?? "sensitive"}`);
		}
		return { ...w, value: Array.isArray(w.value) ? w.value.map(map) : map(w.value) };
	});
	return { where: out, tokens };
}

/** A session record for storage: the token replaced by its stored form. */
export function toStoredSession(row: Row): Row {
	return typeof row.token === "string" && !isStoredSessionToken(row.token) ? { ...row, token: storedSessionToken(row.token) } : row;
}

/** Session records from before tokens were hashed (they hold the token), in their stored form. */
export function upgradedLegacySessions(rows: readonly Row[]): Row[] {
	return rows.filter((r) => typeof r.token === "string" && !isStoredSessionToken(r.token)).map(toStoredSession);
}

/** Records as Better Auth gets them: the token where the caller named it, else the stored form. */
export function withTokens(rows: Row[], tokens: ReadonlyMap<string, string>): Row[] {
	return rows.map((r) => {
		const token = typeof r.token === "string" ? tokens.get(r.token) : undefined;
		return token === undefined ? r : { ...r, token };
	});
}
