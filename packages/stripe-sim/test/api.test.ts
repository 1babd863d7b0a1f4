// Stripe's wire protocol through the real `stripe` SDK (and plain fetch where the SDK hides the
// bytes): API keys, error shapes, parameter checks, idempotent replays, expansion, lists, usage.
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningStripeSim, startStripeSim } from "./sim-harness.ts";

let sim: RunningStripeSim;
let stripe: Stripe;
const client = (key: string) => new Stripe(key, { ...sim.stripeOptions, maxNetworkRetries: 0, telemetry: false });

beforeAll(async () => {
	sim = await startStripeSim();
	stripe = client("sk_test_x");
});
afterAll(() => sim?.stop());

const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as Stripe.errors.StripeError);

describe("API keys", () => {
	it("accepts any sk_test_ key and refuses others with 401", async () => {
		expect((await client("sk_test_anything").prices.retrieve("price_team_monthly")).unit_amount).toBe(2000);
		const live = await failure(client("sk_live_abcdefgh1234").customers.create());
		expect(live).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
		expect(live).toMatchObject({ statusCode: 401, type: "StripeAuthenticationError", message: expect.stringMatching(/^Invalid API Key provided: sk_live_\*+1234$/) });
		const none = await fetch(`${sim.url}/v1/customers`);
		expect(none.status).toBe(401);
		expect(await none.json()).toEqual({ error: { type: "invalid_request_error", message: expect.stringMatching(/^You did not provide an API key/) } });
		const basic = await fetch(`${sim.url}/v1/prices/price_agent_minutes`, { headers: { authorization: `Basic ${Buffer.from("sk_test_x:").toString("base64")}` } });
		expect(basic.status).toBe(200);
	});
});

describe("errors", () => {
	it("404s with Stripe's shape for a missing object and an unknown URL", async () => {
		const missing = await failure(stripe.customers.retrieve("cus_nope"));
		expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
		expect(missing).toMatchObject({ statusCode: 404, code: "resource_missing", param: "id", message: "No such customer: 'cus_nope'", requestId: expect.stringMatching(/^req_/) });
		const res = await fetch(`${sim.url}/v1/subscriptions/sub_nope`, { headers: { authorization: "Bearer sk_test_x" } });
		expect(res.status).toBe(404);
		expect(await res.json()).toMatchObject({ error: { type: "invalid_request_error", code: "resource_missing", message: "No such subscription: 'sub_nope'" } });
		const unknown = await fetch(`${sim.url}/v1/widgets`, { method: "POST", headers: { authorization: "Bearer sk_test_x" } });
		expect(unknown.status).toBe(404);
		expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/^Unrecognized request URL \(POST: \/v1\/widgets\)/);
	});

	it("names the parameter that is unknown, missing or malformed", async () => {
		const unknown = await failure(stripe.customers.create({ emial: "x@example.com" } as Stripe.CustomerCreateParams));
		expect(unknown).toMatchObject({ statusCode: 400, code: "parameter_unknown", param: "emial", message: "Received unknown parameter: emial" });
		const missing = await failure(stripe.checkout.sessions.create({ mode: "subscription", line_items: [{ quantity: 1 }] } as Stripe.Checkout.SessionCreateParams));
		expect(missing).toMatchObject({ code: "parameter_missing", param: "line_items[0][price]" });
		const res = await fetch(`${sim.url}/v1/checkout/sessions`, { method: "POST", headers: { authorization: "Bearer sk_test_x" }, body: new URLSearchParams({ mode: "subscription", "line_items[0][price]": "price_team_monthly", "line_items[0][quantity]": "two" }) });
		expect(await res.json()).toMatchObject({ error: { code: "parameter_invalid_integer", param: "line_items[0][quantity]", message: "Invalid integer: two" } });
		const price = await failure(stripe.checkout.sessions.create({ mode: "subscription", line_items: [{ price: "price_gone", quantity: 1 }] }));
		expect(price).toMatchObject({ statusCode: 404, param: "line_items[0][price]" });
	});
});

describe("idempotency", () => {
	it("replays the first response for the same key and refuses the key with other parameters", async () => {
		const first = await stripe.customers.create({ email: "once@example.com" }, { idempotencyKey: "create-once" });
		const second = await stripe.customers.create({ email: "once@example.com" }, { idempotencyKey: "create-once" });
		expect(second.id).toBe(first.id);
		expect(second.lastResponse.headers["idempotent-replayed"]).toBe("true");
		expect((await stripe.customers.list({ email: "once@example.com" })).data).toHaveLength(1);
		const other = await failure(stripe.customers.create({ email: "twice@example.com" }, { idempotencyKey: "create-once" }));
		expect(other).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
		expect(other?.message).toMatch(/same parameters/);
	});

	it("saves nothing for a request refused during validation", async () => {
		await failure(stripe.customers.create({ bogus: "1" } as Stripe.CustomerCreateParams, { idempotencyKey: "fix-and-retry" }));
		const fixed = await stripe.customers.create({ email: "fixed@example.com" }, { idempotencyKey: "fix-and-retry" });
		expect(fixed.email).toBe("fixed@example.com");
	});
});

