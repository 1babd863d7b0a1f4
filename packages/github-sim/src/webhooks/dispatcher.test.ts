import { createServer } from "node:http";
import { verify } from "@octokit/webhooks-methods";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebhookDispatcher } from "./dispatcher.ts";

let url = "";
let status = 202;
const bodies: string[] = [];
const server = createServer((req, res) => {
	let body = "";
	req.on("data", (d: Buffer) => (body += d.toString()));
	req.on("end", () => {
		bodies.push(body);
		res.writeHead(status).end(status >= 400 ? "boom" : "ok");
	});
});
beforeAll(async () => {
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	const a = server.address();
	url = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("WebhookDispatcher", () => {
	it("delivers in order with valid signatures and logs each delivery", async () => {
		const d = new WebhookDispatcher();
		d.setHook(1, { url, secret: "k" });
		for (let i = 0; i < 5; i++) d.emit(1, "push", null, { n: i }, { installationId: 9 });
		await d.idle();
		const mine = bodies.slice(-5).map((b) => JSON.parse(b) as { n: number; installation: { id: number } });
		expect(mine.map((b) => b.n)).toEqual([0, 1, 2, 3, 4]);
		expect(mine[0]?.installation.id).toBe(9);
		const log = d.deliveries();
		expect(log.map((x) => x.status)).toEqual(Array(5).fill("delivered"));
		const first = log[log.length - 1]!;
		expect(await verify("k", first.requestBody, first.requestHeaders["x-hub-signature-256"] ?? "")).toBe(true);
		expect(first.requestHeaders["x-github-event"]).toBe("push");
	});

	it("records failures without throwing, skips absent or inactive hooks, redelivers with the same guid", async () => {
		const d = new WebhookDispatcher({ timeoutMs: 2_000 });
		expect(d.emit(1, "push", null, {})).toBeNull();
		d.setHook(1, { url, secret: "k", active: false });
		expect(d.emit(1, "push", null, {})).toBeNull();
		d.setHook(1, { url, secret: "k" });
		status = 500;
		const failed = d.emit(1, "ping", null, {});
		await d.idle();
		expect(d.delivery(failed!.id)).toMatchObject({ status: "failed", statusCode: 500, responseBody: "boom" });
		status = 202;
		const again = d.redeliver(failed!.id);
		await d.idle();
		expect(again).toMatchObject({ guid: failed!.guid, redelivery: true, status: "delivered" });
		d.setHook(2, { url: "http://127.0.0.1:9/unreachable", secret: "k" });
		const down = d.emit(2, "ping", null, {});
		await d.idle();
		expect(d.delivery(down!.id)?.status).toBe("failed");
		expect(d.delivery(down!.id)?.error).toBeTruthy();
	});
});
