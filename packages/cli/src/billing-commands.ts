// Billing from the CLI: `foundry billing` (summary), checkout/finalize, the billing portal,
// cancel/resume, the spend cap, and `foundry usage`. Arguments are checked against the shared input
// schemas before any request, so bad input is a usage error (exit 2).
import { checkoutInputSchema, finalizeCheckoutInputSchema, spendCapInputSchema, type UsageGrouping, usageInputSchema } from "@foundry/client";
import { intFlag, type ParsedArgs, positional, UsageError } from "./args.ts";
import { type ContextCommand, enumFlag } from "./commands.ts";
import { formatBilling, formatBillingLine, formatCap, formatUsage } from "./billing-format.ts";

type Flags = ParsedArgs["flags"];

/** The first message of a failed zod parse. */
const firstIssue = (error: { issues: Array<{ message: string }> }) => error.issues[0]?.message ?? "invalid value";

/** `--seats N`: a positive integer the checkout accepts (absent: the backend counts the members). */
export function seatsFlag(flags: Flags): number | undefined {
	const seats = intFlag(flags, "seats");
	if (seats === undefined) return undefined;
	const parsed = checkoutInputSchema.safeParse({ seats });
	if (!parsed.success) throw new UsageError(`--seats: ${firstIssue(parsed.error)}`);
	return seats;
}

/** `--by user|task|session` for `usage`. */
export const USAGE_GROUPINGS: readonly UsageGrouping[] = usageInputSchema.shape.by.unwrap().options;

export function byFlag(args: ParsedArgs): UsageGrouping | undefined {
	return enumFlag(args, "by", USAGE_GROUPINGS);
}

/** `billing cap <minutes>|off`: a positive number of agent minutes per period, or null (no cap). */
export function capArg(value: string | undefined): number | null {
	if (value === undefined || value.trim().length === 0) throw new UsageError("missing cap: a number of agent minutes per period, or off");
	const v = value.trim();
	if (v === "off" || v === "none") return null;
	if (!/^\d+(\.\d+)?$/.test(v)) throw new UsageError(`cap must be a number of agent minutes or off, got '${value}'`);
	const parsed = spendCapInputSchema.safeParse({ minutes: Number(v) });
	if (!parsed.success) throw new UsageError(`cap: ${firstIssue(parsed.error)}`);
	return parsed.data.minutes;
}

/** `billing finalize <session id>`: the checkout session id `billing checkout` printed. */
export function checkoutSessionArg(command: string[]): string {
	const parsed = finalizeCheckoutInputSchema.safeParse({ sessionId: positional(command, 2, "checkout session id (from `foundry billing checkout`)") });
	if (!parsed.success) throw new UsageError(`checkout session id: ${firstIssue(parsed.error)}`);
	return parsed.data.sessionId;
}

/** Refuses words after a complete command (`billing bogus` is not the summary). */
function noMore(command: string[], used: number): void {
	if (command.length > used) throw new UsageError(`unknown command '${command.join(" ")}' (see foundry --help)`);
}

export const BILLING_COMMANDS: Record<string, ContextCommand> = {
	billing: async (ctx) => {
		noMore(ctx.args.command, 1);
		const state = await ctx.client().billing.get();
		return { json: state, text: formatBilling(state) };
	},
	"billing checkout": async (ctx) => {
		noMore(ctx.args.command, 2);
		const seats = seatsFlag(ctx.args.flags);
		const res = await ctx.client().billing.checkout(seats);
		const text = [
			`checkout: ${res.url}`,
			`session:  ${res.sessionId}`,
			`Open it, pay, then \`foundry billing finalize ${res.sessionId}\` (or wait for the webhook).`,
		].join("\n");
		return { json: res, text };
	},
	"billing finalize": async (ctx) => {
		const sessionId = checkoutSessionArg(ctx.args.command);
		noMore(ctx.args.command, 3);
		const state = await ctx.client().billing.finalize(sessionId);
		return { json: state, text: `checkout finalized: ${formatBillingLine(state)}` };
	},
	"billing portal": async (ctx) => {
		noMore(ctx.args.command, 2);
		const res = await ctx.client().billing.portal();
		return { json: res, text: res.url };
	},
	"billing cancel": async (ctx) => {
		noMore(ctx.args.command, 2);
		const state = await ctx.client().billing.cancel();
		return { json: state, text: `subscription set to cancel at the end of the period: ${formatBillingLine(state)}\n(\`foundry billing resume\` undoes it)` };
	},
	"billing resume": async (ctx) => {
		noMore(ctx.args.command, 2);
		const state = await ctx.client().billing.resume();
		return { json: state, text: `subscription resumed: ${formatBillingLine(state)}` };
	},
	"billing cap": async (ctx) => {
		const minutes = capArg(ctx.args.command[2]);
		noMore(ctx.args.command, 3);
		const state = await ctx.client().billing.setCap(minutes);
		return { json: state, text: `spend cap: ${formatCap(state.spendCap.minutes)}` };
	},
	usage: async (ctx) => {
		noMore(ctx.args.command, 1);
		const report = await ctx.client().billing.usage(byFlag(ctx.args));
		return { json: report, text: formatUsage(report) };
	},
};
