// Everything the simulator knows, in memory. Records are Stripe-shaped JSON; `find` resolves any
// id by its prefix (for expansion); side tables hold what Stripe does not return inline.
import { defaultSeed } from "./seed.ts";
import type {
	CheckoutSession,
	Customer,
	Invoice,
	LineItem,
	Metadata,
	Meter,
	MeterEvent,
	PaymentMethod,
	PortalSession,
	Price,
	Product,
	StripeEvent,
	Subscription,
	SubscriptionItem,
	UsageRecord,
} from "./types.ts";

export interface MeterEventEntry {
	event: MeterEvent;
	/** Stripe validates these asynchronously; the reason it would report, or null when counted. */
	error: string | null;
	customer: string | null;
	value: number;
}

export class Store {
	customers = new Map<string, Customer>();
	products = new Map<string, Product>();
	prices = new Map<string, Price>();
	meters = new Map<string, Meter>();
	paymentMethods = new Map<string, PaymentMethod>();
	checkoutSessions = new Map<string, CheckoutSession>();
	/** Line items and subscription_data of each checkout session (Stripe returns these only on expand). */
	checkoutDetails = new Map<string, { lineItems: LineItem[]; subscriptionMetadata: Metadata }>();
	portalSessions = new Map<string, PortalSession>();
	subscriptions = new Map<string, Subscription>();
	invoices = new Map<string, Invoice>();
	meterEvents: MeterEventEntry[] = [];
	usageRecords: UsageRecord[] = [];
	events: StripeEvent[] = [];
	invoiceCounter = 0;

	constructor(now: number) {
		this.seed(now);
	}

	seed(now: number): void {
		const seed = defaultSeed(now);
		for (const p of seed.products) this.products.set(p.id, p);
		for (const p of seed.prices) this.prices.set(p.id, p);
		for (const m of seed.meters) this.meters.set(m.id, m);
	}

	/** Any stored object by id, or undefined. */
	find(id: string): object | undefined {
		const prefix = id.slice(0, id.indexOf("_"));
		switch (prefix) {
			case "cus":
				return this.customers.get(id);
			case "prod":
				return this.products.get(id);
			case "price":
				return this.prices.get(id);
			case "meter":
				return this.meters.get(id);
			case "pm":
				return this.paymentMethods.get(id);
			case "cs":
				return this.checkoutSessions.get(id);
			case "bps":
				return this.portalSessions.get(id);
			case "sub":
				return this.subscriptions.get(id);
			case "in":
				return this.invoices.get(id);
			case "evt":
				return this.events.find((e) => e.id === id);
			case "si":
				return this.subscriptionItem(id);
			default:
				return undefined;
		}
	}

	subscriptionItem(id: string): SubscriptionItem | undefined {
		for (const sub of this.subscriptions.values()) {
			const item = sub.items.data.find((i) => i.id === id);
			if (item) return item;
		}
		return undefined;
	}

	meterByEventName(eventName: string): Meter | undefined {
		return [...this.meters.values()].find((m) => m.event_name === eventName && m.status === "active");
	}

	invoicesOf(subscriptionId: string): Invoice[] {
		return [...this.invoices.values()].filter((i) => i.subscription === subscriptionId);
	}

	dump() {
		return {
			customers: [...this.customers.values()],
			products: [...this.products.values()],
			prices: [...this.prices.values()],
			meters: [...this.meters.values()],
			paymentMethods: [...this.paymentMethods.values()],
			checkoutSessions: [...this.checkoutSessions.values()].map((s) => ({ ...s, ...this.checkoutDetails.get(s.id) })),
			portalSessions: [...this.portalSessions.values()],
			subscriptions: [...this.subscriptions.values()],
			invoices: [...this.invoices.values()],
			meterEvents: this.meterEvents,
			usageRecords: this.usageRecords,
			events: this.events,
		};
	}
}
