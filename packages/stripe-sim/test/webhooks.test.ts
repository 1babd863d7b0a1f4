// Webhook deliveries against a real local receiver, verified with the SDK's constructEvent:
// signatures (valid, bad, stale), ordering, retries on non-2xx, redelivery of the same event.
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_WEBHOOK_SECRET, type RunningStripeSim, startStripeSim, startWebhookReceiver, type WebhookReceiver } from "./sim-harness.ts";

let sim: RunningStripeSim;
let rx: WebhookReceiver;
let stripe: Stripe;

beforeAll(async () => {
	[sim, rx] = await Promise.all([startStripeSim(), startWebhookReceiver()]);
	stripe = new Stripe("sk_test_x", { ...sim.stripeOptions, maxNetworkRetries: 0, telemetry: false });
});
afterAll(async () => {
	await sim?.stop();
	await rx?.close();
});
beforeEach(async () => {
	await sim.setWebhook(rx.url, { secret: DEFAULT_WEBHOOK_SECRET, retries: 3, retryDelayMs: 10 });
	await sim.reset();
	rx.received.length = 0;
	rx.respond(() => 200);
});

const send = (body: { type: string; object: Record<string, unknown>; signature?: "bad" | "stale" }) => sim.call<{ event: { id: string } }>("POST", "/send", body);

describe("signatures", () => {
	it("signs with t=…,v1=… over the raw body; bad and stale signatures fail constructEvent", async () => {
		await send({ type: "customer.updated", object: { id: "cus_1", object: "customer" } });
		await send({ type: "customer.updated", object: { id: "cus_2", object: "customer" }, signature: "bad" });
		await send({ type: "customer.updated", object: { id: "cus_3", object: "customer" }, signature: "stale" });
		await sim.idle();
		const [good, bad, stale] = rx.received;
		expect(good?.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
		expect(good?.headers["content-type"]).toBe("application/json; charset=utf-8");
		expect(good?.headers["user-agent"]).toMatch(/^Stripe\/1\.0/);
		const event = stripe.webhooks.constructEvent(good?.body ?? "", good?.signature ?? "", DEFAULT_WEBHOOK_SECRET);
		expect(event).toMatchObject({ type: "customer.updated", object: "event", livemode: false, data: { object: { id: "cus_1" } } });
		expect(() => stripe.webhooks.constructEvent(good?.body ?? "", good?.signature ?? "", "whsec_other")).toThrow(/signature/i);
		expect(() => stripe.webhooks.constructEvent(bad?.body ?? "", bad?.signature ?? "", DEFAULT_WEBHOOK_SECRET)).toThrow(/signature/i);
		expect(() => stripe.webhooks.constructEvent(stale?.body ?? "", stale?.signature ?? "", DEFAULT_WEBHOOK_SECRET)).toThrow(/tolerance/i);
		// The stale one is correctly signed, only old: with the tolerance check off it verifies.
		expect(stripe.webhooks.constructEvent(stale?.body ?? "", stale?.signature ?? "", DEFAULT_WEBHOOK_SECRET, 0).data.object).toMatchObject({ id: "cus_3" });
	});

	it("uses the configured secret and API version", async () => {
		await sim.setWebhook(rx.url, { secret: "whsec_custom", apiVersion: "2025-03-31.basil" });
		try {
			await stripe.customers.create({ email: "x@example.com" });
			await sim.idle();
			const [r] = rx.received;
			expect(stripe.webhooks.constructEvent(r?.body ?? "", r?.signature ?? "", "whsec_custom")).toMatchObject({ type: "customer.created", api_version: "2025-03-31.basil" });
		} finally {
			await sim.setWebhook(rx.url, { apiVersion: "2026-10-28.endive" });
		}
	});
});

describe("delivery", () => {
	it("delivers in emit order and logs each delivery", async () => {
		for (let n = 0; n < 5; n++) await send({ type: "test.ordered", object: { id: `obj_${n}`, n } });
		const log = await sim.idle();
		expect(rx.received.map((r) => r.event.data.object.n)).toEqual([0, 1, 2, 3, 4]);
		expect(log.map((d) => [d.type, d.status, d.attempts])).toEqual(Array(5).fill(["test.ordered", "delivered", 1]));
		expect(log[0]).toMatchObject({ id: expect.stringMatching(/^dlv_/), eventId: expect.stringMatching(/^evt_/), statusCode: 200, url: rx.url });
	});

	it("retries a non-2xx answer, then gives up after the configured retries", async () => {
		rx.respond((n) => (n < 2 ? 500 : 200));
		await send({ type: "test.retried", object: { id: "obj_r" } });
		let [delivery] = await sim.idle();
		expect(delivery).toMatchObject({ status: "delivered", attempts: 3, statusCode: 200, error: null });
		expect(new Set(rx.received.map((r) => r.event.id)).size).toBe(1);

		rx.received.length = 0;
		rx.respond(() => 503);
		await sim.setWebhook(rx.url, { retries: 1 });
		await send({ type: "test.refused", object: { id: "obj_f" } });
		delivery = (await sim.idle()).find((d) => d.type === "test.refused");
		expect(delivery).toMatchObject({ status: "failed", attempts: 2, statusCode: 503, error: "HTTP 503" });
		expect(rx.received).toHaveLength(2);
	});

	it("records a receiver that is down as failed, without stopping the queue", async () => {
		await sim.setWebhook("http://127.0.0.1:9/nothing-listens", { retries: 0 });
		await send({ type: "test.down", object: { id: "obj_d" } });
		const [down] = await sim.idle();
		expect(down).toMatchObject({ status: "failed", attempts: 1, statusCode: null });
		expect(down?.error).toBeTruthy();
	});

	it("redelivers the same event (same id, same body) for dedupe tests", async () => {
		const { event } = await send({ type: "invoice.paid", object: { id: "in_1", object: "invoice" } });
		const [first] = await sim.idle();
		const res = await sim.control("POST", `/deliveries/${first?.id}/redeliver`);
		expect(res.status).toBe(202);
		const log = await sim.idle();
		expect(log.map((d) => [d.eventId, d.redelivery])).toEqual([
			[event.id, false],
			[event.id, true],
		]);
		const [a, b] = rx.received;
		expect(b?.body).toBe(a?.body);
		expect(stripe.webhooks.constructEvent(b?.body ?? "", b?.signature ?? "", DEFAULT_WEBHOOK_SECRET).id).toBe(event.id);
		expect((await sim.control("POST", "/deliveries/dlv_nope/redeliver")).status).toBe(404);
	});

	it("keeps events retrievable through the API even without an endpoint", async () => {
		await sim.setWebhook(null);
		const customer = await stripe.customers.create({ email: "quiet@example.com" });
		expect(await sim.deliveries()).toEqual([]);
		const events = await stripe.events.list({ type: "customer.created", limit: 1 });
		expect(events.data[0]?.data.object).toMatchObject({ id: customer.id });
		expect((await stripe.events.retrieve(events.data[0]?.id ?? "")).pending_webhooks).toBe(0);
		expect((await sim.control("POST", "/send", { type: "x.y", object: {} })).status).toBe(409);
	});
});
