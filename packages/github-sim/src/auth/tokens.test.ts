// Token shapes and lifetimes (injected clock), revocation and persistence; OAuth codes: single use,
// ten-minute expiry and each of GitHub's error strings.
import { describe, expect, it } from "vitest";
import { newGithubToken, OAuthCodes, TOKEN_PATTERN, TokenStore, tokenChecksum } from "./tokens.ts";

const HOUR = 60 * 60 * 1000;

describe("TokenStore", () => {
	const clock = () => {
		const c = { t: Date.parse("2030-01-01T00:00:00Z"), now: () => c.t };
		return c;
	};

	it("issues gho_, ghp_ and ghs_ tokens in GitHub's shape, each unique", () => {
		const store = new TokenStore();
		const oauth = store.issueOAuthToken({ login: "octocat", scopes: ["repo"] });
		const personal = store.issuePersonalToken({ login: "octocat", scopes: ["repo", "read:org"] });
		const inst = store.issueInstallationToken({ installationId: 7 });
		expect(oauth.token).toMatch(/^gho_[0-9A-Za-z]{36}$/);
		expect(personal.token).toMatch(/^ghp_[0-9A-Za-z]{36}$/);
		expect(inst.token).toMatch(/^ghs_[0-9A-Za-z]{36}$/);
		expect(new Set(Array.from({ length: 200 }, () => newGithubToken("gho"))).size).toBe(200);
		// The last six characters are the checksum of the thirty before them.
		for (const t of [oauth.token, personal.token, inst.token]) expect(t.slice(-6)).toBe(tokenChecksum(t.slice(4, 34)));
	});

	it("computes the checksum of a published example token (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)", () => {
		expect(tokenChecksum("zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ")).toBe("0mLq17");
	});

	it("looks tokens up: user tokens by login with scopes, installation tokens by installation", () => {
		const store = new TokenStore();
		const oauth = store.issueOAuthToken({ login: "octocat", scopes: ["repo", "user:email"] });
		const inst = store.issueInstallationToken({ installationId: 7 });
		expect(store.lookup(oauth.token)).toEqual({ kind: "user", login: "octocat", scopes: ["repo", "user:email"], expiresAt: null });
		expect(store.lookup(inst.token)).toEqual({ kind: "installation", installationId: 7, scopes: [], expiresAt: inst.expiresAt });
		expect(store.lookup("gho_unknownunknownunknownunknownunknown")).toBeNull();
		expect(store.lookup("")).toBeNull();
	});

	it("expires installation tokens after exactly one hour; user tokens do not expire", () => {
		const c = clock();
		const store = new TokenStore({ now: c.now });
		const inst = store.issueInstallationToken({ installationId: 7 });
		const user = store.issueOAuthToken({ login: "octocat", scopes: [] });
		expect(inst.expiresAt).toBe(c.t + HOUR);
		expect(inst.expiresAtIso).toBe("2030-01-01T01:00:00Z");
		c.t += HOUR - 1;
		expect(store.lookup(inst.token)?.kind).toBe("installation");
		c.t += 1;
		expect(store.lookup(inst.token)).toBeNull();
		c.t += 365 * 24 * HOUR;
		expect(store.lookup(user.token)?.kind).toBe("user");
	});

	it("revokes a token once", () => {
		const store = new TokenStore();
		const t = store.issueOAuthToken({ login: "octocat", scopes: [] });
		expect(store.revoke(t.token)).toBe(true);
		expect(store.lookup(t.token)).toBeNull();
		expect(store.revoke(t.token)).toBe(false);
	});

	it("accepts a seeded personal token of the right shape only, and never twice", () => {
		const store = new TokenStore();
		const fixed = `ghp_${"a".repeat(36)}`;
		expect(store.issuePersonalToken({ login: "seed", scopes: ["repo"], token: fixed }).token).toBe(fixed);
		expect(store.lookup(fixed)).toMatchObject({ kind: "user", login: "seed" });
		expect(() => store.issuePersonalToken({ login: "seed", scopes: [], token: fixed })).toThrow(/already issued/);
		expect(() => store.issuePersonalToken({ login: "seed", scopes: [], token: "ghp_short" })).toThrow(/36 base62/);
		expect(() => store.issuePersonalToken({ login: "seed", scopes: [], token: `gho_${"a".repeat(36)}` })).toThrow(/36 base62/);
	});

	it("hands out copies: changing a returned scope list changes nothing stored", () => {
		const store = new TokenStore();
		const t = store.issueOAuthToken({ login: "octocat", scopes: ["repo"] });
		t.scopes.push("admin:org");
		store.lookup(t.token)?.scopes.push("delete_repo");
		expect(store.lookup(t.token)?.scopes).toEqual(["repo"]);
	});

	it("snapshots live tokens and restores them, validating what it reads back", () => {
		const c = clock();
		const store = new TokenStore({ now: c.now });
		const user = store.issuePersonalToken({ login: "octocat", scopes: ["repo"] });
		const inst = store.issueInstallationToken({ installationId: 7 });
		const dead = store.issueInstallationToken({ installationId: 8 });
		c.t += 30 * 60 * 1000;
		store.restore([]);
		expect(store.lookup(user.token)).toBeNull();
		const again = new TokenStore({ now: c.now });
		again.restore(JSON.parse(JSON.stringify([user, { ...inst, expiresAtIso: undefined }])));
		expect(again.lookup(user.token)).toMatchObject({ kind: "user", login: "octocat" });
		expect(again.lookup(inst.token)).toMatchObject({ kind: "installation", installationId: 7 });
		expect(again.lookup(dead.token)).toBeNull();
		c.t += HOUR;
		expect(again.snapshot().map((t) => t.token)).toEqual([user.token]);
		expect(() => again.restore([{ token: "x", kind: "robot" }])).toThrow();
	});

	it("publishes the token patterns it issues", () => {
		expect(TOKEN_PATTERN.gho.test(newGithubToken("gho"))).toBe(true);
		expect(TOKEN_PATTERN.ghs.test(newGithubToken("gho"))).toBe(false);
	});
});

