// Resolves connection params to a principal: internal credential, API token or session token.
// Results are cached briefly per credential; revocation, sign-out and membership changes made in
// this process drop the cached entries at once.
import {
	API_TOKEN_PREFIX,
	AUTH_INDEX_KEY,
	type ConnParams,
	connParamsSchema,
	type Principal,
	userKey,
} from "@foundry/shared";
import type { LocalPrincipal, PrincipalSource } from "../actors/shared/deps.ts";
import { retrying } from "../actors/shared/route-retry.ts";
import { credentialHash, sameSecret } from "./credentials.ts";

export interface IndexHit {
	userId: string;
	expiresAt: number | null;
	tokenId?: string;
}

interface ResolverClient {
	authIndex: {
		getOrCreate(key: string[], opts: { params: ConnParams }): {
			lookup(q: { kind: "session" | "apiToken"; tokenHash: string }): Promise<IndexHit | null>;
		};
	};
	user: {
		getOrCreate(key: string[], opts: { params: ConnParams }): { principal(): Promise<Principal | null> };
	};
}

interface Cached {
	principal: Principal;
	userId: string;
	until: number;
}

const ANONYMOUS: Principal = { kind: "anonymous" };
const INTERNAL: Principal = { kind: "internal" };

export class PrincipalResolver implements PrincipalSource {
	readonly #internal: string;
	readonly #ttlMs: number;
	readonly #cache = new Map<string, Cached>();
	/**
	 * Bumped by every invalidation. A resolution that started before one may have read the old
	 * memberships; it is returned but not cached, or it would outlive the invalidation.
	 */
	#epoch = 0;

	constructor(internalCredential: string, ttlMs: number) {
		this.#internal = internalCredential;
		this.#ttlMs = ttlMs;
	}

	get internalParams(): ConnParams {
		return { internal: this.#internal };
	}

	/**
	 * `orgId`: the organization the connection is for (org-scoped actors). A cached principal
	 * without a membership there is read again: the membership may have been granted through another
	 * runner, whose invalidation this process never sees. (A removal stays cached for at most the TTL.)
	 */
	async resolve(rawParams: unknown, client: () => unknown, local?: LocalPrincipal, orgId?: string): Promise<Principal> {
		const parsed = connParamsSchema.safeParse(rawParams ?? {});
		if (!parsed.success) return { kind: "anonymous", reason: "malformed connection credentials" };
		const params = parsed.data;
		if (params.internal !== undefined) {
			if (!sameSecret(params.internal, this.#internal)) return { kind: "anonymous", reason: "invalid internal credential" };
			return INTERNAL;
		}
		const credential = params.token ?? params.session;
		if (!credential) return ANONYMOUS;
		const kind = credential.startsWith(API_TOKEN_PREFIX) ? "apiToken" : "session";
		const hash = credentialHash(credential);
		const now = Date.now();
		const cached = this.#cache.get(hash);
		const notYetMember = orgId !== undefined && cached?.principal.kind === "user" && !(orgId in cached.principal.orgs);
		if (cached && cached.until > now && !notYetMember) return cached.principal;
		this.#cache.delete(hash);

		const epoch = this.#epoch;
		const c = client() as ResolverClient;
		const hit = await retrying(c.authIndex.getOrCreate(AUTH_INDEX_KEY, { params: this.internalParams })).lookup({ kind, tokenHash: hash });
		if (!hit || (hit.expiresAt !== null && hit.expiresAt <= now)) {
			return { kind: "anonymous", reason: kind === "apiToken" ? "API token is invalid or revoked" : "session expired or signed out" };
		}
		const found =
			local && local.userId === hit.userId
				? await local.read()
				: await retrying(c.user.getOrCreate(userKey(hit.userId), { params: this.internalParams })).principal();
		if (found?.kind !== "user") return { kind: "anonymous", reason: "unknown user" };
		const principal: Principal = hit.tokenId ? { ...found, tokenId: hit.tokenId } : found;
		const until = Math.min(now + this.#ttlMs, hit.expiresAt ?? Number.POSITIVE_INFINITY);
		if (epoch === this.#epoch) this.#cache.set(hash, { principal, userId: hit.userId, until });
		return principal;
	}

	invalidateUser(userId: string): void {
		this.#epoch++;
		for (const [hash, entry] of this.#cache) if (entry.userId === userId) this.#cache.delete(hash);
	}
}
