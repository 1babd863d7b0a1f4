// Billing: plan, status, seats and their holders, this period's usage (a chart by user or task),
// the spend cap, checkout (Stripe's page — the simulator's under `pnpm dev`), the portal,
// cancel/resume and invoices.
import type { UsageGrouping } from "@foundry/client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { clientFor, describeError } from "../lib/foundry.ts";
import { useOrganizationData } from "../lib/live.ts";
import { Button, Skeleton } from "./ui.tsx";

const card = "flex flex-col gap-3 rounded-lg border border-line p-4";
const day = (ms: number) => new Date(ms).toLocaleDateString();
const money = (cents: number, currency: string) => new Intl.NumberFormat(undefined, { style: "currency", currency: currency.toUpperCase() }).format(cents / 100);

/** Back from Stripe's checkout: apply it now (the webhook would a moment later) and say so. */
function CheckoutOutcome({ orgId, checkout }: { orgId: string; checkout: string }) {
	const applied = useQuery({
		queryKey: ["checkout", orgId, checkout],
		queryFn: () => clientFor(orgId).billing.finalize(checkout),
		enabled: checkout !== "canceled",
		retry: false,
		staleTime: Number.POSITIVE_INFINITY,
	});
	if (checkout === "canceled") return <p role="status">Checkout canceled; nothing changed.</p>;
	if (applied.error) {
		const { code, message } = describeError(applied.error);
		return (
			<p role="alert" className="text-danger">
				Checkout: {code}: {message}
			</p>
		);
	}
	return (
		<p role="status" data-testid="checkout-outcome">
			{applied.data ? `Payment received: you are on the ${applied.data.plan} plan with ${applied.data.seats} seats.` : "Applying your checkout…"}
		</p>
	);
}

