// Usage for metered prices: billing meter events (matched to a customer and a meter, checked the
// way Stripe checks them after accepting them) and legacy usage records on a subscription item.
import { invalid } from "../http/errors.ts";
import type { Sim } from "../sim.ts";
import { newId } from "../state/ids.ts";
import type { MeterEventEntry } from "../state/store.ts";
import type { MeterEvent, SubscriptionItem, UsageRecord } from "../state/types.ts";

const MAX_AGE_SECONDS = 35 * 86_400;
const MAX_FUTURE_SECONDS = 300;

export interface MeterEventInput {
	event_name: string;
	payload: Record<string, string>;
	identifier?: string;
	timestamp?: number;
}

/**
 * Accepts a meter event. A repeated identifier is refused at once, as Stripe does (400, "An event
 * already exists with identifier …"); the other checks Stripe makes asynchronously (no meter, no
 * such customer, bad value, timestamp window) mark the event as not counted instead.
 */
export function recordMeterEvent(sim: Sim, input: MeterEventInput): MeterEvent {
	const now = sim.now();
	const identifier = input.identifier ?? newId("mev", 20);
	if (sim.store.meterEvents.some((e) => e.event.identifier === identifier)) {
		throw invalid(`An event already exists with identifier ${identifier}.`);
	}
	const event: MeterEvent = {
		object: "billing.meter_event",
		created: now,
		event_name: input.event_name,
		identifier,
		livemode: false,
		payload: { ...input.payload },
		timestamp: input.timestamp ?? now,
	};
	const meter = sim.store.meterByEventName(input.event_name);
	const customer = input.payload[meter?.customer_mapping.event_payload_key ?? "stripe_customer_id"] ?? null;
	const raw = input.payload[meter?.value_settings.event_payload_key ?? "value"];
	const value = raw === undefined ? Number.NaN : Number(raw);
	let error: string | null = null;
	if (!meter) error = "no_meter";
	else if (customer === null) error = "meter_event_no_customer_defined";
	else if (!sim.store.customers.has(customer)) error = "meter_event_customer_not_found";
	else if (raw === undefined) error = "meter_event_value_not_found";
	else if (!Number.isFinite(value)) error = "meter_event_invalid_value";
	else if (event.timestamp < now - MAX_AGE_SECONDS) error = "timestamp_too_far_in_past";
	else if (event.timestamp > now + MAX_FUTURE_SECONDS) error = "timestamp_in_future";
	const entry: MeterEventEntry = { event, error, customer, value: Number.isFinite(value) ? value : 0 };
	sim.store.meterEvents.push(entry);
	return event;
}

export function recordUsage(sim: Sim, item: SubscriptionItem, input: { quantity: number; timestamp: number; action: "increment" | "set" }): UsageRecord {
	if (item.price.recurring?.usage_type !== "metered") {
		throw invalid("Usage records can only be created for subscription items with a metered price.", { param: "subscription_item" });
	}
	const record: UsageRecord = { id: newId("mbur"), object: "usage_record", livemode: false, subscription_item: item.id, ...input };
	sim.store.usageRecords.push(record);
	return record;
}

/** Usage of one metered item over [start, end): its meter's events for the customer, plus usage records. */
export function usageOf(sim: Sim, customer: string, item: SubscriptionItem, start: number, end: number): number {
	const meterId = item.price.recurring?.meter;
	const meter = meterId ? sim.store.meters.get(meterId) : undefined;
	let total = 0;
	if (meter) {
		const events = sim.store.meterEvents.filter(
			(e) => e.error === null && e.customer === customer && e.event.event_name === meter.event_name && e.event.timestamp >= start && e.event.timestamp < end,
		);
		const formula = meter.default_aggregation.formula;
		if (formula === "count") total = events.length;
		else if (formula === "last") total = events.at(-1)?.value ?? 0;
		else total = events.reduce((sum, e) => sum + e.value, 0);
	}
	for (const r of sim.store.usageRecords) {
		if (r.subscription_item !== item.id || r.timestamp < start || r.timestamp >= end) continue;
		total = r.action === "set" ? r.quantity : total + r.quantity;
	}
	return total;
}
