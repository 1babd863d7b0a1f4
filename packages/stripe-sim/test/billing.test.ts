// Subscription billing end to end through the real `stripe` SDK: checkout → completion → signed
// webhooks, subscription changes and their events, failed and recovered payments, renewals
// that bill metered usage, invoices.
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_WEBHOOK_SECRET, type RunningStripeSim, startStripeSim, startWebhookReceiver, type WebhookReceiver } from "./sim-harness.ts";

let sim: RunningStripeSim;
let rx: WebhookReceiver;
let stripe: Stripe;

beforeAll(async () => {
	[sim, rx] = await Promise.all([startStripeSim(), startWebhookReceiver()]);
	stripe = new Stripe("sk_test_x", { ...sim.stripeOptions, maxNetworkRetries: 0, telemetry: false });
	await sim.setWebhook(rx.url);
});
afterAll(async () => {
	await sim?.stop();
	await rx?.close();
});
/** Waits for the deliveries under way, then forgets them. */
async function fresh(): Promise<void> {
	await sim.idle();
	rx.received.length = 0;
}
beforeEach(fresh);

/** Every delivery so far, verified with the SDK, as [type, event]. */
async function verifiedEvents(): Promise<Stripe.Event[]> {
	await sim.idle();
	return rx.received.map((r) => stripe.webhooks.constructEvent(r.body, r.signature, DEFAULT_WEBHOOK_SECRET));
}

async function subscribe(opts: { seats?: number; fail?: boolean } = {}) {
	const customer = await stripe.customers.create({ email: "ada@example.com", metadata: { org: "acme" } });
	const session = await stripe.checkout.sessions.create({
		mode: "subscription",
		customer: customer.id,
		line_items: [{ price: "price_team_monthly", quantity: opts.seats ?? 3 }, { price: "price_agent_minutes" }],
		success_url: "http://app.test/billing/success?session={CHECKOUT_SESSION_ID}",
		cancel_url: "http://app.test/billing",
		client_reference_id: "org_acme",
		metadata: { org: "acme" },
		subscription_data: { metadata: { org: "acme" } },
	});
	const done = await sim.completeCheckout(session.id, { fail: opts.fail });
	return { customer, session, subscription: done.subscription };
}

