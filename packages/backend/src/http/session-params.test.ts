import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { httpConnParams, withCookieParams, withCookieProtocol, wsConnParams } from "./session-params.ts";

const secret = "s".repeat(40);
const signed = (token: string) => encodeURIComponent(`${token}.${createHmac("sha256", secret).update(token).digest("base64")}`);
const cookie = `better-auth.session_token=${signed("tok123")}`;
const wsParams = (v: unknown) => `rivet_conn_params.${encodeURIComponent(JSON.stringify(v))}`;

describe("the session cookie as the browser's credential", () => {
	it("HTTP: fills in the session when the client claimed nothing (no params or {}), never over a claim", () => {
		for (const sent of [null, "{}"]) {
			const h = new Headers({ cookie });
			if (sent !== null) h.set("x-rivet-conn-params", sent);
			withCookieParams(h, secret);
			expect(httpConnParams(h)).toEqual({ session: "tok123" });
		}
		const claimed = new Headers({ cookie, "x-rivet-conn-params": JSON.stringify({ token: "fdy_x" }) });
		withCookieParams(claimed, secret);
		expect(httpConnParams(claimed)).toEqual({ token: "fdy_x" });
		const malformed = new Headers({ cookie, "x-rivet-conn-params": "{nope" });
		withCookieParams(malformed, secret);
		expect(httpConnParams(malformed)).toEqual({ malformed: true });
	});

	it("WebSocket: replaces an empty params protocol with the session, keeps a real claim, ignores a bad cookie", () => {
		expect(wsConnParams(withCookieProtocol(["rivet", wsParams({})], cookie, secret))).toEqual({ session: "tok123" });
		expect(withCookieProtocol(["rivet", wsParams({})], cookie, secret).filter((p) => p.startsWith("rivet_conn_params."))).toHaveLength(1);
		expect(wsConnParams(withCookieProtocol(["rivet"], cookie, secret))).toEqual({ session: "tok123" });
		expect(wsConnParams(withCookieProtocol(["rivet", wsParams({ token: "fdy_x" })], cookie, secret))).toEqual({ token: "fdy_x" });
		expect(wsConnParams(withCookieProtocol(["rivet", wsParams({})], "better-auth.session_token=forged.sig", secret))).toEqual({});
	});
});
