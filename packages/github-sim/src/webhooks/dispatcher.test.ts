// WebhookDispatcher against a real local receiver: GitHub's headers and signatures, per-app
// ordering, failure recording (500, down, timeout, redirect), redelivery, inactive hooks, the log.
import { createHmac } from "node:crypto";
import { verify } from "@octokit/webhooks-methods";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FetchLike, WebhookDispatcher } from "./dispatcher.ts";
import { BIG_BYTES, deadUrl, type Receiver, SLOW_MS, startReceiver } from "./test-receiver.ts";

let rx: Receiver;
beforeAll(async () => {
	rx = await startReceiver();
});
afterAll(() => rx.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const to = (path: string) => `${rx.base}${path}`;
const at = (path: string) => rx.received.filter((r) => r.path === path);
const dispatcher = (path: string, secret = "s3cret", opts: ConstructorParameters<typeof WebhookDispatcher>[0] = {}) => {
	const d = new WebhookDispatcher(opts);
	d.setHook(1, { url: to(path), secret });
	return d;
};

describe("a delivery", () => {
	it("is a POST with GitHub's headers, signed with the hook secret (sha256 and legacy sha1)", async () => {
		let clock = Date.parse("2030-01-02T03:04:05.000Z");
		const d = dispatcher("/headers", "s3cret", { now: () => (clock += 7) });
		const queued = d.emit(1, "pull_request", "opened", { number: 5 }, { installationId: 77 });
		expect(queued).toMatchObject({ status: "pending", appId: 1, event: "pull_request", action: "opened", installationId: 77, redelivery: false });
		await d.idle();
		const [req] = at("/headers");
		expect(req).toBeDefined();
		const h = req!.headers;
		expect(h["content-type"]).toBe("application/json");
		expect(h.accept).toBe("*/*");
		expect(h["user-agent"]).toMatch(/^GitHub-Hookshot\/[0-9a-f]{7}$/);
		expect(h["x-github-event"]).toBe("pull_request");
		expect(h["x-github-delivery"]).toMatch(UUID);
		expect(h["x-github-hook-id"]).toMatch(/^\d+$/);
		expect(h["x-github-hook-installation-target-type"]).toBe("integration");
		expect(h["x-github-hook-installation-target-id"]).toBe("1");
		const sig256 = String(h["x-hub-signature-256"]);
		expect(sig256).toMatch(/^sha256=[0-9a-f]{64}$/);
		expect(await verify("s3cret", req!.body, sig256)).toBe(true);
		expect(await verify("wrong-secret", req!.body, sig256)).toBe(false);
		expect(h["x-hub-signature"]).toBe(`sha1=${createHmac("sha1", "s3cret").update(req!.body).digest("hex")}`);

		// Body: action first, then the payload, then the installation reference.
		const body = JSON.parse(req!.body) as Record<string, unknown>;
		expect(Object.keys(body)).toEqual(["action", "number", "installation"]);
		expect(body.installation).toEqual({ id: 77, node_id: Buffer.from("023:IntegrationInstallation77").toString("base64") });

		const log = d.delivery(queued!.id)!;
		expect(log).toMatchObject({ status: "delivered", statusCode: 202, responseBody: "ok", error: null, guid: h["x-github-delivery"], requestBody: req!.body });
		expect(log.requestHeaders["X-Hub-Signature-256"]).toBe(sig256);
		expect(log.deliveredAt).toBe("2030-01-02T03:04:05.007Z");
		expect(log.durationMs).toBe(7);
	});

	it("omits action when null, keeps a full installation object, and goes unsigned without a secret", async () => {
		const d = dispatcher("/unsigned", "");
		d.emit(1, "installation", null, { installation: { id: 3, account: { login: "acme" } } }, { installationId: 3 });
		await d.idle();
		const [req] = at("/unsigned");
		expect(JSON.parse(req!.body)).toEqual({ installation: { id: 3, account: { login: "acme" } } });
		expect(req!.headers["x-hub-signature-256"]).toBeUndefined();
		expect(req!.headers["x-hub-signature"]).toBeUndefined();
		expect(d.deliveries()[0]?.status).toBe("delivered");
	});
});

describe("ordering", () => {
	it("sends one app's deliveries one at a time, in emit order, even when the receiver is slow", async () => {
		const d = dispatcher("/slow-order");
		for (let n = 0; n < 6; n++) d.emit(1, "push", null, { n });
		await d.idle();
		const got = at("/slow-order");
		expect(got.map((r) => (JSON.parse(r.body) as { n: number }).n)).toEqual([0, 1, 2, 3, 4, 5]);
		expect(got.every((r) => r.concurrent === 1)).toBe(true);
		expect(d.deliveries().map((x) => x.status)).toEqual(Array(6).fill("delivered"));
	});

	it("does not hold one app's deliveries behind another app's slow receiver", async () => {
		const d = new WebhookDispatcher();
		d.setHook(1, { url: to("/slow-app1"), secret: "a" });
		d.setHook(2, { url: to("/fast-app2"), secret: "b" });
		const started = Date.now();
		d.emit(1, "push", null, { n: 1 });
		d.emit(1, "push", null, { n: 2 });
		d.emit(2, "push", null, { n: 3 });
		await d.idle();
		const order = rx.received.filter((r) => r.path === "/slow-app1" || r.path === "/fast-app2").map((r) => r.path);
		expect(order.indexOf("/fast-app2")).toBeLessThan(order.lastIndexOf("/slow-app1"));
		expect(Date.now() - started).toBeGreaterThanOrEqual(2 * SLOW_MS - 20);
	});

	it("idle() also waits for deliveries queued while it waits", async () => {
		const d = dispatcher("/slow-chained");
		d.emit(1, "ping", null, { n: 1 });
		const waiting = d.idle();
		d.emit(1, "ping", null, { n: 2 });
		await waiting;
		expect(d.deliveries().map((x) => x.status)).toEqual(["delivered", "delivered"]);
	});
});

describe("failures are recorded, never thrown", () => {
	it("a 500 answer: failed with status code, body and error; the queue goes on", async () => {
		const d = dispatcher("/fail");
		const failed = d.emit(1, "ping", null, {});
		d.setHook(1, { url: to("/after-fail"), secret: "s3cret" });
		d.emit(1, "ping", null, {});
		await d.idle();
		expect(d.delivery(failed!.id)).toMatchObject({ status: "failed", statusCode: 500, responseBody: "boom", error: "Invalid HTTP Response: 500" });
		expect(at("/after-fail")).toHaveLength(1);
	});

	it("a receiver that is down: failed with the socket error, no status code", async () => {
		const d = new WebhookDispatcher();
		d.setHook(1, { url: await deadUrl(), secret: "k" });
		const down = d.emit(1, "ping", null, {});
		await expect(d.idle()).resolves.toBeUndefined();
		const entry = d.delivery(down!.id)!;
		expect(entry).toMatchObject({ status: "failed", statusCode: null, responseBody: null });
		expect(entry.error).toMatch(/ECONNREFUSED/);
	});

	it("a receiver that does not answer in time: failed after timeoutMs", async () => {
		const d = dispatcher("/hang", "k", { timeoutMs: 100 });
		const hung = d.emit(1, "ping", null, {});
		await d.idle();
		expect(d.delivery(hung!.id)).toMatchObject({ status: "failed", statusCode: null, error: "timed out after 100 ms" });
	});

	it("a redirect is not followed (GitHub counts it as a failure)", async () => {
		const d = dispatcher("/redirect");
		d.emit(1, "ping", null, {});
		await d.idle();
		expect(d.deliveries()[0]).toMatchObject({ status: "failed", statusCode: 302 });
		expect(at("/ok")).toHaveLength(0);
	});

	it("a fetch that throws or rejects fails that delivery only", async () => {
		let calls = 0;
		const flaky: FetchLike = async () => {
			calls += 1;
			if (calls === 1) throw new TypeError("network down", { cause: new Error("EHOSTUNREACH") });
			return new Response("fine", { status: 200 });
		};
		const d = dispatcher("/never-hit", "k", { fetch: flaky });
		d.emit(1, "ping", null, {});
		d.emit(1, "ping", null, {});
		await d.idle();
		expect(d.deliveries().map((x) => [x.status, x.error])).toEqual([["delivered", null], ["failed", "network down: EHOSTUNREACH"]]);
	});

	it("an unserialisable payload is logged as failed and nothing is sent", async () => {
		const d = dispatcher("/bigint");
		const bad = d.emit(1, "ping", null, { n: 1n });
		await d.idle();
		expect(bad).toMatchObject({ status: "failed" });
		expect(bad?.error).toMatch(/not JSON-serialisable/);
		expect(at("/bigint")).toHaveLength(0);
		expect(d.redeliver(bad!.id)).toBeNull();
	});

	it("keeps only the first 4 KB of a response body", async () => {
		const d = dispatcher("/big");
		d.emit(1, "ping", null, {});
		await d.idle();
		const body = d.deliveries()[0]?.responseBody ?? "";
		expect(BIG_BYTES).toBeGreaterThan(4096);
		expect(Buffer.byteLength(body)).toBe(4096);
		expect(body).toBe("é".repeat(2048));
	});
});

describe("redelivery", () => {
	it("resends the same body under the same guid as a new log entry", async () => {
		const d = dispatcher("/redeliver");
		const first = d.emit(1, "push", null, { ref: "refs/heads/main" }, { installationId: 5 })!;
		await d.idle();
		const again = d.redeliver(first.id)!;
		expect(again.id).not.toBe(first.id);
		await d.idle();
		const [a, b] = at("/redeliver");
		expect(b?.headers["x-github-delivery"]).toBe(a?.headers["x-github-delivery"]);
		expect(b?.body).toBe(a?.body);
		expect(await verify("s3cret", b!.body, String(b!.headers["x-hub-signature-256"]))).toBe(true);
		expect(d.deliveries().map((x) => [x.id, x.guid, x.redelivery, x.status])).toEqual([
			[again.id, first.guid, true, "delivered"],
			[first.id, first.guid, false, "delivered"],
		]);
	});

	it("returns null for an unknown delivery or when the app no longer has an active hook", async () => {
		const d = dispatcher("/redeliver-gone");
		const first = d.emit(1, "ping", null, {})!;
		await d.idle();
		expect(d.redeliver(9999)).toBeNull();
		d.setHook(1, { url: to("/redeliver-gone"), secret: "s3cret", active: false });
		expect(d.redeliver(first.id)).toBeNull();
		d.setHook(1, null);
		expect(d.redeliver(first.id)).toBeNull();
		await d.idle();
		expect(at("/redeliver-gone")).toHaveLength(1);
	});
});

describe("hooks and the log", () => {
	it("sends nothing for an app without a hook, with an inactive hook, or after removal", async () => {
		const d = new WebhookDispatcher();
		expect(d.emit(1, "ping", null, {})).toBeNull();
		d.setHook(1, { url: to("/inactive"), secret: "k", active: false });
		expect(d.emit(1, "ping", null, {})).toBeNull();
		d.setHook(1, { url: to("/inactive"), secret: "k" });
		d.setHook(1, null);
		expect(d.emit(1, "ping", null, {})).toBeNull();
		await d.idle();
		expect(at("/inactive")).toHaveLength(0);
		expect(d.deliveries()).toEqual([]);
	});

	it("keeps a hook id per app, stable when the hook is updated", async () => {
		const d = new WebhookDispatcher();
		d.setHook(1, { url: to("/hook-id-a"), secret: "k" });
		d.setHook(2, { url: to("/hook-id-b"), secret: "k" });
		d.emit(1, "ping", null, {});
		d.setHook(1, { url: to("/hook-id-c"), secret: "k2" });
		d.emit(1, "ping", null, {});
		d.emit(2, "ping", null, {});
		await d.idle();
		const id = (path: string) => at(path)[0]?.headers["x-github-hook-id"];
		expect(id("/hook-id-a")).toBe(id("/hook-id-c"));
		expect(id("/hook-id-a")).not.toBe(id("/hook-id-b"));
	});

	it("filters by app and event, newest first, hands out copies, and clears", async () => {
		const d = new WebhookDispatcher();
		d.setHook(1, { url: to("/log"), secret: "k" });
		d.setHook(2, { url: to("/log"), secret: "k" });
		d.emit(1, "push", null, {});
		d.emit(2, "push", null, {});
		d.emit(1, "ping", null, {});
		await d.idle();
		expect(d.deliveries().map((x) => [x.appId, x.event])).toEqual([[1, "ping"], [2, "push"], [1, "push"]]);
		expect(d.deliveries({ appId: 1 }).map((x) => x.event)).toEqual(["ping", "push"]);
		expect(d.deliveries({ event: "push" }).map((x) => x.appId)).toEqual([2, 1]);
		expect(d.deliveries({ appId: 2, event: "ping" })).toEqual([]);
		const copy = d.deliveries()[0]!;
		copy.status = "pending";
		copy.requestHeaders["X-GitHub-Event"] = "tampered";
		expect(d.delivery(copy.id)).toMatchObject({ status: "delivered", requestHeaders: { "X-GitHub-Event": "ping" } });
		d.clear();
		expect(d.deliveries()).toEqual([]);
		expect(d.delivery(copy.id)).toBeUndefined();
	});
});