describe("checkout", () => {
	it("creates an open session with a hosted URL, completes it, and delivers verifiable events", async () => {
		const customer = await stripe.customers.create({ email: "ada@example.com" });
		const session = await stripe.checkout.sessions.create({
			mode: "subscription",
			customer: customer.id,
			line_items: [{ price: "price_team_monthly", quantity: 3 }, { price: "price_agent_minutes" }],
			success_url: "http://app.test/ok",
			cancel_url: "http://app.test/cancel",
			client_reference_id: "org_acme",
			metadata: { org: "acme" },
			subscription_data: { metadata: { org: "acme" } },
		});
		expect(session).toMatchObject({ object: "checkout.session", status: "open", mode: "subscription", customer: customer.id, client_reference_id: "org_acme", amount_total: 6000, livemode: false, subscription: null });
		expect(session.url).toBe(`${sim.url}/_sim/checkout/${session.id}`);
		const page = await fetch(session.url ?? "");
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('data-price="price_team_monthly"');

		await sim.completeCheckout(session.id);
		const events = await verifiedEvents();
		const types = events.map((e) => e.type);
		expect(types).toEqual(expect.arrayContaining(["checkout.session.completed", "customer.subscription.created", "invoice.paid"]));
		expect(types.indexOf("checkout.session.completed")).toBeLessThan(types.indexOf("invoice.paid"));
		const completed = events.find((e) => e.type === "checkout.session.completed");
		expect(completed?.data.object).toMatchObject({ id: session.id, status: "complete", payment_status: "paid", client_reference_id: "org_acme", metadata: { org: "acme" } });
		expect(completed?.api_version).toBe("2026-10-28.endive");
		expect(completed?.id).toMatch(/^evt_/);

		const again = await stripe.checkout.sessions.retrieve(session.id, { expand: ["subscription", "line_items"] });
		const sub = again.subscription as Stripe.Subscription;
		expect(sub).toMatchObject({ object: "subscription", status: "active", customer: customer.id, metadata: { org: "acme" }, cancel_at_period_end: false });
		expect(sub.items.data.map((i) => [i.price.id, i.quantity])).toEqual([
			["price_team_monthly", 3],
			["price_agent_minutes", undefined],
		]);
		expect(again.line_items?.data.map((l) => l.quantity)).toEqual([3, null]);
		await expect(sim.completeCheckout(session.id)).rejects.toThrow(/409/);
	});

	it("retrieves the subscription with its card expanded and the period on its items", async () => {
		const { subscription } = await subscribe();
		const sub = await stripe.subscriptions.retrieve(subscription.id, { expand: ["default_payment_method", "latest_invoice"] });
		const pm = sub.default_payment_method as Stripe.PaymentMethod;
		expect(pm.card).toMatchObject({ brand: "visa", last4: "4242" });
		const item = sub.items.data[0];
		expect(item?.current_period_end).toBeGreaterThan(item?.current_period_start ?? Number.POSITIVE_INFINITY);
		expect((sub.latest_invoice as Stripe.Invoice).status).toBe("paid");
		const portal = await stripe.billingPortal.sessions.create({ customer: sub.customer as string, return_url: "http://app.test/settings" });
		expect(portal).toMatchObject({ object: "billing_portal.session", return_url: "http://app.test/settings" });
		expect(await (await fetch(portal.url)).text()).toContain(sub.id);
	});

	it("a declined first charge leaves the subscription incomplete until it is paid", async () => {
		const { subscription } = await subscribe({ fail: true });
		expect(subscription.status).toBe("incomplete");
		expect((await verifiedEvents()).map((e) => e.type)).toEqual(expect.arrayContaining(["checkout.session.completed", "customer.subscription.created", "invoice.payment_failed"]));
		await fresh();
		await sim.pay(subscription.id);
		expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
		const events = await verifiedEvents();
		expect(events.map((e) => e.type)).toEqual(["invoice.paid", "invoice.payment_succeeded", "customer.subscription.updated"]);
		expect(events[2]?.data.previous_attributes).toMatchObject({ status: "incomplete" });
	});
});

describe("subscription changes", () => {
	it("cancel at period end, resume, cancel again, then the period ends", async () => {
		const { subscription } = await subscribe();
		await fresh();
		const canceling = await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
		expect(canceling).toMatchObject({ cancel_at_period_end: true, status: "active", cancel_at: subscription.current_period_end });
		const resumed = await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: false });
		expect(resumed).toMatchObject({ cancel_at_period_end: false, cancel_at: null });
		await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
		await sim.advance(subscription.id);
		const ended = await stripe.subscriptions.retrieve(subscription.id);
		expect(ended).toMatchObject({ status: "canceled", ended_at: subscription.current_period_end });
		const events = await verifiedEvents();
		expect(events.map((e) => e.type)).toEqual(["customer.subscription.updated", "customer.subscription.updated", "customer.subscription.updated", "customer.subscription.deleted"]);
		expect(events[0]?.data.previous_attributes).toMatchObject({ cancel_at_period_end: false });
		expect(events[0]?.request?.id).toMatch(/^req_/);
		await expect(sim.advance(subscription.id)).rejects.toThrow(/400/);
	});

	it("changes seats with items[0][id] and refuses a quantity on a metered item", async () => {
		const { subscription } = await subscribe({ seats: 2 });
		await fresh();
		const [seats, metered] = subscription.items.data;
		const updated = await stripe.subscriptions.update(subscription.id, { items: [{ id: seats?.id, quantity: 5 }], proration_behavior: "create_prorations" });
		expect(updated.items.data.find((i) => i.id === seats?.id)?.quantity).toBe(5);
		const [event] = await verifiedEvents();
		expect(event?.type).toBe("customer.subscription.updated");
		const previous = event?.data.previous_attributes as { items: { data: Array<{ quantity?: number }> } };
		expect(previous.items.data[0]?.quantity).toBe(2);

		const refused = await stripe.subscriptions.update(subscription.id, { items: [{ id: metered?.id, quantity: 1 }] }).catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
		expect((refused as Stripe.errors.StripeError).param).toBe("items[0][quantity]");
		expect((await stripe.subscriptions.retrieve(subscription.id)).items.data.find((i) => i.id === seats?.id)?.quantity).toBe(5);
	});

	it("deletes a subscription at once; a canceled one refuses changes", async () => {
		const { subscription } = await subscribe();
		await fresh();
		const deleted = await stripe.subscriptions.cancel(subscription.id);
		expect(deleted).toMatchObject({ status: "canceled", cancellation_details: { reason: "cancellation_requested" } });
		expect((await verifiedEvents()).map((e) => e.type)).toEqual(["customer.subscription.deleted"]);
		await expect(stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true })).rejects.toThrow(/canceled subscription/);
		const list = await stripe.subscriptions.list({ customer: subscription.customer as string });
		expect(list.data).toEqual([]);
		expect((await stripe.subscriptions.list({ customer: subscription.customer as string, status: "all" })).data.map((s) => s.id)).toEqual([subscription.id]);
	});
});

