// Access tokens shaped like GitHub's (gho_ OAuth, ghs_ installation for one hour, ghp_ personal)
// and OAuth authorization codes: single use, expiring, bound to client and redirect URI, with the
// error strings GitHub's /login/oauth/access_token returns.
import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { z } from "zod";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const INSTALLATION_TOKEN_TTL_MS = 60 * 60 * 1000;
const CODE_TTL_MS = 10 * 60 * 1000;

export type TokenPrefix = "gho" | "ghs" | "ghp";

/** prefix_ + 36 base62 characters (30 random + a 6-character checksum), as GitHub issues them. */
export const TOKEN_PATTERN: Record<TokenPrefix, RegExp> = {
	gho: /^gho_[0-9A-Za-z]{36}$/,
	ghs: /^ghs_[0-9A-Za-z]{36}$/,
	ghp: /^ghp_[0-9A-Za-z]{36}$/,
};

/**
 * A new token: 30 random base62 characters and a CRC32 checksum of them in 6 base62 characters,
 * the layout GitHub described for its 2021 token format (lets scanners tell real tokens apart);
 * the test checks it against a published example token.
 */
export function newGithubToken(prefix: TokenPrefix): string {
	let entropy = "";
	for (let i = 0; i < 30; i++) entropy += BASE62.charAt(randomInt(62));
	return `${prefix}_${entropy}${tokenChecksum(entropy)}`;
}

export function tokenChecksum(entropy: string): string {
	let n = crc32(Buffer.from(entropy, "utf8"));
	let out = "";
	for (let i = 0; i < 6; i++) {
		out = BASE62.charAt(n % 62) + out;
		n = Math.floor(n / 62);
	}
	return out;
}

function crc32(bytes: Uint8Array): number {
	let crc = 0xffffffff;
	for (const byte of bytes) {
		crc ^= byte;
		for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
	}
	return (crc ^ 0xffffffff) >>> 0;
}

/** GitHub's timestamp style (no milliseconds), e.g. for an installation token's expires_at. */
export const githubTimestamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export type TokenInfo =
	| { kind: "user"; login: string; scopes: string[]; expiresAt: number | null }
	| { kind: "installation"; installationId: number; scopes: string[]; expiresAt: number | null };

export type TokenRecord = TokenInfo & { token: string };
export type InstallationToken = Extract<TokenRecord, { kind: "installation" }> & { expiresAt: number; expiresAtIso: string };

const tokenRecordSchema = z.union([
	z.object({ token: z.string().min(1), kind: z.literal("user"), login: z.string().min(1), scopes: z.array(z.string()), expiresAt: z.number().nullable() }),
	z.object({ token: z.string().min(1), kind: z.literal("installation"), installationId: z.number().int(), scopes: z.array(z.string()), expiresAt: z.number().nullable() }),
]);

const copy = <T extends TokenInfo>(t: T): T => ({ ...t, scopes: [...t.scopes] });

export class TokenStore {
	/** token → who it stands for. */
	readonly #tokens = new Map<string, TokenInfo>();
	readonly #now: () => number;

	constructor(opts: { now?: () => number } = {}) {
		this.#now = opts.now ?? Date.now;
	}

	/** What the OAuth web flow hands out: gho_, no expiry. */
	issueOAuthToken(input: { login: string; scopes: string[] }): TokenRecord {
		return this.#add(newGithubToken("gho"), { kind: "user", login: input.login, scopes: [...input.scopes], expiresAt: null });
	}

