import { describe, expect, it } from "vitest";
import { CallbackReplay } from "./auth-routes.ts";

describe("CallbackReplay", () => {
	it("runs a callback once per code+state and replays its response, cookies included", async () => {
		const replay = new CallbackReplay();
		let runs = 0;
		const run = async () => {
			runs++;
			await new Promise((r) => setTimeout(r, 20));
			const headers = new Headers({ location: "/" });
			headers.append("set-cookie", "a=1; Path=/");
			headers.append("set-cookie", "b=2; Path=/");
			return new Response(null, { status: 302, headers });
		};
		const url = new URL("http://x/v1/auth/callback/github?code=c1&state=s1");
		const [a, b] = await Promise.all([replay.handle(url, run), replay.handle(url, run)]);
		const c = await replay.handle(url, run);
		expect(runs).toBe(1);
		for (const res of [a, b, c]) {
			expect(res.status).toBe(302);
			expect(res.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
		}
		await replay.handle(new URL("http://x/v1/auth/callback/github?code=c2&state=s1"), run);
		expect(runs).toBe(2);
	});

	it("does not cache requests without code and state, nor failures", async () => {
		const replay = new CallbackReplay();
		let runs = 0;
		const ok = async () => {
			runs++;
			return new Response("x");
		};
		await replay.handle(new URL("http://x/cb?error=denied"), ok);
		await replay.handle(new URL("http://x/cb?error=denied"), ok);
		expect(runs).toBe(2);
		const url = new URL("http://x/cb?code=c&state=s");
		await expect(replay.handle(url, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
		expect(await (await replay.handle(url, ok)).text()).toBe("x");
	});
});
