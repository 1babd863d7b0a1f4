// Subscription invoices: licensed items billed in advance for the period, metered items in arrears
// for the usage window; paying or failing one moves its status the way Stripe does.
import type { Sim } from "../sim.ts";
import { newId } from "../state/ids.ts";
import type { Invoice, InvoiceLine, Origin, Subscription } from "../state/types.ts";
import { usageOf } from "./usage.ts";

const RETRY_SECONDS = 3 * 86_400;

export function createInvoice(
	sim: Sim,
	sub: Subscription,
	reason: Invoice["billing_reason"],
	period: { start: number; end: number },
	usageWindow: { start: number; end: number } | null,
): Invoice {
	const now = sim.now();
	const id = newId("in");
	const lines: InvoiceLine[] = sub.items.data.map((item) => {
		const metered = item.price.recurring?.usage_type === "metered";
		const window = metered ? (usageWindow ?? { start: period.start, end: period.start }) : period;
		const quantity = metered ? usageOf(sim, sub.customer, item, window.start, window.end) : (item.quantity ?? 1);
		const unit = Number(item.price.unit_amount_decimal ?? item.price.unit_amount ?? 0);
		return {
			id: newId("il"),
			object: "line_item",
			amount: Math.round(unit * quantity),
			currency: item.price.currency,
			description: `${quantity} × ${item.price.nickname ?? item.price.id}`,
			livemode: false,
			quantity,
			period: { start: window.start, end: window.end },
			pricing: { type: "price_details", price_details: { price: item.price.id, product: item.price.product }, unit_amount_decimal: item.price.unit_amount_decimal },
			subscription: sub.id,
			metadata: {},
		};
	});
	const total = lines.reduce((sum, l) => sum + l.amount, 0);
	sim.store.invoiceCounter += 1;
	const invoice: Invoice = {
		id,
		object: "invoice",
		created: now,
		livemode: false,
		status: "open",
		customer: sub.customer,
		subscription: sub.id,
		parent: { type: "subscription_details", quote_details: null, subscription_details: { subscription: sub.id, metadata: { ...sub.metadata } } },
		billing_reason: reason,
		collection_method: "charge_automatically",
		currency: sub.currency,
		amount_due: total,
		amount_paid: 0,
		amount_remaining: total,
		subtotal: total,
		total,
		attempt_count: 0,
		attempted: false,
		next_payment_attempt: null,
		hosted_invoice_url: sim.page("invoices", id),
		invoice_pdf: `${sim.page("invoices", id)}/pdf`,
		number: `SIM-${String(sim.store.invoiceCounter).padStart(4, "0")}`,
		period_start: period.start,
		period_end: period.end,
		lines: { object: "list", data: lines, has_more: false, total_count: lines.length, url: `/v1/invoices/${id}/lines` },
		status_transitions: { finalized_at: now, paid_at: null, voided_at: null, marked_uncollectible_at: null },
		metadata: {},
	};
	sim.store.invoices.set(id, invoice);
	sub.latest_invoice = id;
	return invoice;
}

/** Marks an invoice paid and emits invoice.paid and invoice.payment_succeeded. */
export function payInvoice(sim: Sim, invoice: Invoice, origin: Origin): void {
	invoice.status = "paid";
	invoice.attempted = true;
	invoice.attempt_count += 1;
	invoice.amount_paid = invoice.amount_due;
	invoice.amount_remaining = 0;
	invoice.next_payment_attempt = null;
	invoice.status_transitions.paid_at = sim.now();
	sim.emit("invoice.paid", invoice, origin);
	sim.emit("invoice.payment_succeeded", invoice, origin);
}

/** A failed charge: the invoice stays open with a next attempt scheduled; emits invoice.payment_failed. */
export function failInvoice(sim: Sim, invoice: Invoice, origin: Origin): void {
	invoice.status = "open";
	invoice.attempted = true;
	invoice.attempt_count += 1;
	invoice.next_payment_attempt = sim.now() + RETRY_SECONDS;
	sim.emit("invoice.payment_failed", invoice, origin);
}
