import { describe, expect, it } from "vitest";
import { capTitle, deriveTitle } from "./title.ts";

describe("deriveTitle", () => {
	it.each([
		["Add dark mode to settings", "feat: add dark mode to settings"],
		["fix the login redirect loop", "fix: the login redirect loop"],
		["Refactor the billing module", "refactor: the billing module"],
		["Document the public API.", "docs: document the public API"],
		["feat(ui): new sidebar", "feat(ui): new sidebar"],
		["FIX: Uppercase prefix", "fix: Uppercase prefix"],
		["Make the cache smarter", "Make the cache smarter"],
		["Fix", "Fix"],
		["\n\n   Implement   retries\twith backoff  \nsecond line", "feat: implement retries with backoff"],
		["Add README section", "feat: add README section"],
	])("%j → %j", (prompt, title) => {
		expect(deriveTitle(prompt)).toBe(title);
	});

	it("caps long first lines at a word boundary with an ellipsis", () => {
		const title = deriveTitle(`Add ${"something ".repeat(20)}`);
		expect(title.length).toBeLessThanOrEqual(60);
		expect(title.endsWith("…")).toBe(true);
		expect(title).not.toMatch(/ …$/);
	});

	it("cuts a single long word hard", () => {
		expect(capTitle("x".repeat(100), 10)).toBe(`${"x".repeat(9)}…`);
	});
});
