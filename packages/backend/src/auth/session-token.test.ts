import { describe, expect, it } from "vitest";
import { credentialHash } from "./credentials.ts";
import { hashTokenWhere, sessionTokenHash, storedSessionToken, toStoredSession, upgradedLegacySessions, withTokens } from "./session-token.ts";
import { select } from "./where.ts";

const TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz012345";

describe("session tokens at rest", () => {
	it("stores a hash, finds the record by the token and hands the token back", () => {
		const stored = toStoredSession({ id: "s1", token: TOKEN, userId: "u1" });
		expect(JSON.stringify(stored)).not.toContain(TOKEN);
		expect(stored.token).toBe(`sha256:${credentialHash(TOKEN)}`);
		const { where, tokens } = hashTokenWhere([{ field: "token", value: TOKEN }], false);
		const hits = withTokens(select([stored, toStoredSession({ id: "s2", token: "other" })], where), tokens);
		expect(hits).toEqual([{ id: "s1", token: TOKEN, userId: "u1" }]);
		const many = hashTokenWhere([{ field: "token", value: [TOKEN, "x"], operator: "in" }], false);
		expect(withTokens(select([stored], many.where), many.tokens).map((r) => r.token)).toEqual([TOKEN]);
	});

	it("never accepts the stored hash as a token in a find; updates and deletes may name it", () => {
		const stored = toStoredSession({ id: "s1", token: TOKEN });
		const hash = String(stored.token);
		expect(select([stored], hashTokenWhere([{ field: "token", value: hash }], false).where)).toEqual([]);
		expect(select([stored], hashTokenWhere([{ field: "token", value: hash }], true).where)).toEqual([stored]);
		// The auth index keys sessions by the plain hash, from either form.
		expect(sessionTokenHash(TOKEN)).toBe(credentialHash(TOKEN));
		expect(sessionTokenHash(storedSessionToken(TOKEN))).toBe(credentialHash(TOKEN));
		expect(() => hashTokenWhere([{ field: "token", value: "Ab", operator: "starts_with" }], false)).toThrow(/hashed/);
	});

	it("upgrades a session stored before hashing so its cookie still finds it, and leaves hashed ones alone", () => {
		const legacy = { id: "s0", token: TOKEN, userId: "u1" };
		const current = toStoredSession({ id: "s1", token: "Other0123456789Other0123456789ab" });
		const upgraded = upgradedLegacySessions([legacy, current]);
		expect(upgraded).toEqual([{ ...legacy, token: storedSessionToken(TOKEN) }]);
		const { where, tokens } = hashTokenWhere([{ field: "token", value: TOKEN }], false);
		expect(withTokens(select([...upgraded, current], where), tokens)).toEqual([legacy]);
	});
});