describe("OAuthCodes", () => {
	const setup = () => {
		const c = { t: 0 };
		const codes = new OAuthCodes((id) => (id === "client" ? "secret" : id === "other" ? "other-secret" : null), () => c.t);
		const issue = (clientId = "client") => codes.issue({ clientId, login: "octocat", redirectUri: "http://cb.local/callback", scopes: ["repo", "read:org"], state: "xyz" });
		return { c, codes, issue };
	};
	const ok = { clientId: "client", clientSecret: "secret" };

	it("issues 20-hex-character codes that differ", () => {
		const { issue } = setup();
		const a = issue();
		expect(a).toMatch(/^[0-9a-f]{20}$/);
		expect(issue()).not.toBe(a);
	});

	it("redeems a code exactly once, giving login and scopes", () => {
		const { codes, issue } = setup();
		const code = issue();
		expect(codes.redeem({ code, ...ok, redirectUri: "http://cb.local/callback" })).toEqual({ ok: true, login: "octocat", scopes: ["repo", "read:org"] });
		expect(codes.redeem({ code, ...ok })).toEqual({ ok: false, error: "bad_verification_code" });
	});

	it("answers incorrect_client_credentials for a wrong secret or an unknown client, before looking at the code", () => {
		const { codes, issue } = setup();
		const code = issue();
		expect(codes.redeem({ code, clientId: "client", clientSecret: "nope" })).toEqual({ ok: false, error: "incorrect_client_credentials" });
		expect(codes.redeem({ code, clientId: "client", clientSecret: "" })).toEqual({ ok: false, error: "incorrect_client_credentials" });
		expect(codes.redeem({ code, clientId: "ghost", clientSecret: "secret" })).toEqual({ ok: false, error: "incorrect_client_credentials" });
		expect(codes.redeem({ code: "made-up", clientId: "client", clientSecret: "nope" })).toEqual({ ok: false, error: "incorrect_client_credentials" });
		// None of that consumed the code.
		expect(codes.redeem({ code, ...ok }).ok).toBe(true);
	});

	it("answers bad_verification_code for an unknown code or another client's code", () => {
		const { codes, issue } = setup();
		expect(codes.redeem({ code: "0123456789abcdef0123", ...ok })).toEqual({ ok: false, error: "bad_verification_code" });
		const theirs = issue("other");
		expect(codes.redeem({ code: theirs, ...ok })).toEqual({ ok: false, error: "bad_verification_code" });
		expect(codes.redeem({ code: theirs, clientId: "other", clientSecret: "other-secret" }).ok).toBe(true);
	});

	it("answers redirect_uri_mismatch for another redirect URI, without consuming the code", () => {
		const { codes, issue } = setup();
		const code = issue();
		expect(codes.redeem({ code, ...ok, redirectUri: "http://evil.local/callback" })).toEqual({ ok: false, error: "redirect_uri_mismatch" });
		expect(codes.redeem({ code, ...ok, redirectUri: "http://cb.local/callback" }).ok).toBe(true);
	});

	it("expires codes after ten minutes", () => {
		const { c, codes, issue } = setup();
		const fresh = issue();
		const stale = issue();
		c.t = 10 * 60 * 1000 - 1;
		expect(codes.redeem({ code: fresh, ...ok }).ok).toBe(true);
		c.t = 10 * 60 * 1000;
		expect(codes.redeem({ code: stale, ...ok })).toEqual({ ok: false, error: "bad_verification_code" });
		const later = issue();
		c.t += 10 * 60 * 1000 - 1;
		expect(codes.redeem({ code: later, ...ok }).ok).toBe(true);
	});
});
