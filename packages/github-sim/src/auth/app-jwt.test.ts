import { createPrivateKey, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateAppKeyPair, signAppJwt, verifyAppJwt } from "./app-jwt.ts";

const keys = generateAppKeyPair();
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
function craft(header: object, payload: object, privateKeyPem = keys.privateKeyPem): string {
	const signingInput = `${b64(header)}.${b64(payload)}`;
	const sig = sign("RSA-SHA256", Buffer.from(signingInput), createPrivateKey(privateKeyPem)).toString("base64url");
	return `${signingInput}.${sig}`;
}
const now = 1_800_000_000_000;
const s = now / 1000;
const check = (jwt: string) => verifyAppJwt(jwt, { appId: 42, publicKeyPem: keys.publicKeyPem, clientId: "Iv1.abc", now });

describe("verifyAppJwt", () => {
	it("accepts what Octokit's auth-app signs, and iss as the client id", () => {
		expect(check(signAppJwt(42, keys.privateKeyPem, now))).toEqual({ ok: true, appId: 42 });
		expect(check(craft({ alg: "RS256" }, { iss: "Iv1.abc", iat: s - 60, exp: s + 540 })).ok).toBe(true);
		expect(check(craft({ alg: "RS256" }, { iss: "42", iat: s, exp: s + 600 })).ok).toBe(true);
	});

	it.each([
		["a foreign key", craft({ alg: "RS256" }, { iss: 42, iat: s, exp: s + 60 }, generateAppKeyPair().privateKeyPem), "bad signature"],
		["alg none", `${b64({ alg: "none" })}.${b64({ iss: 42, iat: s, exp: s + 60 })}.`, "unsupported alg"],
		["HS256", craft({ alg: "HS256" }, { iss: 42, iat: s, exp: s + 60 }), "unsupported alg"],
		["expired", craft({ alg: "RS256" }, { iss: 42, iat: s - 700, exp: s - 100 }), "expired"],
		["exp more than 10 minutes after iat", craft({ alg: "RS256" }, { iss: 42, iat: s, exp: s + 601 }), "exp too far in the future"],
		["iat beyond clock drift", craft({ alg: "RS256" }, { iss: 42, iat: s + 120, exp: s + 300 }), "issued in the future"],
		["another app", craft({ alg: "RS256" }, { iss: 7, iat: s, exp: s + 60 }), "iss mismatch"],
		["garbage", "not.a.jwt", "malformed"],
		["two parts", "abc.def", "malformed"],
	])("rejects %s", (_name, jwt, reason) => {
		expect(check(jwt)).toEqual({ ok: false, reason });
	});

	it("tolerates an iat up to 60 s in the future", () => {
		expect(check(craft({ alg: "RS256" }, { iss: 42, iat: s + 30, exp: s + 300 })).ok).toBe(true);
	});
});