export default function BillingPage({ orgId, checkout }: { orgId: string; checkout?: string | undefined }) {
	const client = clientFor(orgId);
	const qc = useQueryClient();
	// The organization's snapshot carries billing and is kept live by the workbench's subscription.
	const billing = useOrganizationData(orgId).data?.billing;
	const [by, setBy] = useState<UsageGrouping>("user");
	const usage = useQuery({ queryKey: ["usage", orgId, by, billing?.updatedAt], queryFn: () => client.billing.usage(by) });
	const [cap, setCap] = useState("");
	const [error, setError] = useState<string | null>(null);
	const run = (what: string, action: () => Promise<unknown>) => async () => {
		setError(null);
		try {
			await action();
			await qc.invalidateQueries({ queryKey: ["usage", orgId] });
		} catch (err) {
			const { code, message } = describeError(err);
			setError(`${what}: ${code}: ${message}`);
		}
	};
	const redirect = (open: () => Promise<{ url: string }>) => async () => {
		window.location.href = (await open()).url;
	};
	if (!billing) return <Skeleton lines={8} />;
	return (
		<div className="flex flex-1 flex-col gap-4 overflow-y-auto p-6">
			<h1 className="text-xl font-semibold">Billing</h1>
			{checkout && <CheckoutOutcome orgId={orgId} checkout={checkout} />}
			{error && (
				<p role="alert" className="text-danger" data-testid="billing-error">
					{error}
				</p>
			)}
			<section className={card} aria-labelledby="plan-title">
				<h2 id="plan-title" className="font-semibold">
					Plan
				</h2>
				<p data-testid="billing-plan">
					<span className="font-semibold capitalize">{billing.plan}</span> · {billing.status.replace("_", " ")} · {billing.seatHolders.length}/{billing.seats} seats · period {day(billing.periodStart)} – {day(billing.periodEnd)}
					{billing.cancelAtPeriodEnd ? " · cancels at the end of the period" : ""}
				</p>
				{billing.paymentMethod && <p className="text-muted">Paying with {billing.paymentMethod}</p>}
				{billing.graceEndsAt && <p className="text-danger">A payment failed: sends stop after {new Date(billing.graceEndsAt).toLocaleString()} unless the payment method is fixed.</p>}
				<div className="flex flex-wrap gap-2">
					{billing.plan === "free" ? (
						<Button variant="primary" onClick={() => void run("checkout", redirect(() => client.billing.checkout()))()}>
							Upgrade to Team
						</Button>
					) : (
						<>
							<Button onClick={() => void run("portal", redirect(() => client.billing.portal()))()}>Billing portal</Button>
							{billing.cancelAtPeriodEnd ? (
								<Button onClick={() => void run("resume", () => client.billing.resume())()}>Resume</Button>
							) : (
								<Button variant="danger" onClick={() => void run("cancel", () => client.billing.cancel())()}>
									Cancel subscription
								</Button>
							)}
						</>
					)}
				</div>
				{billing.seatHolders.length > 0 && <p className="text-muted">Seats held by {billing.seatHolders.map((h) => `@${h.login}`).join(", ")}</p>}
			</section>
			<section className={card} aria-labelledby="usage-title">
				<div className="flex items-center gap-2">
					<h2 id="usage-title" className="flex-1 font-semibold">
						Usage this period
					</h2>
					<select aria-label="group usage by" className="rounded-md border border-line bg-bg px-1 py-1" value={by} onChange={(e) => setBy(e.target.value as UsageGrouping)}>
						<option value="user">by user</option>
						<option value="task">by task</option>
					</select>
				</div>
				{usage.data ? (
					<>
						<p data-testid="usage-total">
							{usage.data.minutes.toFixed(1)} agent minutes in {usage.data.turns} turns{usage.data.running > 0 ? ` · ${usage.data.running} running` : ""}
							{usage.data.capMinutes !== null ? ` · cap ${usage.data.capMinutes} min` : ""}
							{billing.includedMinutes !== null ? ` · ${billing.includedMinutes} min included` : ""}
						</p>
						{usage.data.rows.length > 0 && (
							<div className="h-48" role="img" aria-label={`usage by ${by}: ${usage.data.rows.map((r) => `${r.label} ${r.minutes.toFixed(1)} min`).join(", ")}`}>
								<ResponsiveContainer width="100%" height="100%">
									<BarChart data={usage.data.rows} layout="vertical" margin={{ left: 24 }}>
										<XAxis type="number" unit=" min" stroke="currentColor" fontSize={12} />
										<YAxis type="category" dataKey="label" width={140} stroke="currentColor" fontSize={12} />
										<Tooltip formatter={(v) => `${Number(v).toFixed(1)} min`} />
										<Bar dataKey="minutes" fill="var(--color-accent)" />
									</BarChart>
								</ResponsiveContainer>
							</div>
						)}
					</>
				) : (
					<Skeleton />
				)}
				<form
					className="flex items-center gap-2"
					onSubmit={(e) => {
						e.preventDefault();
						void run("spend cap", () => client.billing.setCap(cap.trim() === "" ? null : Number(cap)))();
					}}
				>
					<label className="flex items-center gap-2">
						Spend cap (minutes per period)
						<input
							aria-label="spend cap in minutes"
							className="w-28 rounded-md border border-line bg-bg px-2 py-1"
							inputMode="numeric"
							placeholder={billing.spendCap.minutes === null ? "none" : String(billing.spendCap.minutes)}
							value={cap}
							onChange={(e) => setCap(e.target.value)}
						/>
					</label>
					<Button type="submit">{cap.trim() === "" ? "Remove cap" : "Set cap"}</Button>
				</form>
			</section>
			<section className={card} aria-labelledby="invoices-title">
				<h2 id="invoices-title" className="font-semibold">
					Invoices
				</h2>
				{billing.invoices.length === 0 ? (
					<p className="text-muted">No invoices yet.</p>
				) : (
					<ul className="flex flex-col gap-1">
						{billing.invoices.map((inv) => (
							<li key={inv.id} className="flex gap-3">
								<span>{day(inv.periodStart)}</span>
								<span>{money(inv.amountDue, inv.currency)}</span>
								<span className="text-muted">{inv.status}</span>
								{inv.url && (
									<a className="text-accent underline" href={inv.url} target="_blank" rel="noreferrer">
										view
									</a>
								)}
							</li>
						))}
					</ul>
				)}
			</section>
		</div>
	);
}

