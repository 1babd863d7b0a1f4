import { FoundryError } from "@foundry/shared";
import { describe, expect, it } from "vitest";
import { GithubHost, locateRepo, parseRepoLocation } from "./repo-url.ts";

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

	it("reads file:// URLs as local paths", () => {
		expect(parseRepoLocation("file:///srv/git/tools.git")).toEqual({ kind: "local", url: "/srv/git/tools.git", name: "tools" });
		expect(parseRepoLocation("file://localhost/srv/a%20b")).toEqual({ kind: "local", url: "/srv/a b", name: "a b" });
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
		"file://",
		"file:///",
		"file://other-host/srv/x",
		"file:///srv/%E0%A4%A",
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

describe("GithubHost and locateRepo", () => {
	const github = GithubHost.parse("https://GitHub.com/");

	it("is exactly the configured origin: scheme, host and port", () => {
		expect(github.origin).toBe("https://github.com");
		expect(github.owns("https://github.com/acme/w")).toBe(true);
		expect(github.owns("https://github.com:443/acme/w")).toBe(true);
		for (const other of ["http://github.com/acme/w", "https://github.com:8443/acme/w", "https://github.com.evil.example/acme/w", "https://evil.example/github.com/acme", "/srv/git/x", "not a url"]) {
			expect(github.owns(other), other).toBe(false);
		}
		const sim = GithubHost.parse("http://127.0.0.1:7790");
		expect(sim.owns("http://127.0.0.1:7790/acme/w")).toBe(true);
		expect(sim.owns("http://127.0.0.1:7791/acme/w")).toBe(false);
	});

	it("lazy parses on first use only, then returns the same host", () => {
		let reads = 0;
		const host = GithubHost.lazy(() => {
			reads++;
			return "https://github.com";
		});
		expect(reads).toBe(0);
		expect(host()).toBe(host());
		expect(reads).toBe(1);
	});

	it("refuses a GitHub URL that is not http(s) or carries credentials", () => {
		for (const bad of ["ftp://github.com", "https://user:pw@github.com", "github.com"]) expect(() => GithubHost.parse(bad), bad).toThrow(FoundryError);
	});

	it("classifies stored repositories: GitHub, another host, a local path", () => {
		expect(locateRepo("https://github.com/acme/widgets", github)).toEqual({
			kind: "github",
			url: "https://github.com/acme/widgets",
			cloneUrl: "https://github.com/acme/widgets.git",
			origin: "https://github.com",
			fullName: "acme/widgets",
		});
		expect(locateRepo("https://git.example.invalid/acme/x", github)).toEqual({
			kind: "https",
			url: "https://git.example.invalid/acme/x",
			cloneUrl: "https://git.example.invalid/acme/x.git",
			origin: "https://git.example.invalid",
		});
		expect(locateRepo("/srv/git/a b.git", github)).toEqual({ kind: "local", url: "/srv/git/a b.git", path: "/srv/git/a b.git", cloneUrl: "file:///srv/git/a%20b.git" });
	});
});
