import { describe, expect, it } from "vitest";
import { OAuthCodes } from "./tokens.ts";

describe("OAuthCodes", () => {
	let t = 0;
	const codes = new OAuthCodes((id) => (id === "client" ? "secret" : null), () => t);
	const issue = () => codes.issue({ clientId: "client", login: "octocat", redirectUri: "http://cb", scopes: ["repo"], state: "s" });

	it("redeems a code once, with GitHub's error strings otherwise", () => {
		const code = issue();
		expect(codes.redeem({ code, clientId: "client", clientSecret: "nope" })).toEqual({ ok: false, error: "incorrect_client_credentials" });
		expect(codes.redeem({ code, clientId: "other", clientSecret: "secret" })).toEqual({ ok: false, error: "incorrect_client_credentials" });
		expect(codes.redeem({ code, clientId: "client", clientSecret: "secret", redirectUri: "http://elsewhere" })).toEqual({ ok: false, error: "redirect_uri_mismatch" });
		expect(codes.redeem({ code, clientId: "client", clientSecret: "secret", redirectUri: "http://cb" })).toEqual({ ok: true, login: "octocat", scopes: ["repo"] });
		expect(codes.redeem({ code, clientId: "client", clientSecret: "secret" })).toEqual({ ok: false, error: "bad_verification_code" });
		expect(codes.redeem({ code: "made-up", clientId: "client", clientSecret: "secret" })).toEqual({ ok: false, error: "bad_verification_code" });
	});

	it("expires codes after ten minutes", () => {
		t = 0;
		const code = issue();
		t = 10 * 60 * 1000;
		expect(codes.redeem({ code, clientId: "client", clientSecret: "secret" })).toEqual({ ok: false, error: "bad_verification_code" });
	});
});
