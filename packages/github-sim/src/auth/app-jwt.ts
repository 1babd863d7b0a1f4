// GitHub App authentication: RS256 JWTs (iss = app id or client id, exp ≤ 10 min after iat, iat up
// to 60 s ahead for clock drift), key pairs, and signing exactly as Octokit's auth-app does.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { z } from "zod";

const MAX_LIFETIME_S = 600;
const DRIFT_S = 60;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

const headerSchema = z.object({ alg: z.string(), typ: z.string().optional() });
// GitHub requires integer NumericDates; iss may be the app id (number or string) or the client id.
const payloadSchema = z.object({ iss: z.union([z.string(), z.number()]), iat: z.number().int(), exp: z.number().int() });

export type JwtFailureReason =
	| "malformed"
	| "unsupported alg"
	| "bad signature"
	| "iss mismatch"
	| "issued in the future"
	| "exp too far in the future"
	| "expired";

export type JwtCheck = { ok: true; appId: number } | { ok: false; reason: JwtFailureReason };

export interface VerifyAppJwtOptions {
	appId: number;
	publicKeyPem: string;
	/** The app's client id ("Iv1.…"), which GitHub also accepts as iss. */
	clientId?: string;
	/** Current time in ms since the epoch. */
	now?: number;
}

/** Checks syntax, algorithm and signature first, then the claims, as GitHub does. */
export function verifyAppJwt(jwt: string, opts: VerifyAppJwtOptions): JwtCheck {
	const parts = jwt.split(".");
	const [h = "", p = "", s = ""] = parts;
	if (parts.length !== 3 || !SEGMENT.test(h) || !SEGMENT.test(p)) return { ok: false, reason: "malformed" };
	const header = headerSchema.safeParse(decodeJson(h));
	const payload = payloadSchema.safeParse(decodeJson(p));
	if (!header.success || !payload.success) return { ok: false, reason: "malformed" };
	// Only RS256: "none" and HS256 (keyed with the public key) are the classic JWT forgeries.
	if (header.data.alg !== "RS256") return { ok: false, reason: "unsupported alg" };
	if (!SEGMENT.test(s) || !verify("RSA-SHA256", Buffer.from(`${h}.${p}`), createPublicKey(opts.publicKeyPem), Buffer.from(s, "base64url"))) {
		return { ok: false, reason: "bad signature" };
	}
	const { iss, iat, exp } = payload.data;
	if (String(iss) !== String(opts.appId) && (opts.clientId === undefined || iss !== opts.clientId)) return { ok: false, reason: "iss mismatch" };
	const now = Math.floor((opts.now ?? Date.now()) / 1000);
	if (iat > now + DRIFT_S) return { ok: false, reason: "issued in the future" };
	if (exp - iat > MAX_LIFETIME_S) return { ok: false, reason: "exp too far in the future" };
	if (exp <= now) return { ok: false, reason: "expired" };
	return { ok: true, appId: opts.appId };
}

/**
 * The message GitHub answers a rejected JWT with (401). Octokit's auth-app matches the exp/iat
 * messages to detect clock skew and retry with corrected time, so they are kept verbatim.
 */
export function appJwtErrorMessage(reason: JwtFailureReason): string {
	switch (reason) {
		case "expired":
			return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
		case "exp too far in the future":
			return "'Expiration time' claim ('exp') is too far in the future";
		case "issued in the future":
			return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
		default:
			return "A JSON web token could not be decoded";
	}
}

export function generateAppKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
	const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
	return {
		privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
		publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
	};
}

/**
 * The JWT Octokit's auth-app (universal-github-app-jwt) sends: header {alg, typ}, payload
 * {iat, exp, iss} in that order, iat = now − 30 s, exp = iat + 10 min. `nowMs` is in ms.
 */
export function signAppJwt(appId: number | string, privateKeyPem: string, nowMs = Date.now()): string {
	const iat = Math.floor(nowMs / 1000) - 30;
	const head = encodeJson({ alg: "RS256", typ: "JWT" });
	const body = encodeJson({ iat, exp: iat + MAX_LIFETIME_S, iss: appId });
	const signature = sign("RSA-SHA256", Buffer.from(`${head}.${body}`), createPrivateKey(privateKeyPem));
	return `${head}.${body}.${signature.toString("base64url")}`;
}

const encodeJson = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

function decodeJson(segment: string): unknown {
	try {
		return JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
	} catch (err) {
		// Not JSON: the caller's schema rejects undefined, which GitHub reports as undecodable.
		if (err instanceof SyntaxError) return undefined;
		throw err;
	}
}