describe("payments and invoices", () => {
	it("a failed renewal makes the subscription past_due; paying makes it active again", async () => {
		const { subscription, customer } = await subscribe();
		await fresh();
		const failed = await sim.failPayment(subscription.id);
		expect(failed.subscription.status).toBe("past_due");
		expect(failed.invoice).toMatchObject({ status: "open", attempt_count: 1, billing_reason: "subscription_cycle" });
		const events = await verifiedEvents();
		expect(events.map((e) => e.type)).toEqual(["invoice.payment_failed", "customer.subscription.updated"]);
		expect(events[1]?.data.previous_attributes).toMatchObject({ status: "active" });
		expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("past_due");

		await sim.failPayment(subscription.id);
		expect((await stripe.invoices.retrieve(failed.invoice?.id ?? "")).attempt_count).toBe(2);
		await sim.pay(subscription.id);
		expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");

		const invoices = await stripe.invoices.list({ customer: customer.id, limit: 1 });
		expect(invoices).toMatchObject({ object: "list", has_more: true, url: "/v1/invoices" });
		const [latest] = invoices.data;
		expect(latest).toMatchObject({ status: "paid", amount_due: 6000, amount_paid: 6000, parent: { subscription_details: { subscription: subscription.id } } });
		expect(latest?.period_start).toBe(subscription.current_period_end);
		const rest = await stripe.invoices.list({ customer: customer.id, starting_after: latest?.id });
		expect(rest.data.map((i) => i.billing_reason)).toEqual(["subscription_create"]);
		expect((await fetch(latest?.hosted_invoice_url ?? "")).status).toBe(200);
	});

	it("a renewal bills the ended period's metered usage in arrears", async () => {
		const { subscription, customer } = await subscribe({ seats: 2 });
		for (const [i, value] of [10, 20].entries()) {
			await stripe.billing.meterEvents.create({ event_name: "agent_minutes", identifier: `${subscription.id}-${i}`, payload: { stripe_customer_id: customer.id, value: String(value) } });
		}
		const renewed = await sim.advance(subscription.id);
		expect(renewed.subscription.current_period_start).toBe(subscription.current_period_end);
		const lines = renewed.invoice?.lines.data.map((l) => [l.pricing.price_details.price, l.quantity, l.amount]);
		expect(lines).toEqual([
			["price_team_monthly", 2, 4000],
			["price_agent_minutes", 30, 60],
		]);
		expect(renewed.invoice).toMatchObject({ status: "paid", amount_paid: 4060 });
	});
});
