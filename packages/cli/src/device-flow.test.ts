// The device flow's polling against a stand-in authorization server: slow_down backs off by 5 s,
// terminal errors end the flow with a clear message.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { deviceLogin } from "./device-flow.ts";

const servers: Server[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** Answers /device/code, then each /device/token poll with the next scripted reply. */
async function authServer(replies: Array<Record<string, unknown>>): Promise<string> {
	const server = createServer((req, res) => {
		const send = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
		if (req.url === "/v1/auth/device/code") {
			return send(200, { device_code: "dc", user_code: "ABCD1234", verification_uri: "u", verification_uri_complete: "u?c", interval: 2, expires_in: 600 });
		}
		const next = replies.shift() ?? { error: "expired_token" };
		send("access_token" in next ? 200 : 400, next);
	});
	servers.push(server);
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function login(replies: Array<Record<string, unknown>>, timeoutMs = 600_000, waits: number[] = []): Promise<string> {
	const endpoint = await authServer(replies);
	return deviceLogin({ endpoint, timeoutMs, prompt: () => undefined, sleep: async (ms) => void waits.push(ms) });
}

describe("device flow polling", () => {
	it("waits the interval, adds 5 s on slow_down, and returns the token", async () => {
		const waits: number[] = [];
		const replies = [{ error: "authorization_pending" }, { error: "slow_down" }, { error: "authorization_pending" }, { access_token: "sess" }];
		expect(await login(replies, 600_000, waits)).toBe("sess");
		expect(waits).toEqual([2_000, 2_000, 7_000, 7_000]);
	});

	it("ends on access_denied, expired_token and the timeout", async () => {
		await expect(login([{ error: "access_denied" }])).rejects.toMatchObject({ code: "UNAUTHORIZED", message: "the login was denied in the browser" });
		await expect(login([{ error: "expired_token" }])).rejects.toThrow(/expired before it was approved/);
		await expect(login([], 1_000)).rejects.toThrow(/not approved in time/);
		await expect(login([{ error: "invalid_grant", error_description: "Client ID mismatch" }])).rejects.toThrow(/device login failed: Client ID mismatch/);
	});
});