describe("customers, prices and expansion", () => {
	it("updates metadata (an empty value unsets a key) and email", async () => {
		const c = await stripe.customers.create({ email: "a@example.com", metadata: { org: "acme", plan: "team" } });
		const u = await stripe.customers.update(c.id, { email: "b@example.com", metadata: { plan: "", seats: "3" } });
		expect(u).toMatchObject({ email: "b@example.com", metadata: { org: "acme", seats: "3" } });
		expect((await stripe.customers.retrieve(c.id)) as Stripe.Customer).toMatchObject({ metadata: { org: "acme", seats: "3" } });
	});

	it("creates prices on a new product, finds them by lookup key and expands their product", async () => {
		const created = await stripe.prices.create({ currency: "usd", unit_amount: 500, recurring: { interval: "month" }, product_data: { name: "Extra" }, lookup_key: "extra" });
		expect(created).toMatchObject({ object: "price", type: "recurring", unit_amount: 500, recurring: { usage_type: "licensed", interval_count: 1 } });
		const found = await stripe.prices.list({ lookup_keys: ["extra", "team_monthly"], expand: ["data.product"] });
		expect(found.data.map((p) => [p.id, (p.product as Stripe.Product).object])).toEqual([
			[created.id, "product"],
			["price_team_monthly", "product"],
		]);
		const metered = await stripe.prices.retrieve("price_agent_minutes");
		expect(metered.recurring).toMatchObject({ usage_type: "metered", meter: "meter_agent_minutes" });
		const bad = await failure(stripe.prices.retrieve("price_team_monthly", { expand: ["nickname"] }));
		expect(bad?.message).toBe("This property cannot be expanded (nickname).");
	});

	it("pages lists with starting_after and has_more", async () => {
		const ids: string[] = [];
		for (let i = 0; i < 3; i++) ids.push((await stripe.customers.create({ email: "page@example.com" })).id);
		const first = await stripe.customers.list({ email: "page@example.com", limit: 2 });
		expect(first).toMatchObject({ object: "list", has_more: true, url: "/v1/customers" });
		expect(first.data.map((c) => c.id)).toEqual([ids[2], ids[1]]);
		const next = await stripe.customers.list({ email: "page@example.com", limit: 2, starting_after: ids[1] });
		expect(next.data.map((c) => c.id)).toEqual([ids[0]]);
		expect(next.has_more).toBe(false);
	});
});

describe("usage", () => {
	it("refuses a repeated meter event identifier; the same request under one idempotency key replays", async () => {
		const customer = await stripe.customers.create();
		const params = { event_name: "agent_minutes", identifier: "run-1", payload: { stripe_customer_id: customer.id, value: "7" } };
		const event = await stripe.billing.meterEvents.create(params, { idempotencyKey: "meter-run-1" });
		expect(event).toMatchObject({ object: "billing.meter_event", identifier: "run-1", payload: { value: "7" } });
		const replay = await stripe.billing.meterEvents.create(params, { idempotencyKey: "meter-run-1" });
		expect(replay.lastResponse.headers["idempotent-replayed"]).toBe("true");
		const dup = await failure(stripe.billing.meterEvents.create(params));
		expect(dup).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
		expect(dup).toMatchObject({ statusCode: 400, message: "An event already exists with identifier run-1." });
		await stripe.billing.meterEvents.create({ event_name: "agent_minutes", payload: { stripe_customer_id: "cus_unknown", value: "1" } });
		await stripe.billing.meterEvents.create({ event_name: "nobody_meters_this", payload: { stripe_customer_id: customer.id, value: "1" } });
		const logged = await sim.meterEvents();
		expect(logged.map((e) => [e.identifier === "run-1", e.value, e.error])).toEqual([
			[true, 7, null],
			[false, 1, "meter_event_customer_not_found"],
			[false, 1, "no_meter"],
		]);
	});

	it("records legacy usage records once per idempotency key", async () => {
		const price = await stripe.prices.create({ currency: "usd", unit_amount: 1, recurring: { interval: "month", usage_type: "metered" }, product: "prod_agent_minutes" });
		const customer = await stripe.customers.create();
		const session = await stripe.checkout.sessions.create({ mode: "subscription", customer: customer.id, line_items: [{ price: price.id }], success_url: "http://app.test/ok" });
		const { subscription } = await sim.completeCheckout(session.id);
		const itemId = subscription.items.data[0]?.id ?? "";
		const path = `/v1/subscription_items/${itemId}/usage_records`;
		const record = await stripe.rawRequest("POST", path, { quantity: 4, timestamp: "now", action: "increment" }, { idempotencyKey: "usage-1" });
		const again = await stripe.rawRequest("POST", path, { quantity: 4, timestamp: "now", action: "increment" }, { idempotencyKey: "usage-1" });
		expect(again.id).toBe(record.id);
		const state = await sim.state();
		expect((state.usageRecords as Array<{ subscription_item: string }>).filter((r) => r.subscription_item === itemId)).toHaveLength(1);
		const licensed = await failure(stripe.rawRequest("POST", "/v1/subscription_items/si_missing/usage_records", { quantity: 1 }));
		expect(licensed?.statusCode).toBe(404);
	});
});

describe("process", () => {
	it("exits 1 on a bad port and takes the webhook endpoint from flags", async () => {
		await expect(startStripeSim(["--port", "nope"])).rejects.toThrow(/exited 1/);
		const other = await startStripeSim(["--webhook-url", "http://127.0.0.1:9/hook", "--webhook-secret", "whsec_flag"]);
		try {
			expect((await other.state()).webhook).toMatchObject({ url: "http://127.0.0.1:9/hook", secret: "whsec_flag" });
		} finally {
			await other.stop();
		}
	});
});
