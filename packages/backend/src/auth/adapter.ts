// The Better Auth storage adapter: user, session and account records live in the user's own actor;
// the lookups that find that actor (session token, email, account, ids) and records that belong to
// no user (verifications, device codes) live in the app-level auth index actor. Every call is an
// action (auth never waits behind a long command).
import { AUTH_INDEX_KEY, type ConnParams, userKey } from "@foundry/shared";
import { createAdapterFactory } from "better-auth/adapters";
import type { IndexEntry, IndexHit, IndexQuery, IndexRemoval } from "../actors/auth-index/entries.ts";
import { retrying } from "../actors/shared/route-retry.ts";
import { hashTokenWhere, sessionTokenHash, toStoredSession, withTokens } from "./session-token.ts";
import { type FindOptions, pinned, type Row, type WhereClause } from "./where.ts";

interface UserRecords {
	authCreate(input: { model: string; data: Row }): Promise<Row>;
	authFind(input: { model: string; where: WhereClause[] } & FindOptions): Promise<Row[]>;
	authUpdate(input: { model: string; where: WhereClause[]; update: Row }): Promise<Row[]>;
	authDelete(input: { model: string; where: WhereClause[] }): Promise<Row[]>;
}
interface AuthIndex {
	lookup(q: IndexQuery): Promise<IndexHit | null>;
	put(e: IndexEntry): Promise<void>;
	remove(r: IndexRemoval): Promise<number>;
	recordCreate(input: { model: string; data: Row }): Promise<Row>;
	recordFind(input: { model: string; where: WhereClause[] } & FindOptions): Promise<Row[]>;
	recordUpdate(input: { model: string; where: WhereClause[]; update: Row }): Promise<Row[]>;
	recordDelete(input: { model: string; where: WhereClause[] }): Promise<Row[]>;
}
export interface AuthStoreClient {
	authIndex: { getOrCreate(key: string[], opts: { params: ConnParams }): AuthIndex };
	user: { getOrCreate(key: string[], opts: { params: ConnParams }): UserRecords };
}

export interface AuthStoreDeps {
	client: AuthStoreClient;
	params: ConnParams;
	/** Called when sessions of a user end (sign-out, revocation) so cached principals drop. */
	onSessionsEnded(userId: string): void;
	/** Debug trace of storage operations (model and duration only, never values). */
	trace?(op: string, model: string, ms: number): void;
}

const USER_MODELS = new Set(["user", "session", "account"]);
const toMs = (v: unknown): number => (typeof v === "number" ? v : Date.parse(String(v)));

/**
 * Which user an identifier belongs to (account, email, record ids) rarely changes, so lookups are
 * remembered in this process; a stale entry is harmless because the user actor still filters by
 * the full query on its own records.
 */
class RouteCache {
	readonly #map = new Map<string, string>();
	static readonly MAX = 10_000;

	get(key: string): string | undefined {
		return this.#map.get(key);
	}
	set(key: string, userId: string): void {
		if (this.#map.size >= RouteCache.MAX) this.#map.clear();
		this.#map.set(key, userId);
	}
	delete(key: string): void {
		this.#map.delete(key);
	}
}

const cacheKey = (q: IndexQuery): string | null => {
	switch (q.kind) {
		case "email":
			return `email:${q.email.toLowerCase()}`;
		case "account":
			return `account:${q.providerId}:${q.accountId}`;
		case "accountRecord":
			return `accountRecord:${q.recordId}`;
		default:
			return null;
	}
};

export class AuthStore {
	readonly #routes = new RouteCache();

	constructor(private readonly deps: AuthStoreDeps) {}

	async #lookup(q: IndexQuery): Promise<string | null> {
		const key = cacheKey(q);
		const cached = key ? this.#routes.get(key) : undefined;
		if (cached) return cached;
		const userId = (await this.#index().lookup(q))?.userId ?? null;
		if (key && userId) this.#routes.set(key, userId);
		return userId;
	}

