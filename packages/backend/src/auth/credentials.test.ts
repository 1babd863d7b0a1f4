import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { credentialHash, deriveInternalCredential, newApiToken, newTokenId, sameSecret, unsignSessionCookie } from "./credentials.ts";

describe("credentials", () => {
	it("API tokens are prefixed, long and distinct; ids have a fixed shape", () => {
		const a = newApiToken();
		expect(a).toMatch(/^fdy_[A-Za-z0-9]{40}$/);
		expect(newApiToken()).not.toBe(a);
		expect(newTokenId()).toMatch(/^tok_[a-z0-9]{12}$/);
		expect(credentialHash(a)).toMatch(/^[0-9a-f]{64}$/);
		expect(credentialHash(a)).not.toContain(a.slice(4, 12));
	});

	it("derives the internal credential from the secret", () => {
		expect(deriveInternalCredential("s".repeat(32))).toBe(deriveInternalCredential("s".repeat(32)));
		expect(deriveInternalCredential("s".repeat(32))).not.toBe(deriveInternalCredential("t".repeat(32)));
		expect(sameSecret("abc", "abc")).toBe(true);
		expect(sameSecret("abc", "abd")).toBe(false);
		expect(sameSecret("abc", "abcd")).toBe(false);
	});

	it("accepts only correctly signed session cookies", () => {
		const secret = "x".repeat(40);
		const token = "SessionTokenValue123";
		const sig = createHmac("sha256", secret).update(token).digest("base64");
		const cookie = encodeURIComponent(`${token}.${sig}`);
		expect(unsignSessionCookie(cookie, secret)).toBe(token);
		expect(unsignSessionCookie(cookie, "y".repeat(40))).toBeNull();
		expect(unsignSessionCookie(encodeURIComponent(`other.${sig}`), secret)).toBeNull();
		expect(unsignSessionCookie("no-dot", secret)).toBeNull();
		expect(unsignSessionCookie("%E0%A4%A", secret)).toBeNull();
	});
});
