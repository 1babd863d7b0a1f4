// The billing summary (a team plan past due, the free plan) and the usage line and table.
import type { BillingState, UsageReport } from "@foundry/client";
import { describe, expect, it } from "vitest";
import { formatAmount, formatBilling, formatBillingLine, formatMinutes, formatStatus, formatUsage } from "./billing-format.ts";

const at = (iso: string) => Date.parse(`${iso}Z`);

const pastDue: BillingState = {
	plan: "team",
	status: "past_due",
	seats: 5,
	seatHolders: [
		{ userId: "u_1", login: "octocat", takenAt: at("2025-03-01T09:00:00") },
		{ userId: "u_2", login: "hubot", takenAt: at("2025-03-02T09:00:00") },
	],
	periodStart: at("2025-03-01T00:00:00"),
	periodEnd: at("2025-04-01T00:00:00"),
	cancelAtPeriodEnd: false,
	paymentMethod: "visa •••• 4242",
	pastDueSince: at("2025-03-05T10:00:00"),
	graceEndsAt: at("2025-03-12T10:00:00"),
	invoices: [
		{ id: "in_old", status: "paid", amountDue: 5000, amountPaid: 5000, currency: "usd", url: "https://pay.example/in_old", periodStart: at("2025-02-01T00:00:00"), periodEnd: at("2025-03-01T00:00:00") },
		{ id: "in_new", status: "open", amountDue: 6250, amountPaid: 0, currency: "usd", url: null, periodStart: at("2025-03-01T00:00:00"), periodEnd: at("2025-04-01T00:00:00") },
	],
	spendCap: { minutes: 600 },
	includedMinutes: null,
	stripeCustomerId: "cus_1",
	stripeSubscriptionId: "sub_1",
	updatedAt: 0,
};

const free: BillingState = {
	...pastDue,
	plan: "free",
	status: "none",
	seats: 1,
	seatHolders: [],
	paymentMethod: null,
	pastDueSince: null,
	graceEndsAt: null,
	invoices: [],
	spendCap: { minutes: null },
	includedMinutes: 60,
	stripeCustomerId: null,
	stripeSubscriptionId: null,
};

describe("billing summary", () => {
	it("shows a past-due team plan: grace, seat holders, period, payment method, cap, newest invoice first", () => {
		expect(formatBilling(pastDue, at("2025-03-06T00:00:00"))).toBe(
			[
				"plan:              team",
				"status:            past_due (past due since 2025-03-05 10:00:00, grace until 2025-03-12 10:00:00)",
				"seats:             2/5 used (octocat, hubot)",
				"period:            2025-03-01 – 2025-04-01",
				"cancel at end:     no",
				"payment method:    visa •••• 4242",
				"spend cap:         600 agent minutes per period",
				"invoices:",
				"  in_new  open               $62.50  (no link)",
				"  in_old  paid               $50.00  https://pay.example/in_old",
			].join("\n"),
		);
	});

	it("says when the grace period is over", () => {
		expect(formatStatus(pastDue, at("2025-03-13T00:00:00"))).toBe(
			"past_due (past due since 2025-03-05 10:00:00, grace until 2025-03-12 10:00:00; grace over: sends are refused until the invoice is paid)",
		);
		expect(formatStatus({ ...pastDue, pastDueSince: null, graceEndsAt: null })).toBe("past_due");
		expect(formatStatus(free)).toBe("none");
	});

	it("shows the free plan's included minutes, no cap, no payment method, no invoices", () => {
		const text = formatBilling(free);
		expect(text).toContain("seats:             0/1 used\n");
		expect(text).toContain("payment method:    none\n");
		expect(text).toContain("spend cap:         none\n");
		expect(text).toContain("included minutes:  60 per period (free plan)\n");
		expect(text).toMatch(/invoices: {10}none$/);
		expect(formatBilling(pastDue)).not.toContain("included minutes");
	});

	it("shows a pending cancellation", () => {
		expect(formatBilling({ ...pastDue, status: "active", cancelAtPeriodEnd: true })).toContain("cancel at end:     yes (the subscription ends 2025-04-01)\n");
		expect(formatBillingLine({ ...pastDue, status: "active", cancelAtPeriodEnd: true })).toBe(
			"team plan, active, 5 seats, cancels 2025-04-01; spend cap 600 agent minutes per period",
		);
		expect(formatBillingLine(free)).toBe("free plan, none, 1 seat; spend cap none");
	});

	it("shows amounts in dollars (other currencies by code) and minutes without trailing zeros", () => {
		expect(formatAmount(1999, "usd")).toBe("$19.99");
		expect(formatAmount(0, "USD")).toBe("$0.00");
		expect(formatAmount(1000, "eur")).toBe("10.00 EUR");
		expect(formatMinutes(12.5)).toBe("12.5");
		expect(formatMinutes(3)).toBe("3");
		expect(formatMinutes(0.3333333)).toBe("0.33");
	});
});

describe("usage", () => {
	const report: UsageReport = {
		periodStart: at("2025-03-01T00:00:00"),
		periodEnd: at("2025-04-01T00:00:00"),
		minutes: 42.75,
		turns: 7,
		running: 0,
		capMinutes: null,
		by: null,
		rows: [],
	};

	it("is one line without --by: minutes, period, turns, running ones, cap", () => {
		expect(formatUsage(report)).toBe("42.75 agent minutes in this period (2025-03-01 – 2025-04-01), 7 turns; cap none");
		expect(formatUsage({ ...report, minutes: 1, turns: 1, running: 2, capMinutes: 600 })).toBe(
			"1 agent minute in this period (2025-03-01 – 2025-04-01), 1 turn, 2 running; cap 600 minutes",
		);
	});

	it("adds a table of label, minutes and turns with --by", () => {
		const rows = [
			{ key: "u_1", label: "octocat", minutes: 40.5, turns: 5 },
			{ key: "u_2", label: "a-much-longer-login", minutes: 2.25, turns: 12 },
		];
		expect(formatUsage({ ...report, by: "user", rows })).toBe(
			[
				"42.75 agent minutes in this period (2025-03-01 – 2025-04-01), 7 turns; cap none",
				"user                 minutes  turns",
				"octocat                 40.5      5",
				"a-much-longer-login     2.25     12",
			].join("\n"),
		);
		expect(formatUsage({ ...report, minutes: 0, turns: 0, by: "session", rows: [] })).toBe(
			"0 agent minutes in this period (2025-03-01 – 2025-04-01), 0 turns; cap none\nno usage by session in this period",
		);
	});
});
