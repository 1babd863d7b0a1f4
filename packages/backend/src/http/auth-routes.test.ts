import { describe, expect, it } from "vitest";
import { CallbackReplay } from "./auth-routes.ts";

const ERROR_URL = "http://x/v1/auth/error";
/** Stands in for Better Auth's signed state cookie: genuine when it is `<state>.sig`. */
const preAuthOf = (cookies: ReadonlyMap<string, string>, state: string) => {
	const v = cookies.get("better-auth.state");
	return v === `${state}.sig` ? `better-auth.state=${v}` : null;
};
const newReplay = () => new CallbackReplay({ preAuthOf, errorUrl: ERROR_URL });
/** A callback request from a browser holding `cookie`. */
const get = (url: string, cookie?: string) => new Request(url, cookie ? { headers: { cookie } } : {});
const BROWSER = "better-auth.state=s1.sig; theme=dark";

describe("CallbackReplay", () => {
	it("runs a callback once per code+state and replays its response, cookies included, to the same browser", async () => {
		const replay = newReplay();
		let runs = 0;
		const run = async () => {
			runs++;
			await new Promise((r) => setTimeout(r, 20));
			const headers = new Headers({ location: "/" });
			headers.append("set-cookie", "a=1; Path=/");
			headers.append("set-cookie", "b=2; Path=/");
			return new Response(null, { status: 302, headers });
		};
		const url = "http://x/v1/auth/callback/github?code=c1&state=s1";
		const [a, b] = await Promise.all([replay.handle(get(url, BROWSER), run), replay.handle(get(url, BROWSER), run)]);
		// Other cookies of the same browser do not matter; the pre-auth cookie does.
		const c = await replay.handle(get(url, "theme=light; better-auth.state=s1.sig"), run);
		// The browser that got the response (its state cookie expired, the response's cookie held).
		const d = await replay.handle(get(url, "a=1"), run);
		expect(runs).toBe(1);
		for (const res of [a, b, c, d]) {
			expect(res.status).toBe(302);
			expect(res.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
		}
		await replay.handle(get("http://x/v1/auth/callback/github?code=c2&state=s1", BROWSER), run);
		expect(runs).toBe(2);
	});

	it("answers a duplicate from another browser (or none) with an error redirect and no cookies", async () => {
		const replay = newReplay();
		let runs = 0;
		const run = async () => {
			runs++;
			return new Response(null, { status: 302, headers: { location: "/", "set-cookie": "better-auth.session_token=t.s; Path=/" } });
		};
		const url = "http://x/v1/auth/callback/github?code=c1&state=s1";
		expect((await replay.handle(get(url, BROWSER), run)).headers.getSetCookie()).toHaveLength(1);
		for (const cookie of ["better-auth.state=s1.forged", "better-auth.state=s2.sig", "better-auth.session_token=t.forged", "x=1"]) {
			const res = await replay.handle(get(url, cookie), run);
			expect(res.status).toBe(302);
			expect(res.headers.get("location")).toBe(`${ERROR_URL}?error=state_mismatch`);
			expect(res.headers.getSetCookie()).toEqual([]);
		}
		expect((await replay.handle(get(url), run)).headers.getSetCookie()).toEqual([]);
		// A request without a genuine pre-auth cookie is Better Auth's to refuse: it claims no entry,
		// so a replay that arrives before the browser does not lock the browser out.
		const leaked = "http://x/v1/auth/callback/github?code=c9&state=s9";
		const refused = async () => new Response(null, { status: 302, headers: { location: `${ERROR_URL}?error=state_mismatch` } });
		await replay.handle(get(leaked), refused);
		await replay.handle(get(leaked, "better-auth.state=s9.forged"), refused);
		expect((await replay.handle(get(leaked, BROWSER), run)).headers.getSetCookie()).toHaveLength(1);
		expect(runs).toBe(2);
	});

	it("does not cache requests without code and state, nor failures", async () => {
		const replay = newReplay();
		let runs = 0;
		const ok = async () => {
			runs++;
			return new Response("x");
		};
		await replay.handle(get("http://x/cb?error=denied", BROWSER), ok);
		await replay.handle(get("http://x/cb?error=denied", BROWSER), ok);
		expect(runs).toBe(2);
		const url = "http://x/cb?code=c&state=s1";
		await expect(replay.handle(get(url, BROWSER), async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
		expect(await (await replay.handle(get(url, BROWSER), ok)).text()).toBe("x");
	});
});
