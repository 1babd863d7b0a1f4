// GitHub App authentication: RS256 JWTs (iss = app id or client id, exp ≤ 10 min after iat).
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { z } from "zod";

const headerSchema = z.object({ alg: z.string(), typ: z.string().optional() });
const payloadSchema = z.object({ iss: z.union([z.string(), z.number()]), iat: z.number(), exp: z.number() });

const MAX_LIFETIME_S = 600;
const DRIFT_S = 60;

const b64url = (buf: Buffer) => buf.toString("base64url");
const decodeJson = (part: string): unknown => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));

export type JwtCheck = { ok: true; appId: number } | { ok: false; reason: string };

export function verifyAppJwt(jwt: string, opts: { appId: number; publicKeyPem: string; clientId?: string; now?: number }): JwtCheck {
	const parts = jwt.split(".");
	if (parts.length !== 3) return { ok: false, reason: "malformed" };
	const [h = "", p = "", s = ""] = parts;
	let header: z.infer<typeof headerSchema>;
	let payload: z.infer<typeof payloadSchema>;
	try {
		header = headerSchema.parse(decodeJson(h));
		payload = payloadSchema.parse(decodeJson(p));
	} catch {
		// Undecodable JSON or missing claims: GitHub answers "could not be decoded".
		return { ok: false, reason: "malformed" };
	}
	if (header.alg !== "RS256") return { ok: false, reason: "unsupported alg" };
	const valid = verify("RSA-SHA256", Buffer.from(`${h}.${p}`), createPublicKey(opts.publicKeyPem), Buffer.from(s, "base64url"));
	if (!valid) return { ok: false, reason: "bad signature" };
	if (String(payload.iss) !== String(opts.appId) && payload.iss !== opts.clientId) return { ok: false, reason: "iss mismatch" };
	const now = Math.floor((opts.now ?? Date.now()) / 1000);
	if (payload.iat > now + DRIFT_S) return { ok: false, reason: "issued in the future" };
	if (payload.exp - payload.iat > MAX_LIFETIME_S) return { ok: false, reason: "exp too far in the future" };
	if (payload.exp <= now) return { ok: false, reason: "expired" };
	return { ok: true, appId: opts.appId };
}

export function generateAppKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
	const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
	return {
		privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
		publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
	};
}

/** What @octokit/auth-app sends: iat = now − 60 s, exp = now + 9 min. */
export function signAppJwt(appId: number, privateKeyPem: string, nowMs = Date.now()): string {
	const now = Math.floor(nowMs / 1000);
	const head = b64url(Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT" })));
	const body = b64url(Buffer.from(JSON.stringify({ iat: now - 60, exp: now + 540, iss: appId })));
	const sig = sign("RSA-SHA256", Buffer.from(`${head}.${body}`), createPrivateKey(privateKeyPem));
	return `${head}.${body}.${b64url(sig)}`;
}
