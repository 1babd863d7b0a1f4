import { describe, expect, it } from "vitest";
import { deriveBranch, slugify } from "./branch.ts";
import { branchNameProblem } from "./git-ref.ts";

describe("deriveBranch", () => {
	it("turns the conventional prefix into a folder and appends the suffix", () => {
		expect(deriveBranch("feat: add dark mode", "ab12")).toBe("feat/add-dark-mode-ab12");
		expect(deriveBranch("Make it faster", "zz99")).toBe("make-it-faster-zz99");
		expect(deriveBranch("fix(ui): broken button", "0000")).toBe("fix/broken-button-0000");
	});

	it("is always a legal git ref of at most 50 characters", () => {
		const titles = [`feat: ${"a".repeat(200)}`, "Ünïcödé — títle!", "  ", "..lock", "@{weird}/path//x", "日本語のタイトル"];
		for (const title of titles) {
			const branch = deriveBranch(title);
			expect(branch.length).toBeLessThanOrEqual(50);
			expect(branchNameProblem(branch)).toBeNull();
		}
	});

	it("gives different branches to equal titles", () => {
		expect(deriveBranch("same")).not.toBe(deriveBranch("same"));
	});

	it("slugifies accents and punctuation", () => {
		expect(slugify("Crème brûlée: v2.0!")).toBe("creme-brulee-v2-0");
	});
});

describe("branchNameProblem", () => {
	it.each(["main", "feature/x", "fix/issue-12", "a.b", "user/name/topic"])("accepts %s", (name) => {
		expect(branchNameProblem(name)).toBeNull();
	});
	it.each([
		["", "is empty"],
		["@", "cannot be '@'"],
		["-x", "cannot start with '-'"],
		["/x", "cannot start or end with '/'"],
		["x/", "cannot start or end with '/'"],
		["x.", "cannot end with '.'"],
		["a//b", "cannot contain '//'"],
		["a..b", "cannot contain '..'"],
		["a@{b", "cannot contain '@{'"],
		["a b", "cannot contain spaces"],
		["a~b", "cannot contain spaces"],
		["a:b", "cannot contain spaces"],
		["a\\b", "cannot contain spaces"],
		["a\tb", "cannot contain spaces"],
		[".hidden", "starting with '.'"],
		["x/.y", "starting with '.'"],
		["x.lock", "ending in '.lock'"],
		["x.lock/y", "ending in '.lock'"],
	])("rejects %j", (name, problem) => {
		expect(branchNameProblem(name)).toContain(problem);
	});
});
