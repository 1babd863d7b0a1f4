// The organization's billing: plan, seats, invoices, usage (agent minutes), checkout, the billing
// portal, cancel/resume and the spend cap. Typed calls to the organization actor of the client's
// current organization; FoundryClient wires them to its connection params and error mapping.
import type { AppRegistry } from "@foundry/backend/registry";
import type { BillingState, UsageReport } from "@foundry/shared";
import type { Client } from "rivetkit/client";

export type OrganizationHandle = ReturnType<Client<AppRegistry>["organization"]["getOrCreate"]>;

/** How usage can be grouped (`billing.usage(by)`). */
export type UsageGrouping = NonNullable<UsageReport["by"]>;

export interface CheckoutSession {
	/** Where to pay (Stripe Checkout). */
	url: string;
	/** The checkout session's id, for `billing.finalize` once paid. */
	sessionId: string;
}

/** How the API reaches the organization actor. */
export interface OrganizationActors {
	call<T>(run: () => Promise<T>): Promise<T>;
	org(): Promise<OrganizationHandle>;
}

export function billingApi(a: OrganizationActors) {
	const onOrg = <T>(run: (org: OrganizationHandle) => Promise<T>): Promise<T> => a.call(async () => run(await a.org()));
	return {
		/** Plan, status, seats and their holders, period, payment method, invoices, spend cap. */
		get: (): Promise<BillingState> => onOrg((o) => o.getBilling()),
		/** Agent minutes in the current period, grouped by user, task or session when `by` is given. */
		usage: (by?: UsageGrouping): Promise<UsageReport> => onOrg((o) => o.getUsage(by === undefined ? {} : { by })),
		/** Admin: starts a team-plan checkout (default seats: the organization's member count). */
		checkout: (seats?: number): Promise<CheckoutSession> => onOrg((o) => o.startCheckout(seats === undefined ? {} : { seats })),
		/** Admin: applies a paid checkout at once (the Stripe webhook does the same later). */
		finalize: (sessionId: string): Promise<BillingState> => onOrg((o) => o.finalizeCheckout({ sessionId })),
		/** Admin: a Stripe billing portal link (payment method, seats, invoices). */
		portal: (): Promise<{ url: string }> => onOrg((o) => o.openBillingPortal()),
		/** Admin: cancels the subscription at the end of the period. */
		cancel: (): Promise<BillingState> => onOrg((o) => o.cancelSubscription()),
		/** Admin: undoes a pending cancellation. */
		resume: (): Promise<BillingState> => onOrg((o) => o.resumeSubscription()),
		/** Admin: agent minutes allowed per period; null removes the cap. */
		setCap: (minutes: number | null): Promise<BillingState> => onOrg((o) => o.setSpendCap({ minutes })),
	};
}
