// The simulator's records, kept in the JSON shape Stripe returns (ids reference other objects;
// the presenter expands them on request). Only the fields the simulator models are typed.

export type Metadata = Record<string, string>;

interface Base {
	id: string;
	created: number;
	livemode: false;
}

export interface Customer extends Base {
	object: "customer";
	email: string | null;
	name: string | null;
	description: string | null;
	metadata: Metadata;
	invoice_settings: { default_payment_method: string | null; custom_fields: null; footer: null; rendering_options: null };
	delinquent: boolean;
	currency: string | null;
}

export interface Product extends Base {
	object: "product";
	name: string;
	active: boolean;
	metadata: Metadata;
}

export interface Recurring {
	interval: "day" | "week" | "month" | "year";
	interval_count: number;
	usage_type: "licensed" | "metered";
	meter: string | null;
	trial_period_days: null;
}

export interface Price extends Base {
	object: "price";
	active: boolean;
	billing_scheme: "per_unit";
	currency: string;
	lookup_key: string | null;
	metadata: Metadata;
	nickname: string | null;
	product: string;
	recurring: Recurring | null;
	tax_behavior: "unspecified";
	type: "recurring" | "one_time";
	unit_amount: number | null;
	unit_amount_decimal: string | null;
}

export interface Meter extends Base {
	object: "billing.meter";
	display_name: string;
	event_name: string;
	status: "active" | "inactive";
	customer_mapping: { event_payload_key: string; type: "by_id" };
	default_aggregation: { formula: "sum" | "count" | "last" };
	value_settings: { event_payload_key: string };
	event_time_window: null;
	updated: number;
}

export interface PaymentMethod extends Base {
	object: "payment_method";
	type: "card";
	customer: string | null;
	card: { brand: string; last4: string; exp_month: number; exp_year: number; funding: "credit"; country: string };
	billing_details: { email: string | null; name: string | null };
	metadata: Metadata;
}

export interface LineItem {
	price: string;
	quantity?: number;
}

export interface CheckoutSession extends Base {
	object: "checkout.session";
	mode: "subscription" | "payment" | "setup";
	status: "open" | "complete" | "expired";
	payment_status: "unpaid" | "paid" | "no_payment_required";
	customer: string | null;
	customer_email: string | null;
	client_reference_id: string | null;
	success_url: string | null;
	cancel_url: string | null;
	url: string | null;
	metadata: Metadata;
	subscription: string | null;
	invoice: string | null;
	currency: string | null;
	amount_subtotal: number | null;
	amount_total: number | null;
	expires_at: number;
}

export interface PortalSession extends Base {
	object: "billing_portal.session";
	configuration: string;
	customer: string;
	flow: null;
	locale: null;
	on_behalf_of: null;
	return_url: string | null;
	url: string;
}

export interface SubscriptionItem extends Base {
	object: "subscription_item";
	subscription: string;
	price: Price;
	quantity?: number;
	metadata: Metadata;
	current_period_start: number;
	current_period_end: number;
}

export type SubscriptionStatus = "incomplete" | "incomplete_expired" | "trialing" | "active" | "past_due" | "canceled" | "unpaid" | "paused";

export interface Subscription extends Base {
	object: "subscription";
	status: SubscriptionStatus;
	customer: string;
	currency: string;
	collection_method: "charge_automatically";
	billing_cycle_anchor: number;
	start_date: number;
	/** Not on subscriptions in API versions from 2025-03-31 (they live on items); kept for older readers. */
	current_period_start: number;
	current_period_end: number;
	cancel_at_period_end: boolean;
	cancel_at: number | null;
	canceled_at: number | null;
	ended_at: number | null;
	cancellation_details: { comment: string | null; feedback: string | null; reason: string | null };
	default_payment_method: string | null;
	description: string | null;
	discounts: string[];
	items: { object: "list"; data: SubscriptionItem[]; has_more: false; total_count: number; url: string };
	latest_invoice: string | null;
	metadata: Metadata;
	trial_start: null;
	trial_end: null;
}

export interface InvoiceLine {
	id: string;
	object: "line_item";
	amount: number;
	currency: string;
	description: string;
	livemode: false;
	quantity: number;
	period: { start: number; end: number };
	pricing: { type: "price_details"; price_details: { price: string; product: string }; unit_amount_decimal: string | null };
	subscription: string;
	metadata: Metadata;
}

export interface Invoice extends Base {
	object: "invoice";
	status: "draft" | "open" | "paid" | "void" | "uncollectible";
	customer: string;
	/** Not on invoices in API versions from 2025-03-31 (see parent.subscription_details); kept for older readers. */
	subscription: string;
	parent: { type: "subscription_details"; quote_details: null; subscription_details: { subscription: string; metadata: Metadata } };
	billing_reason: "subscription_create" | "subscription_cycle" | "subscription_update" | "manual";
	collection_method: "charge_automatically";
	currency: string;
	amount_due: number;
	amount_paid: number;
	amount_remaining: number;
	subtotal: number;
	total: number;
	attempt_count: number;
	attempted: boolean;
	next_payment_attempt: number | null;
	hosted_invoice_url: string;
	invoice_pdf: string;
	number: string;
	period_start: number;
	period_end: number;
	lines: { object: "list"; data: InvoiceLine[]; has_more: false; total_count: number; url: string };
	status_transitions: { finalized_at: number | null; paid_at: number | null; voided_at: null; marked_uncollectible_at: null };
	metadata: Metadata;
}

export interface MeterEvent {
	object: "billing.meter_event";
	created: number;
	event_name: string;
	identifier: string;
	livemode: false;
	payload: Record<string, string>;
	timestamp: number;
}

export interface UsageRecord {
	id: string;
	object: "usage_record";
	livemode: false;
	quantity: number;
	subscription_item: string;
	timestamp: number;
	action: "increment" | "set";
}

export interface StripeEvent {
	id: string;
	object: "event";
	api_version: string;
	created: number;
	data: { object: object; previous_attributes?: Record<string, unknown> };
	livemode: false;
	pending_webhooks: number;
	request: { id: string | null; idempotency_key: string | null };
	type: string;
}

/** Where a change came from: an API request (its id and idempotency key) or the sim itself. */
export interface Origin {
	requestId: string | null;
	idempotencyKey: string | null;
}

export const AUTOMATIC: Origin = { requestId: null, idempotencyKey: null };
