// Credential primitives: random tokens, hashes for lookups, the backend's internal credential.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { API_TOKEN_PREFIX } from "@foundry/shared";

const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LOWER = "abcdefghijklmnopqrstuvwxyz0123456789";

function randomString(length: number, alphabet: string): string {
	// Rejection sampling keeps the distribution uniform.
	const limit = 256 - (256 % alphabet.length);
	let out = "";
	while (out.length < length) {
		for (const byte of randomBytes(length * 2)) {
			if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
		}
	}
	return out;
}

/** A personal API token: `fdy_` + 40 random characters (~238 bits). */
export const newApiToken = (): string => `${API_TOKEN_PREFIX}${randomString(40, ALPHABET)}`;
export const newTokenId = (): string => `tok_${randomString(12, LOWER)}`;

/** Lookups store only a hash of a credential, never the credential. */
export const credentialHash = (credential: string): string => createHash("sha256").update(credential).digest("hex");

/** The credential backend actors present to each other; derived from the auth secret. */
export function deriveInternalCredential(secret: string): string {
	return createHmac("sha256", secret).update("foundry internal actor credential v1").digest("base64url");
}

export function sameSecret(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A Better Auth session cookie holds `<token>.<signature>` (HMAC-SHA256 of the token with the
 * auth secret, base64). Returns the token when the signature matches.
 */
export function unsignSessionCookie(value: string, secret: string): string | null {
	const decoded = safeDecode(value);
	const dot = decoded.lastIndexOf(".");
	if (dot <= 0) return null;
	const token = decoded.slice(0, dot);
	const signature = decoded.slice(dot + 1);
	const expected = createHmac("sha256", secret).update(token).digest("base64");
	return sameSecret(signature, expected) ? token : null;
}

function safeDecode(value: string): string {
	try {
		return decodeURIComponent(value);
	} catch {
		// Not URI-encoded (or malformed): use it as is; the signature check decides.
		return value;
	}
}
