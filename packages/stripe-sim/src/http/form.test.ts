// The bracket-notation decoder against what the stripe SDK and curl send.
import { describe, expect, it } from "vitest";
import { FormError, parseForm, splitKey } from "./form.ts";

describe("parseForm", () => {
	it("decodes nested hashes and indexed arrays as the SDK sends them", () => {
		const body = "mode=subscription&line_items[0][price]=price_a&line_items[0][quantity]=2&line_items[1][price]=price_b&metadata[org]=acme&expand[0]=subscription";
		expect(parseForm(body)).toEqual({
			mode: "subscription",
			line_items: [
				{ price: "price_a", quantity: "2" },
				{ price: "price_b" },
			],
			metadata: { org: "acme" },
			expand: ["subscription"],
		});
	});

	it("decodes percent-encoded brackets, `[]` appends and empty values", () => {
		expect(parseForm("expand%5B%5D=a&expand[]=b.c&description=&metadata[x]=")).toEqual({ expand: ["a", "b.c"], description: "", metadata: { x: "" } });
	});

	it("orders arrays by index", () => {
		expect(parseForm("items[1][id]=b&items[0][id]=a")).toEqual({ items: [{ id: "a" }, { id: "b" }] });
	});

	it("refuses a key that is both a value and a hash, and malformed names", () => {
		expect(() => parseForm("a=1&a[b]=2")).toThrow(FormError);
		expect(() => parseForm("a[b]=2&a=1")).toThrow(FormError);
		expect(() => splitKey("[x]")).toThrow(FormError);
		expect(splitKey("payload[stripe_customer_id]")).toEqual(["payload", "stripe_customer_id"]);
	});
});
