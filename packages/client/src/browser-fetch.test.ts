import { describe, expect, it } from "vitest";
import { bufferingFetch } from "./browser-fetch.ts";

describe("bufferingFetch", () => {
	it("sends a streamed body as bytes, without duplex, and leaves other requests alone", async () => {
		const seen: Array<RequestInit | undefined> = [];
		const inner = async (_input: RequestInfo | URL, init?: RequestInit) => {
			seen.push(init);
			return new Response("ok");
		};
		const fetch = bufferingFetch(inner as typeof globalThis.fetch);
		const stream = new Response(JSON.stringify({ args: [1] })).body;
		await fetch("http://x/action", { method: "POST", body: stream, duplex: "half", headers: { a: "b" } } as RequestInit);
		await fetch("http://x/plain", { method: "POST", body: "text" });
		await fetch("http://x/get");
		const [streamed, plain, get] = seen;
		expect(streamed?.body).toBeInstanceOf(ArrayBuffer);
		expect(new TextDecoder().decode(streamed?.body as ArrayBuffer)).toBe('{"args":[1]}');
		expect(streamed).not.toHaveProperty("duplex");
		expect(streamed).toMatchObject({ method: "POST", headers: { a: "b" } });
		expect(plain?.body).toBe("text");
		expect(get).toBeUndefined();
	});
});
