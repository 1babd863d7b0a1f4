import { describe, expect, it } from "vitest";
import { FoundryError } from "../errors.ts";
import { parseInput } from "../parse.ts";
import { REPO_PATH_MAX, type RepoPath, repoPathSchema } from "./repo-path.ts";

const parse = (value: unknown): RepoPath => parseInput(repoPathSchema, value, "path");

describe("repoPathSchema", () => {
	it.each([
		["README.md", "README.md"],
		["src/a.ts", "src/a.ts"],
		["./src//a.ts", "src/a.ts"],
		["src/./a.ts/", "src/a.ts"],
		["dir with spaces/ü.txt", "dir with spaces/ü.txt"],
		["-rf", "-rf"],
		["a..b/c...", "a..b/c..."],
		[".github/workflows/ci.yml", ".github/workflows/ci.yml"],
		[".gitignore", ".gitignore"],
	])("accepts %j as %j", (input, normalized) => {
		expect(parse(input)).toBe(normalized);
	});

	it.each([
		["", "empty"],
		[".", "the repository itself"],
		["./", "the repository itself"],
		["..", "'..'"],
		["../x", "'..'"],
		["../../../auth-secret", "'..'"],
		["a/../../x", "'..'"],
		["a/..", "'..'"],
		["/etc/passwd", "absolute"],
		["//etc/passwd", "absolute"],
		["C:/Windows/win.ini", "drive"],
		["~/.ssh/id_rsa", "home"],
		["..\\..\\x", "backslash"],
		["a\\b", "backslash"],
		["a\u0000b", "control"],
		["a\nb", "control"],
		[".git/config", ".git"],
		["sub/.GIT/hooks/pre-commit", ".git"],
		["x".repeat(REPO_PATH_MAX + 1), "at most"],
		[`${"y".repeat(256)}/z`, "255 bytes"],
	])("refuses %j (%s) as INVALID_INPUT", (input, why) => {
		try {
			parse(input);
			expect.unreachable();
		} catch (err) {
			expect(err).toBeInstanceOf(FoundryError);
			expect((err as FoundryError).code).toBe("INVALID_INPUT");
			expect((err as FoundryError).message).toContain(why);
		}
	});

	it("refuses what is not a string", () => {
		for (const input of [undefined, null, 1, ["a"], { path: "a" }]) expect(() => parse(input)).toThrow(FoundryError);
	});
});