	/** A personal access token (ghp_) for seeds and scripts; a seed may fix the token itself. */
	issuePersonalToken(input: { login: string; scopes: string[]; token?: string }): TokenRecord {
		const token = input.token ?? newGithubToken("ghp");
		if (!TOKEN_PATTERN.ghp.test(token)) throw new Error("a personal token is ghp_ followed by 36 base62 characters");
		if (this.#tokens.has(token)) throw new Error("token already issued");
		return this.#add(token, { kind: "user", login: input.login, scopes: [...input.scopes], expiresAt: null });
	}

	/** ghs_, valid for one hour; expiresAtIso is the API's expires_at. */
	issueInstallationToken(input: { installationId: number }): InstallationToken {
		const expiresAt = this.#now() + INSTALLATION_TOKEN_TTL_MS;
		const token = newGithubToken("ghs");
		this.#add(token, { kind: "installation", installationId: input.installationId, scopes: [], expiresAt });
		return { token, kind: "installation", installationId: input.installationId, scopes: [], expiresAt, expiresAtIso: githubTimestamp(expiresAt) };
	}

	/** Who a token stands for; null when unknown, revoked or expired. */
	lookup(token: string): TokenInfo | null {
		const info = this.#tokens.get(token);
		if (!info) return null;
		if (info.expiresAt !== null && info.expiresAt <= this.#now()) {
			this.#tokens.delete(token);
			return null;
		}
		return copy(info);
	}

	/** True when the token existed. */
	revoke(token: string): boolean {
		return this.#tokens.delete(token);
	}

	/** Live tokens, for persistence. */
	snapshot(): TokenRecord[] {
		const now = this.#now();
		return [...this.#tokens].filter(([, t]) => t.expiresAt === null || t.expiresAt > now).map(([token, t]) => ({ ...copy(t), token }));
	}

	/** Replaces the store's content with a snapshot read back from disk (validated). */
	restore(raw: unknown): void {
		const records = z.array(tokenRecordSchema).parse(raw);
		this.#tokens.clear();
		for (const { token, ...info } of records) this.#tokens.set(token, info);
	}

	#add(token: string, info: TokenInfo): TokenRecord {
		this.#tokens.set(token, info);
		return { ...copy(info), token };
	}
}

interface CodeRecord {
	clientId: string;
	login: string;
	redirectUri: string;
	scopes: string[];
	state: string;
	expiresAt: number;
}

export type RedeemError = "bad_verification_code" | "incorrect_client_credentials" | "redirect_uri_mismatch";
export type RedeemResult = { ok: true; login: string; scopes: string[] } | { ok: false; error: RedeemError };

/** Compares secrets in constant time (hashing first makes the lengths equal). */
function sameSecret(a: string, b: string): boolean {
	const digest = (s: string) => createHash("sha256").update(s).digest();
	return timingSafeEqual(digest(a), digest(b));
}

export class OAuthCodes {
	readonly #codes = new Map<string, CodeRecord>();

	/** clientSecretOf: the client's secret, or null for an unknown client id. now: ms clock. */
	constructor(
		private readonly clientSecretOf: (clientId: string) => string | null,
		private readonly now: () => number = Date.now,
	) {}

	/** A 20-hex-character code, like GitHub's, valid for 10 minutes and a single redemption. */
	issue(input: { clientId: string; login: string; redirectUri: string; scopes: string[]; state: string }): string {
		this.#purgeExpired();
		const code = randomBytes(10).toString("hex");
		this.#codes.set(code, { ...input, scopes: [...input.scopes], expiresAt: this.now() + CODE_TTL_MS });
		return code;
	}

	/**
	 * Checks the client first, then the code (unknown, used, expired or another client's), then the
	 * redirect URI when one is given. Only a successful redemption consumes the code.
	 */
	redeem(input: { code: string; clientId: string; clientSecret: string; redirectUri?: string }): RedeemResult {
		const secret = this.clientSecretOf(input.clientId);
		if (secret === null || !sameSecret(secret, input.clientSecret)) return { ok: false, error: "incorrect_client_credentials" };
		const record = this.#codes.get(input.code);
		if (!record || record.clientId !== input.clientId) return { ok: false, error: "bad_verification_code" };
		if (record.expiresAt <= this.now()) {
			this.#codes.delete(input.code);
			return { ok: false, error: "bad_verification_code" };
		}
		if (input.redirectUri !== undefined && input.redirectUri !== record.redirectUri) return { ok: false, error: "redirect_uri_mismatch" };
		this.#codes.delete(input.code);
		return { ok: true, login: record.login, scopes: [...record.scopes] };
	}

	#purgeExpired(): void {
		const now = this.now();
		for (const [code, record] of this.#codes) if (record.expiresAt <= now) this.#codes.delete(code);
	}
}
