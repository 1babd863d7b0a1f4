// Stripe's request encoding: application/x-www-form-urlencoded (or a query string) with bracket
// notation, decoded into a tree. `a[b]=1` → { a: { b: "1" } }; `a[0][c]=1` and `a[][c]=1` →
// { a: [{ c: "1" }] }; values stay strings (the SDK sends numbers and booleans as text, null as "").

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormTree = { [key: string]: FormValue };

const KEY = /^([^[\]]+)((?:\[[^\]]*\])*)$/;

export class FormError extends Error {}

/** Splits `line_items[0][price]` into ["line_items", "0", "price"]; `expand[]` into ["expand", ""]. */
export function splitKey(key: string): string[] {
	const m = KEY.exec(key);
	if (!m?.[1]) throw new FormError(`Invalid parameter name: ${key}`);
	const rest = m[2] ?? "";
	const segments = [m[1]];
	for (const seg of rest.matchAll(/\[([^\]]*)\]/g)) segments.push(seg[1] ?? "");
	return segments;
}

type Node = { [key: string]: Node | string };

function isNode(v: Node | string | undefined): v is Node {
	return typeof v === "object";
}

/** Decodes a form body or a query string (without the leading "?"). */
export function parseForm(encoded: string): FormTree {
	const root: Node = {};
	for (const [key, value] of new URLSearchParams(encoded)) {
		const path = splitKey(key);
		let node = root;
		for (let i = 0; i < path.length; i++) {
			let seg = path[i] ?? "";
			// `[]` appends: the next free index of that (array-like) node.
			if (seg === "" && i > 0) seg = String(Object.keys(node).length);
			const last = i === path.length - 1;
			if (last) {
				if (isNode(node[seg])) throw new FormError(`Invalid parameter: ${key} is both a value and a hash`);
				node[seg] = value;
			} else {
				const next = node[seg];
				if (typeof next === "string") throw new FormError(`Invalid parameter: ${key} is both a value and a hash`);
				const created: Node = next ?? {};
				node[seg] = created;
				node = created;
			}
		}
	}
	return toTree(root);
}

function toValue(v: Node | string): FormValue {
	if (typeof v === "string") return v;
	const keys = Object.keys(v);
	// Hashes whose keys are all indices become arrays, in index order (gaps close up, as in Stripe).
	if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
		return keys
			.map(Number)
			.sort((a, b) => a - b)
			.map((k) => toValue(v[String(k)] as Node | string));
	}
	return toTree(v);
}

function toTree(node: Node): FormTree {
	const out: FormTree = {};
	for (const [k, v] of Object.entries(node)) out[k] = toValue(v);
	return out;
}