	#index(): AuthIndex {
		return retrying(this.deps.client.authIndex.getOrCreate(AUTH_INDEX_KEY, { params: this.deps.params }));
	}
	#user(userId: string): UserRecords {
		return retrying(this.deps.client.user.getOrCreate(userKey(userId), { params: this.deps.params }));
	}

	/** Which user actor holds the records a query is about (null: none can match). */
	async #route(model: string, where: WhereClause[]): Promise<string | null> {
		const hit = (q: IndexQuery) => this.#lookup(q);
		if (model === "user") {
			const id = pinned(where, "id");
			if (id) return id;
			const email = where.find((w) => w.field === "email" && (w.operator ?? "eq") === "eq");
			return typeof email?.value === "string" ? hit({ kind: "email", email: email.value }) : null;
		}
		const userId = pinned(where, "userId");
		if (userId) return userId;
		if (model === "session") {
			const token = pinned(where, "token");
			if (token) return hit({ kind: "session", tokenHash: sessionTokenHash(token) });
			const id = pinned(where, "id");
			return id ? hit({ kind: "sessionId", sessionId: id }) : null;
		}
		const accountId = pinned(where, "accountId");
		const providerId = pinned(where, "providerId");
		if (accountId && providerId) return hit({ kind: "account", providerId, accountId });
		const id = pinned(where, "id");
		if (id) return hit({ kind: "accountRecord", recordId: id });
		throw new Error(`auth adapter: cannot route a ${model} query on ${where.map((w) => w.field).join(",")}`);
	}

	async #reindex(model: string, userId: string, row: Row): Promise<void> {
		if (model === "user" && typeof row.email === "string") {
			const key = `email:${row.email.toLowerCase()}`;
			if (this.#routes.get(key) === userId) return;
			await this.#index().put({ kind: "email", email: row.email, userId });
			this.#routes.set(key, userId);
		} else if (model === "session") {
			await this.#index().put({
				kind: "session",
				tokenHash: sessionTokenHash(String(row.token)),
				sessionId: String(row.id),
				userId,
				expiresAt: toMs(row.expiresAt),
			});
		} else if (model === "account") {
			const key = `account:${String(row.providerId)}:${String(row.accountId)}`;
			const recordKey = `accountRecord:${String(row.id)}`;
			if (this.#routes.get(key) === userId && this.#routes.get(recordKey) === userId) return;
			await this.#index().put({
				kind: "account",
				providerId: String(row.providerId),
				accountId: String(row.accountId),
				recordId: String(row.id),
				userId,
			});
			this.#routes.set(key, userId);
			this.#routes.set(recordKey, userId);
		}
	}

	async create(model: string, data: Row): Promise<Row> {
		if (!USER_MODELS.has(model)) return this.#index().recordCreate({ model, data });
		const userId = String(model === "user" ? data.id : data.userId);
		if (model === "session") {
			// Stored hashed (session-token.ts); Better Auth sets the cookie from the record returned
			// here, so it gets the token. Both at once: the token reaches the client only after both.
			const stored = toStoredSession(data);
			const [row] = await Promise.all([this.#user(userId).authCreate({ model, data: stored }), this.#reindex(model, userId, stored)]);
			return { ...row, token: data.token };
		}
		const row = await this.#user(userId).authCreate({ model, data });
		await this.#reindex(model, userId, row);
		return row;
	}

	async find(model: string, query: WhereClause[], opts: FindOptions = {}): Promise<Row[]> {
		if (!USER_MODELS.has(model)) return this.#index().recordFind({ model, where: query, ...opts });
		const { where, tokens } = sessionWhere(model, query, false);
		const userId = await this.#route(model, where);
		return userId ? withTokens(await this.#user(userId).authFind({ model, where, ...opts }), tokens) : [];
	}

	async update(model: string, query: WhereClause[], patch: Row): Promise<Row[]> {
		if (!USER_MODELS.has(model)) return this.#index().recordUpdate({ model, where: query, update: patch });
		const { where, tokens } = sessionWhere(model, query, true);
		const userId = await this.#route(model, where);
		if (!userId) return [];
		const update = model === "session" ? toStoredSession(patch) : patch;
		const rows = await this.#user(userId).authUpdate({ model, where, update });
		for (const row of rows) await this.#reindex(model, userId, row);
		return withTokens(rows, tokens);
	}

	async delete(model: string, query: WhereClause[]): Promise<number> {
		if (!USER_MODELS.has(model)) return (await this.#index().recordDelete({ model, where: query })).length;
		const { where } = sessionWhere(model, query, true);
		const userId = await this.#route(model, where);
		if (!userId) return 0;
		const rows = await this.#user(userId).authDelete({ model, where });
		for (const row of rows) {
			if (model === "session") await this.#index().remove({ kind: "session", sessionId: String(row.id) });
			if (model === "account") {
				await this.#index().remove({ kind: "account", recordId: String(row.id) });
				this.#routes.delete(`account:${String(row.providerId)}:${String(row.accountId)}`);
				this.#routes.delete(`accountRecord:${String(row.id)}`);
			}
			if (model === "user") await this.#index().remove({ kind: "user", userId });
		}
		if (model === "session" || model === "user") this.deps.onSessionsEnded(userId);
		return rows.length;
	}
}

const sessionWhere = (model: string, where: WhereClause[], acceptStored: boolean) =>
	model === "session" ? hashTokenWhere(where, acceptStored) : { where, tokens: new Map<string, string>() };

type Where = WhereClause[] | undefined;

export function actorAuthAdapter(store: AuthStore, trace?: AuthStoreDeps["trace"]) {
	const timed = async <T>(op: string, model: string, run: () => Promise<T>): Promise<T> => {
		const started = performance.now();
		try {
			return await run();
		} finally {
			trace?.(op, model, Math.round(performance.now() - started));
		}
	};
	return createAdapterFactory({
		config: {
			adapterId: "foundry-actors",
			adapterName: "Foundry actor storage",
			supportsDates: false,
			supportsBooleans: true,
			supportsJSON: false,
			supportsArrays: false,
			transaction: false,
		},
		adapter: () => ({
			create: async <T extends Record<string, unknown>>({ model, data }: { model: string; data: T }) =>
				(await timed("create", model, () => store.create(model, data))) as T,
			findOne: async <T>({ model, where }: { model: string; where: Where }) =>
				((await timed("findOne", model, () => store.find(model, where ?? [], { limit: 1 })))[0] ?? null) as T | null,
			findMany: async <T>({
				model,
				where,
				limit,
				offset,
				sortBy,
			}: { model: string; where?: Where; limit?: number; offset?: number; sortBy?: FindOptions["sortBy"] }) =>
				(await timed("findMany", model, () => store.find(model, where ?? [], { limit, offset, sortBy }))) as T[],
			update: async <T>({ model, where, update }: { model: string; where: Where; update: T }) =>
				((await timed("update", model, () => store.update(model, where ?? [], update as Row)))[0] ?? null) as T | null,
			updateMany: async ({ model, where, update }: { model: string; where: Where; update: Record<string, unknown> }) =>
				(await store.update(model, where ?? [], update)).length,
			delete: async ({ model, where }: { model: string; where: Where }) => {
				await timed("delete", model, () => store.delete(model, where ?? []));
			},
			deleteMany: ({ model, where }: { model: string; where: Where }) => store.delete(model, where ?? []),
			count: async ({ model, where }: { model: string; where?: Where }) => (await store.find(model, where ?? [])).length,
		}),
	});
}
