// /v1/customers, /v1/products, /v1/prices, /v1/billing/meters and /v1/payment_methods.
import { Hono } from "hono";
import { z } from "zod";
import type { ApiEnv } from "../http/api.ts";
import { invalid, noSuch } from "../http/errors.ts";
import { bool, expand, id, ignored, int, mergeMetadata, metadata, parseParams, str } from "../http/params.ts";
import { listOf, present } from "../http/present.ts";
import type { Sim } from "../sim.ts";
import { newId } from "../state/ids.ts";
import type { Customer, Price, Product } from "../state/types.ts";

const retrieve = z.strictObject({ expand: expand() });
const page = { limit: int().optional(), starting_after: str().optional(), ending_before: str().optional(), expand: expand() };

const customerFields = {
	email: str().optional(),
	name: str().optional(),
	description: str().optional(),
	metadata: metadata().optional(),
	invoice_settings: z.strictObject({ default_payment_method: str().optional() }).optional(),
	expand: expand(),
	address: ignored(),
	phone: ignored(),
	preferred_locales: ignored(),
	tax_exempt: ignored(),
};

export function catalogRoutes(sim: Sim) {
	const app = new Hono<ApiEnv>();
	const customer = (cid: string): Customer => {
		const found = sim.store.customers.get(cid);
		if (!found) throw noSuch("cus", cid);
		return found;
	};

	app.post("/customers", (c) => {
		const p = parseParams(z.strictObject({ ...customerFields, payment_method: ignored() }), c.get("params"));
		const now = sim.now();
		const record: Customer = {
			id: newId("cus", 14),
			object: "customer",
			created: now,
			livemode: false,
			email: p.email ?? null,
			name: p.name ?? null,
			description: p.description ?? null,
			metadata: mergeMetadata({}, p.metadata),
			invoice_settings: { default_payment_method: p.invoice_settings?.default_payment_method ?? null, custom_fields: null, footer: null, rendering_options: null },
			delinquent: false,
			currency: null,
		};
		sim.store.customers.set(record.id, record);
		sim.emit("customer.created", record, c.get("origin"));
		return c.json(present(sim.store, record, p.expand));
	});
	app.get("/customers", (c) => {
		const p = parseParams(z.strictObject({ ...page, email: str().optional() }), c.get("params"));
		const all = [...sim.store.customers.values()].filter((x) => p.email === undefined || x.email === p.email).reverse();
		return c.json(present(sim.store, listOf(all, p, "/v1/customers"), p.expand));
	});
	app.get("/customers/:id", (c) => {
		const p = parseParams(retrieve, c.get("params"));
		return c.json(present(sim.store, customer(c.req.param("id")), p.expand));
	});
	app.post("/customers/:id", (c) => {
		const record = customer(c.req.param("id"));
		const p = parseParams(z.strictObject(customerFields), c.get("params"));
		const before = structuredClone(record);
		if (p.email !== undefined) record.email = p.email === "" ? null : p.email;
		if (p.name !== undefined) record.name = p.name === "" ? null : p.name;
		if (p.description !== undefined) record.description = p.description === "" ? null : p.description;
		record.metadata = mergeMetadata(record.metadata, p.metadata);
		const dpm = p.invoice_settings?.default_payment_method;
		if (dpm !== undefined) {
			if (dpm !== "" && !sim.store.paymentMethods.has(dpm)) throw noSuch("pm", dpm, "invoice_settings[default_payment_method]");
			record.invoice_settings.default_payment_method = dpm === "" ? null : dpm;
		}
		const prev: Record<string, unknown> = {};
		for (const k of Object.keys(record) as Array<keyof Customer>) if (JSON.stringify(before[k]) !== JSON.stringify(record[k])) prev[k] = before[k];
		if (Object.keys(prev).length > 0) sim.emit("customer.updated", record, c.get("origin"), prev);
		return c.json(present(sim.store, record, p.expand));
	});

	app.get("/products/:id", (c) => {
		const p = parseParams(retrieve, c.get("params"));
		const found = sim.store.products.get(c.req.param("id"));
		if (!found) throw noSuch("prod", c.req.param("id"));
		return c.json(present(sim.store, found, p.expand));
	});

	app.post("/prices", (c) => {
		const p = parseParams(
			z.strictObject({
				currency: str(),
				unit_amount: int({ min: 0 }).optional(),
				unit_amount_decimal: z.string().regex(/^\d+(\.\d+)?$/).optional(),
				product: id().optional(),
				product_data: z.strictObject({ name: str(), metadata: metadata().optional() }).optional(),
				recurring: z
					.strictObject({
						interval: z.enum(["day", "week", "month", "year"]),
						interval_count: int({ min: 1 }).optional(),
						usage_type: z.enum(["licensed", "metered"]).optional(),
						meter: id().optional(),
					})
					.optional(),
				nickname: str().optional(),
				lookup_key: str().optional(),
				active: bool().optional(),
				metadata: metadata().optional(),
				billing_scheme: z.literal("per_unit").optional(),
				tax_behavior: ignored(),
				expand: expand(),
			}),
			c.get("params"),
		);
		if (p.unit_amount === undefined && p.unit_amount_decimal === undefined) throw invalid("Missing required param: unit_amount.", { param: "unit_amount", code: "parameter_missing" });
		if (!p.product && !p.product_data) throw invalid("Missing required param: product.", { param: "product", code: "parameter_missing" });
		if (p.product && !sim.store.products.has(p.product)) throw noSuch("prod", p.product, "product");
		if (p.recurring?.meter && !sim.store.meters.has(p.recurring.meter)) throw noSuch("meter", p.recurring.meter, "recurring[meter]");
		const now = sim.now();
		let productId = p.product;
		if (!productId && p.product_data) {
			const product: Product = { id: newId("prod", 14), object: "product", created: now, livemode: false, name: p.product_data.name, active: true, metadata: mergeMetadata({}, p.product_data.metadata) };
			sim.store.products.set(product.id, product);
			productId = product.id;
		}
		const decimal = p.unit_amount_decimal ?? String(p.unit_amount);
		const price: Price = {
			id: newId("price"),
			object: "price",
			created: now,
			livemode: false,
			active: p.active ?? true,
			billing_scheme: "per_unit",
			currency: p.currency.toLowerCase(),
			lookup_key: p.lookup_key ?? null,
			metadata: mergeMetadata({}, p.metadata),
			nickname: p.nickname ?? null,
			product: productId ?? "",
			recurring: p.recurring
				? { interval: p.recurring.interval, interval_count: p.recurring.interval_count ?? 1, usage_type: p.recurring.usage_type ?? "licensed", meter: p.recurring.meter ?? null, trial_period_days: null }
				: null,
			tax_behavior: "unspecified",
			type: p.recurring ? "recurring" : "one_time",
			unit_amount: Number.isInteger(Number(decimal)) ? Number(decimal) : null,
			unit_amount_decimal: decimal,
		};
		sim.store.prices.set(price.id, price);
		sim.emit("price.created", price, c.get("origin"));
		return c.json(present(sim.store, price, p.expand));
	});
	app.get("/prices", (c) => {
		const p = parseParams(z.strictObject({ ...page, lookup_keys: z.array(str()).optional(), active: bool().optional(), product: str().optional() }), c.get("params"));
		const all = [...sim.store.prices.values()]
			.filter((x) => (p.lookup_keys === undefined || (x.lookup_key !== null && p.lookup_keys.includes(x.lookup_key))) && (p.active === undefined || x.active === p.active) && (p.product === undefined || x.product === p.product))
			.reverse();
		return c.json(present(sim.store, listOf(all, p, "/v1/prices"), p.expand));
	});
	app.get("/prices/:id", (c) => {
		const p = parseParams(retrieve, c.get("params"));
		const found = sim.store.prices.get(c.req.param("id"));
		if (!found) throw noSuch("price", c.req.param("id"));
		return c.json(present(sim.store, found, p.expand));
	});

	app.get("/billing/meters/:id", (c) => {
		const p = parseParams(retrieve, c.get("params"));
		const found = sim.store.meters.get(c.req.param("id"));
		if (!found) throw noSuch("meter", c.req.param("id"));
		return c.json(present(sim.store, found, p.expand));
	});
	app.get("/payment_methods/:id", (c) => {
		const p = parseParams(retrieve, c.get("params"));
		const found = sim.store.paymentMethods.get(c.req.param("id"));
		if (!found) throw noSuch("pm", c.req.param("id"));
		return c.json(present(sim.store, found, p.expand));
	});
	return app;
}
