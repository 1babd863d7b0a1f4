import { FoundryError } from "@foundry/shared";
import { describe, expect, it } from "vitest";
import { parseRepoLocation } from "./repo-url.ts";

describe("parseRepoLocation", () => {
	it.each([
		["https://github.com/acme/widgets", "https://github.com/acme/widgets", "acme/widgets"],
		["https://GitHub.com/acme/widgets.git", "https://github.com/acme/widgets", "acme/widgets"],
		["https://git.example.com:8443/group/sub/repo.git/", "https://git.example.com:8443/group/sub/repo", "sub/repo"],
		["http://127.0.0.1:9000/o/r.git", "http://127.0.0.1:9000/o/r", "o/r"],
	])("remote %s", (input, url, name) => {
		expect(parseRepoLocation(input)).toEqual({ kind: "remote", url, name });
	});

	it("normalises local paths", () => {
		expect(parseRepoLocation("/srv/git//tools.git/")).toEqual({ kind: "local", url: "/srv/git/tools.git", name: "tools" });
		expect(parseRepoLocation("/srv/x/../y")).toEqual({ kind: "local", url: "/srv/y", name: "y" });
	});

	it.each([
		"github.com/acme/widgets",
		"git@github.com:acme/widgets.git",
		"ssh://git@github.com/acme/widgets",
		"ftp://example.com/r",
		"https://",
		"https://example.com",
		"https://user:pass@example.com/a/b",
		"https://example.com/a/b?token=x",
		"relative/path",
		"/",
	])("rejects %s as INVALID_INPUT", (input) => {
		try {
			parseRepoLocation(input);
			expect.unreachable();
		} catch (err) {
			expect(err).toBeInstanceOf(FoundryError);
			expect((err as FoundryError).code).toBe("INVALID_INPUT");
		}
	});
});
