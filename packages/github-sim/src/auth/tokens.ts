// OAuth authorization codes: single use, expiring, bound to client and redirect URI; the error
// strings are the ones GitHub's /login/oauth/access_token returns.
import { randomBytes } from "node:crypto";

const CODE_TTL_MS = 10 * 60 * 1000;

interface CodeRecord {
	clientId: string;
	login: string;
	redirectUri: string;
	scopes: string[];
	expiresAt: number;
}

export type RedeemResult =
	| { ok: true; login: string; scopes: string[] }
	| { ok: false; error: "bad_verification_code" | "incorrect_client_credentials" | "redirect_uri_mismatch" };

export class OAuthCodes {
	readonly #codes = new Map<string, CodeRecord>();

	constructor(
		private readonly clientSecretOf: (clientId: string) => string | null,
		private readonly now: () => number = Date.now,
	) {}

	issue(input: { clientId: string; login: string; redirectUri: string; scopes: string[]; state: string }): string {
		const code = randomBytes(10).toString("hex");
		this.#codes.set(code, { ...input, expiresAt: this.now() + CODE_TTL_MS });
		return code;
	}

	redeem(input: { code: string; clientId: string; clientSecret: string; redirectUri?: string }): RedeemResult {
		const secret = this.clientSecretOf(input.clientId);
		if (secret === null || secret !== input.clientSecret) return { ok: false, error: "incorrect_client_credentials" };
		const record = this.#codes.get(input.code);
		if (!record || record.clientId !== input.clientId || record.expiresAt <= this.now()) {
			return { ok: false, error: "bad_verification_code" };
		}
		if (input.redirectUri !== undefined && input.redirectUri !== record.redirectUri) {
			return { ok: false, error: "redirect_uri_mismatch" };
		}
		this.#codes.delete(input.code);
		return { ok: true, login: record.login, scopes: record.scopes };
	}
}
