// App JWT verification: what Octokit signs passes; forged, tampered, mis-issued and mistimed tokens
// fail with a precise reason; key pairs and GitHub's error messages.
import { createHmac, createPrivateKey, createPublicKey, sign, webcrypto } from "node:crypto";
import { describe, expect, it } from "vitest";
import { appJwtErrorMessage, generateAppKeyPair, type JwtFailureReason, signAppJwt, verifyAppJwt } from "./app-jwt.ts";

const keys = generateAppKeyPair();
const b64 = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
function craft(header: object, payload: object, privateKeyPem = keys.privateKeyPem): string {
	const signingInput = `${b64(header)}.${b64(payload)}`;
	return `${signingInput}.${sign("RSA-SHA256", Buffer.from(signingInput), createPrivateKey(privateKeyPem)).toString("base64url")}`;
}
const now = 1_800_000_000_000;
const s = now / 1000;
const RS = { alg: "RS256", typ: "JWT" };
const check = (jwt: string, extra: { clientId?: string } = { clientId: "Iv1.abc" }) => verifyAppJwt(jwt, { appId: 42, publicKeyPem: keys.publicKeyPem, now, ...extra });
const decode = (segment: string | undefined) => Buffer.from(segment ?? "", "base64url").toString("utf8");

describe("generateAppKeyPair", () => {
	it("makes an RSA 2048 pair as PKCS#8 / SPKI PEM", () => {
		expect(keys.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
		expect(keys.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
		const pub = createPublicKey(keys.publicKeyPem);
		expect(pub.asymmetricKeyType).toBe("rsa");
		expect(pub.asymmetricKeyDetails?.modulusLength).toBe(2048);
	});
});

describe("signAppJwt", () => {
	it("produces Octokit's token: {alg, typ} header, {iat, exp, iss} with iat = now − 30 s, exp = iat + 600 s", () => {
		const [head, body, sig] = signAppJwt(42, keys.privateKeyPem, now + 999).split(".");
		expect(decode(head)).toBe('{"alg":"RS256","typ":"JWT"}');
		expect(decode(body)).toBe(`{"iat":${s - 30},"exp":${s + 570},"iss":42}`);
		expect(sig).toMatch(/^[A-Za-z0-9_-]{342}$/);
		expect(decode(signAppJwt("Iv1.abc", keys.privateKeyPem, now).split(".")[1])).toContain('"iss":"Iv1.abc"');
	});
});

describe("verifyAppJwt accepts", () => {
	it("what Octokit signs, by app id or client id", () => {
		expect(check(signAppJwt(42, keys.privateKeyPem, now))).toEqual({ ok: true, appId: 42 });
		expect(check(signAppJwt("Iv1.abc", keys.privateKeyPem, now))).toEqual({ ok: true, appId: 42 });
	});

	it("a WebCrypto RSASSA-PKCS1-v1_5 signature, the way universal-github-app-jwt makes it", async () => {
		const der = createPrivateKey(keys.privateKeyPem).export({ type: "pkcs8", format: "der" });
		const alg = { name: "RSASSA-PKCS1-v1_5", hash: { name: "SHA-256" } };
		const key = await webcrypto.subtle.importKey("pkcs8", der, alg, false, ["sign"]);
		const input = `${b64(RS)}.${b64({ iat: s - 30, exp: s + 570, iss: 42 })}`;
		const sig = Buffer.from(await webcrypto.subtle.sign(alg.name, key, Buffer.from(input))).toString("base64url");
		expect(check(`${input}.${sig}`)).toEqual({ ok: true, appId: 42 });
	});

	it.each([
		["iss as a numeric string", { iss: "42", iat: s, exp: s + 600 }],
		["exactly 10 minutes of lifetime", { iss: 42, iat: s - 300, exp: s + 300 }],
		["iat 30 s ahead (clock drift)", { iss: 42, iat: s + 30, exp: s + 300 }],
		["iat exactly 60 s ahead", { iss: 42, iat: s + 60, exp: s + 300 }],
		["one second before expiry", { iss: 42, iat: s - 599, exp: s + 1 }],
	])("%s", (_name, payload) => {
		expect(check(craft(RS, payload))).toEqual({ ok: true, appId: 42 });
	});
});

describe("verifyAppJwt rejects", () => {
	const good = craft(RS, { iss: 42, iat: s, exp: s + 60 });
	const [goodHead = "", goodBody = "", goodSig = ""] = good.split(".");
	const hs256 = (() => {
		// The classic confusion attack: HMAC keyed with the (public) verification key.
		const input = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iss: 42, iat: s, exp: s + 60 })}`;
		return `${input}.${createHmac("sha256", keys.publicKeyPem).update(input).digest("base64url")}`;
	})();

	it.each<[string, string, JwtFailureReason]>([
		["a token signed by another key", craft(RS, { iss: 42, iat: s, exp: s + 60 }, generateAppKeyPair().privateKeyPem), "bad signature"],
		["a tampered payload", `${goodHead}.${b64({ iss: 42, iat: s, exp: s + 600 })}.${goodSig}`, "bad signature"],
		["a tampered header", `${b64({ alg: "RS256", typ: "JWT", kid: "x" })}.${goodBody}.${goodSig}`, "bad signature"],
		["a missing signature", `${goodHead}.${goodBody}.`, "bad signature"],
		["alg none", `${b64({ alg: "none", typ: "JWT" })}.${b64({ iss: 42, iat: s, exp: s + 60 })}.`, "unsupported alg"],
		["HS256 keyed with the public key", hs256, "unsupported alg"],
		["RS512", craft({ alg: "RS512" }, { iss: 42, iat: s, exp: s + 60 }), "unsupported alg"],
		["expired", craft(RS, { iss: 42, iat: s - 700, exp: s - 100 }), "expired"],
		["exp equal to now", craft(RS, { iss: 42, iat: s - 60, exp: s }), "expired"],
		["exp 601 s after iat", craft(RS, { iss: 42, iat: s, exp: s + 601 }), "exp too far in the future"],
		["iat 61 s ahead", craft(RS, { iss: 42, iat: s + 61, exp: s + 300 }), "issued in the future"],
		["iat 2 minutes ahead", craft(RS, { iss: 42, iat: s + 120, exp: s + 300 }), "issued in the future"],
		["another app's id", craft(RS, { iss: 7, iat: s, exp: s + 60 }), "iss mismatch"],
		["another client id", craft(RS, { iss: "Iv1.other", iat: s, exp: s + 60 }), "iss mismatch"],
		["garbage", "not.a.jwt", "malformed"],
		["two parts", "abc.def", "malformed"],
		["four parts", `${good}.x`, "malformed"],
		["characters outside base64url", `${goodHead}+.${goodBody}.${goodSig}`, "malformed"],
		["a payload that is not JSON", `${goodHead}.${b64("{not json")}.${goodSig}`, "malformed"],
		["a missing exp", craft(RS, { iss: 42, iat: s }), "malformed"],
		["a missing iss", craft(RS, { iat: s, exp: s + 60 }), "malformed"],
		["a fractional iat", craft(RS, { iss: 42, iat: s + 0.5, exp: s + 60 }), "malformed"],
		["exp as a string", craft(RS, { iss: 42, iat: s, exp: String(s + 60) }), "malformed"],
		["a header without alg", craft({ typ: "JWT" }, { iss: 42, iat: s, exp: s + 60 }), "malformed"],
	])("%s", (_name, jwt, reason) => {
		expect(check(jwt)).toEqual({ ok: false, reason });
	});

	it("the client id as iss when no client id is configured", () => {
		expect(check(signAppJwt("Iv1.abc", keys.privateKeyPem, now), {})).toEqual({ ok: false, reason: "iss mismatch" });
	});

	it("an Octokit token 10 minutes later (expired) but not 9 minutes later", () => {
		const jwt = signAppJwt(42, keys.privateKeyPem, now);
		expect(verifyAppJwt(jwt, { appId: 42, publicKeyPem: keys.publicKeyPem, now: now + 9 * 60_000 }).ok).toBe(true);
		expect(verifyAppJwt(jwt, { appId: 42, publicKeyPem: keys.publicKeyPem, now: now + 10 * 60_000 })).toEqual({ ok: false, reason: "expired" });
	});
});

describe("appJwtErrorMessage", () => {
	it("gives the messages Octokit's auth-app matches to detect clock skew", () => {
		expect(appJwtErrorMessage("expired")).toMatch(/'Expiration time' claim \('exp'\) must be a numeric value representing the future time at which the assertion expires/);
		expect(appJwtErrorMessage("issued in the future")).toMatch(/'Issued at' claim \('iat'\) must be an Integer representing the time that the assertion was issued/);
		expect(appJwtErrorMessage("exp too far in the future")).toMatch(/'Expiration time' claim \('exp'\) is too far in the future/);
		expect(appJwtErrorMessage("bad signature")).toBe("A JSON web token could not be decoded");
	});
});
