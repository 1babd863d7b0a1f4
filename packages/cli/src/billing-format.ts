// Human-readable billing and usage for the CLI (--json prints the BillingState / UsageReport instead).
// Times are UTC, like the rest of the CLI's output; amounts are Stripe's minor units shown in dollars.
import type { BillingState, Invoice, UsageReport } from "@foundry/client";

const time = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const period = (start: number, end: number) => `${day(start)} – ${day(end)}`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** How many invoices the summary lists (the most recent ones). */
export const SHOWN_INVOICES = 5;

/** Minutes with at most two decimals and no trailing zeros (12.5, 3, 0.75). */
export function formatMinutes(minutes: number): string {
	return String(Math.round(minutes * 100) / 100);
}

/** `$12.00` for USD, else `12.00 EUR`. */
export function formatAmount(minorUnits: number, currency: string): string {
	const amount = (minorUnits / 100).toFixed(2);
	return currency.toLowerCase() === "usd" ? `$${amount}` : `${amount} ${currency.toUpperCase()}`;
}

export function formatInvoice(i: Invoice): string {
	const amount = formatAmount(i.status === "paid" ? i.amountPaid : i.amountDue, i.currency);
	return `${i.id}  ${i.status.padEnd(13)}  ${amount.padStart(10)}  ${i.url ?? "(no link)"}`;
}

/** The status, with when a payment failed and until when sends are still accepted. */
export function formatStatus(b: BillingState, now = Date.now()): string {
	if (b.status !== "past_due") return b.status;
	const since = b.pastDueSince === null ? "" : `past due since ${time(b.pastDueSince)}`;
	const grace = b.graceEndsAt === null ? "" : `grace until ${time(b.graceEndsAt)}`;
	const detail = [since, grace].filter((s) => s.length > 0).join(", ");
	const over = b.graceEndsAt !== null && b.graceEndsAt <= now ? "; grace over: sends are refused until the invoice is paid" : "";
	return detail.length > 0 ? `past_due (${detail}${over})` : "past_due";
}

export function formatCap(minutes: number | null): string {
	return minutes === null ? "none" : `${formatMinutes(minutes)} agent minutes per period`;
}

export function formatBilling(b: BillingState, now = Date.now()): string {
	const holders = b.seatHolders.map((h) => h.login).join(", ");
	const invoices = [...b.invoices].sort((x, y) => y.periodStart - x.periodStart).slice(0, SHOWN_INVOICES);
	return [
		`plan:              ${b.plan}`,
		`status:            ${formatStatus(b, now)}`,
		`seats:             ${b.seatHolders.length}/${b.seats} used${holders.length > 0 ? ` (${holders})` : ""}`,
		`period:            ${period(b.periodStart, b.periodEnd)}`,
		`cancel at end:     ${b.cancelAtPeriodEnd ? `yes (the subscription ends ${day(b.periodEnd)})` : "no"}`,
		`payment method:    ${b.paymentMethod ?? "none"}`,
		`spend cap:         ${formatCap(b.spendCap.minutes)}`,
		...(b.includedMinutes === null ? [] : [`included minutes:  ${formatMinutes(b.includedMinutes)} per period (free plan)`]),
		...(invoices.length === 0 ? ["invoices:          none"] : ["invoices:", ...invoices.map((i) => `  ${formatInvoice(i)}`)]),
	].join("\n");
}

/** One line after a change of plan, cancellation, resumption or cap. */
export function formatBillingLine(b: BillingState): string {
	const cancel = b.cancelAtPeriodEnd ? `, cancels ${day(b.periodEnd)}` : "";
	return `${b.plan} plan, ${formatStatus(b)}, ${b.seats} seat${b.seats === 1 ? "" : "s"}${cancel}; spend cap ${formatCap(b.spendCap.minutes)}`;
}

/** "N agent minutes in this period (start – end), T turns[, R running]; cap C", then the rows when grouped. */
export function formatUsage(u: UsageReport): string {
	const running = u.running > 0 ? `, ${u.running} running` : "";
	const cap = u.capMinutes === null ? "none" : `${formatMinutes(u.capMinutes)} minutes`;
	const head = `${formatMinutes(u.minutes)} agent minute${u.minutes === 1 ? "" : "s"} in this period (${period(u.periodStart, u.periodEnd)}), ${plural(u.turns, "turn")}${running}; cap ${cap}`;
	if (u.by === null) return head;
	if (u.rows.length === 0) return `${head}\nno usage by ${u.by} in this period`;
	return `${head}\n${formatUsageTable(u.by, u.rows)}`;
}

export function formatUsageTable(by: NonNullable<UsageReport["by"]>, rows: UsageReport["rows"]): string {
	const width = Math.max(by.length, ...rows.map((r) => r.label.length));
	const minutes = rows.map((r) => formatMinutes(r.minutes));
	const mWidth = Math.max("minutes".length, ...minutes.map((m) => m.length));
	const tWidth = Math.max("turns".length, ...rows.map((r) => String(r.turns).length));
	const line = (label: string, m: string, t: string) => `${label.padEnd(width)}  ${m.padStart(mWidth)}  ${t.padStart(tWidth)}`;
	return [line(by, "minutes", "turns"), ...rows.map((r, i) => line(r.label, minutes[i] ?? "", String(r.turns)))].join("\n");
}
