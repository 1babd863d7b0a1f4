// Turning records into responses: `expand[]` (dot paths through ids, lists and already-inline
// objects, at most 4 levels deep, as in Stripe) and list envelopes with Stripe's cursor paging.
import type { Store } from "../state/store.ts";
import { invalid } from "./errors.ts";

type Obj = Record<string, unknown>;

const MAX_DEPTH = 4;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Fields Stripe returns only when expanded and that are not id references. */
function virtualField(store: Store, target: Obj, field: string): unknown {
	if (target.object === "checkout.session" && field === "line_items" && typeof target.id === "string") {
		const details = store.checkoutDetails.get(target.id);
		const data = (details?.lineItems ?? []).map((line, i) => {
			const price = store.prices.get(line.price);
			const quantity = line.quantity ?? null;
			const amount = price?.recurring?.usage_type === "metered" ? 0 : (price?.unit_amount ?? 0) * (quantity ?? 1);
			return { id: `li_${i}_${String(target.id).slice(-12)}`, object: "item", price: price ?? line.price, quantity, amount_subtotal: amount, amount_total: amount, currency: price?.currency ?? null, description: price?.nickname ?? null };
		});
		return { object: "list", data, has_more: false, url: `/v1/checkout/sessions/${target.id}/line_items` };
	}
	return undefined;
}

function expandPath(store: Store, target: Obj, segments: string[], full: string): void {
	const [field, ...rest] = segments;
	if (field === undefined) return;
	if (field === "data" && Array.isArray(target.data)) {
		for (const entry of target.data) if (isObj(entry)) expandPath(store, entry, rest, full);
		return;
	}
	let value = target[field];
	if (value === undefined) {
		value = virtualField(store, target, field);
		if (value === undefined) throw invalid(`This property cannot be expanded (${full}).`, { param: "expand", validation: true });
		target[field] = value;
	}
	if (value === null) return;
	if (typeof value === "string") {
		const found = store.find(value);
		if (!found) throw invalid(`This property cannot be expanded (${full}).`, { param: "expand", validation: true });
		value = structuredClone(found);
		target[field] = value;
	}
	if (rest.length > 0 && isObj(value)) expandPath(store, value, rest, full);
}

/** A copy of `record` with the requested expansions applied. */
export function present<T extends object>(store: Store, record: T, expand: readonly string[] = []): T {
	const out = structuredClone(record);
	for (const path of expand) {
		const segments = path.split(".");
		if (segments.length > MAX_DEPTH) {
			throw invalid(`You cannot expand more than ${MAX_DEPTH} levels of a property. Property: ${path}`, { param: "expand", validation: true });
		}
		expandPath(store, out as Obj, segments, path);
	}
	return out;
}

export interface ListParams {
	limit?: number;
	starting_after?: string;
	ending_before?: string;
}

export interface StripeList<T> {
	object: "list";
	data: T[];
	has_more: boolean;
	url: string;
}

/** A page of `items` (newest first) with Stripe's cursors; `limit` defaults to 10, at most 100. */
export function listOf<T extends { id?: string }>(items: T[], params: ListParams, url: string): StripeList<T> {
	const limit = params.limit ?? 10;
	if (limit < 1 || limit > 100) throw invalid("This value must be between 1 and 100.", { param: "limit", code: "parameter_invalid_integer", validation: true });
	let start = 0;
	let end = items.length;
	if (params.starting_after) {
		const i = items.findIndex((x) => x.id === params.starting_after);
		if (i < 0) throw invalid(`Invalid starting_after: ${params.starting_after}`, { param: "starting_after", code: "resource_missing" });
		start = i + 1;
	} else if (params.ending_before) {
		const i = items.findIndex((x) => x.id === params.ending_before);
		if (i < 0) throw invalid(`Invalid ending_before: ${params.ending_before}`, { param: "ending_before", code: "resource_missing" });
		end = i;
		start = Math.max(0, end - limit);
	}
	const data = items.slice(start, Math.min(end, start + limit));
	const hasMore = params.ending_before ? start > 0 : start + limit < end;
	return { object: "list", data, has_more: hasMore, url };
}
