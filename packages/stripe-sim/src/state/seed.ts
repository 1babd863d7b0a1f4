// The world a fresh simulator starts with: the per-seat team plan and the metered agent minutes
// (a price on the billing meter `meter_agent_minutes`, event name `agent_minutes`).
import type { Meter, Price, Product } from "./types.ts";

export interface Seed {
	products: Product[];
	prices: Price[];
	meters: Meter[];
}

export function defaultSeed(now: number): Seed {
	const base = { created: now, livemode: false as const, metadata: {} };
	return {
		products: [
			{ id: "prod_team", object: "product", ...base, name: "Foundry Team", active: true },
			{ id: "prod_agent_minutes", object: "product", ...base, name: "Agent minutes", active: true },
		],
		meters: [
			{
				id: "meter_agent_minutes",
				object: "billing.meter",
				created: now,
				updated: now,
				livemode: false,
				display_name: "Agent minutes",
				event_name: "agent_minutes",
				status: "active",
				customer_mapping: { event_payload_key: "stripe_customer_id", type: "by_id" },
				default_aggregation: { formula: "sum" },
				value_settings: { event_payload_key: "value" },
				event_time_window: null,
			},
		],
		prices: [
			{
				id: "price_team_monthly",
				object: "price",
				...base,
				active: true,
				billing_scheme: "per_unit",
				currency: "usd",
				lookup_key: "team_monthly",
				nickname: "Team (per seat, monthly)",
				product: "prod_team",
				recurring: { interval: "month", interval_count: 1, usage_type: "licensed", meter: null, trial_period_days: null },
				tax_behavior: "unspecified",
				type: "recurring",
				unit_amount: 2000,
				unit_amount_decimal: "2000",
			},
			{
				id: "price_agent_minutes",
				object: "price",
				...base,
				active: true,
				billing_scheme: "per_unit",
				currency: "usd",
				lookup_key: "agent_minutes",
				nickname: "Agent minutes (metered)",
				product: "prod_agent_minutes",
				recurring: { interval: "month", interval_count: 1, usage_type: "metered", meter: "meter_agent_minutes", trial_period_days: null },
				tax_behavior: "unspecified",
				type: "recurring",
				unit_amount: 2,
				unit_amount_decimal: "2",
			},
		],
	};
}
