// Stripe-looking ids (`cus_` + 24 base62 characters) and the clock in Unix seconds.
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function newId(prefix: string, length = 24): string {
	const bytes = randomBytes(length);
	let out = "";
	for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
	return `${prefix}_${out}`;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Adds whole billing intervals in UTC, clamping the day as Stripe does (Jan 31 + 1 month → Feb 28/29). */
export function addInterval(ts: number, interval: "day" | "week" | "month" | "year", count: number): number {
	const d = new Date(ts * 1000);
	if (interval === "day") return ts + count * 86_400;
	if (interval === "week") return ts + count * 7 * 86_400;
	const months = interval === "year" ? 12 * count : count;
	const day = d.getUTCDate();
	const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
	const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
	target.setUTCDate(Math.min(day, lastDay));
	return Math.floor(target.getTime() / 1000);
}
