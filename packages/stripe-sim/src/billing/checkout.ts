// Checkout in subscription mode: a session is created open with a hosted URL; completing it (what
// the customer's browser and card do on Stripe's page) creates the customer if needed, a card, the
// subscription and its first invoice, and emits the events Stripe sends.
import { SimError } from "../control/errors.ts";
import { invalid, noSuch } from "../http/errors.ts";
import type { Sim } from "../sim.ts";
import { addInterval, newId } from "../state/ids.ts";
import type { CheckoutSession, Customer, LineItem, Metadata, Origin, PaymentMethod, Subscription, SubscriptionItem } from "../state/types.ts";
import { createInvoice, failInvoice, payInvoice } from "./invoices.ts";

export interface CheckoutInput {
	mode: CheckoutSession["mode"];
	customer?: string;
	customer_email?: string;
	line_items: LineItem[];
	success_url?: string;
	cancel_url?: string;
	client_reference_id?: string;
	metadata: Metadata;
	subscriptionMetadata: Metadata;
}

const SESSION_LIFETIME_SECONDS = 24 * 3600;

export function createCheckoutSession(sim: Sim, input: CheckoutInput): CheckoutSession {
	if (input.mode !== "subscription") throw invalid("The simulator supports only `mode=subscription`.", { param: "mode" });
	if (input.customer && !sim.store.customers.has(input.customer)) throw noSuch("cus", input.customer, "customer");
	if (input.line_items.length === 0) throw invalid("Missing required param: line_items.", { param: "line_items", code: "parameter_missing" });
	let amount = 0;
	let currency: string | null = null;
	input.line_items.forEach((line, i) => {
		const price = sim.store.prices.get(line.price);
		if (!price) throw noSuch("price", line.price, `line_items[${i}][price]`);
		if (!price.recurring) throw invalid("You must provide at least one recurring price in `subscription` mode when using prices.", { param: `line_items[${i}][price]` });
		const metered = price.recurring.usage_type === "metered";
		if (metered && line.quantity !== undefined) {
			throw invalid(`Quantity should not be specified where usage_type is \`metered\`. Remove quantity from \`line_items[${i}]\`.`, { param: `line_items[${i}][quantity]` });
		}
		if (!metered && line.quantity === undefined) throw invalid(`Missing required param: line_items[${i}][quantity].`, { param: `line_items[${i}][quantity]`, code: "parameter_missing" });
		if (currency && price.currency !== currency) throw invalid("All prices must be in the same currency.", { param: `line_items[${i}][price]` });
		currency = price.currency;
		if (!metered) amount += (price.unit_amount ?? 0) * (line.quantity ?? 1);
	});
	const now = sim.now();
	const id = newId("cs_test", 58);
	const session: CheckoutSession = {
		id,
		object: "checkout.session",
		created: now,
		livemode: false,
		mode: input.mode,
		status: "open",
		payment_status: "unpaid",
		customer: input.customer ?? null,
		customer_email: input.customer_email ?? null,
		client_reference_id: input.client_reference_id ?? null,
		success_url: input.success_url ?? null,
		cancel_url: input.cancel_url ?? null,
		url: sim.page("checkout", id),
		metadata: input.metadata,
		subscription: null,
		invoice: null,
		currency,
		amount_subtotal: amount,
		amount_total: amount,
		expires_at: now + SESSION_LIFETIME_SECONDS,
	};
	sim.store.checkoutSessions.set(id, session);
	sim.store.checkoutDetails.set(id, { lineItems: input.line_items, subscriptionMetadata: input.subscriptionMetadata });
	return session;
}

function ensureCustomer(sim: Sim, session: CheckoutSession, origin: Origin): Customer {
	const existing = session.customer ? sim.store.customers.get(session.customer) : undefined;
	if (existing) return existing;
	const customer: Customer = {
		id: newId("cus", 14),
		object: "customer",
		created: sim.now(),
		livemode: false,
		email: session.customer_email ?? "customer@example.com",
		name: null,
		description: null,
		metadata: {},
		invoice_settings: { default_payment_method: null, custom_fields: null, footer: null, rendering_options: null },
		delinquent: false,
		currency: null,
	};
	sim.store.customers.set(customer.id, customer);
	sim.emit("customer.created", customer, origin);
	return customer;
}

function newCard(sim: Sim, customer: Customer): PaymentMethod {
	const pm: PaymentMethod = {
		id: newId("pm"),
		object: "payment_method",
		created: sim.now(),
		livemode: false,
		type: "card",
		customer: customer.id,
		card: { brand: "visa", last4: "4242", exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, funding: "credit", country: "US" },
		billing_details: { email: customer.email, name: customer.name },
		metadata: {},
	};
	sim.store.paymentMethods.set(pm.id, pm);
	return pm;
}

/**
 * The customer completes the hosted page. With `fail`, the first charge is declined: the session
 * still completes (payment_status unpaid), the subscription is `incomplete` with an open invoice.
 */
export function completeCheckout(sim: Sim, session: CheckoutSession, opts: { fail?: boolean }, origin: Origin): Subscription {
	if (session.status !== "open") throw new SimError(409, `checkout session ${session.id} is ${session.status}`);
	const details = sim.store.checkoutDetails.get(session.id);
	if (!details) throw new SimError(404, `no line items for ${session.id}`);
	const customer = ensureCustomer(sim, session, origin);
	const pm = newCard(sim, customer);
	const now = sim.now();
	const subId = newId("sub");
	const items: SubscriptionItem[] = details.lineItems.map((line) => {
		const price = sim.store.prices.get(line.price);
		if (!price?.recurring) throw new SimError(409, `price ${line.price} is gone`);
		const end = addInterval(now, price.recurring.interval, price.recurring.interval_count);
		return {
			id: newId("si", 14),
			object: "subscription_item",
			created: now,
			livemode: false,
			subscription: subId,
			price: structuredClone(price),
			...(line.quantity !== undefined ? { quantity: line.quantity } : {}),
			metadata: {},
			current_period_start: now,
			current_period_end: end,
		};
	});
	const first = items[0];
	if (!first) throw new SimError(409, `checkout session ${session.id} has no line items`);
	const sub: Subscription = {
		id: subId,
		object: "subscription",
		created: now,
		livemode: false,
		status: "incomplete",
		customer: customer.id,
		currency: first.price.currency,
		collection_method: "charge_automatically",
		billing_cycle_anchor: now,
		start_date: now,
		current_period_start: now,
		current_period_end: first.current_period_end,
		cancel_at_period_end: false,
		cancel_at: null,
		canceled_at: null,
		ended_at: null,
		cancellation_details: { comment: null, feedback: null, reason: null },
		default_payment_method: pm.id,
		description: null,
		discounts: [],
		items: { object: "list", data: items, has_more: false, total_count: items.length, url: `/v1/subscription_items?subscription=${subId}` },
		latest_invoice: null,
		metadata: { ...details.subscriptionMetadata },
		trial_start: null,
		trial_end: null,
	};
	sim.store.subscriptions.set(sub.id, sub);
	const invoice = createInvoice(sim, sub, "subscription_create", { start: now, end: sub.current_period_end }, null);
	if (!opts.fail) sub.status = "active";
	Object.assign(session, { status: "complete", payment_status: opts.fail ? "unpaid" : "paid", customer: customer.id, subscription: sub.id, invoice: invoice.id, url: null });
	sim.emit("checkout.session.completed", session, origin);
	sim.emit("customer.subscription.created", sub, origin);
	if (opts.fail) failInvoice(sim, invoice, origin);
	else payInvoice(sim, invoice, origin);
	return sub;
}
