// GitRepos against the real git CLI: creation, refs, commits, merges (merge/squash/conflict),
// compare, rename/delete, and name validation; results are checked with git itself.
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitAlreadyExistsError, GitConflictError, GitInvalidNameError, GitNotFoundError, GitRepos } from "./repos.ts";
import { AUTHOR, type Sandbox, sandbox } from "./testing.ts";

let box: Sandbox;
let repos: GitRepos;
let dir: string;

beforeEach(async () => {
	box = await sandbox();
	repos = new GitRepos({ rootDir: join(box.dir, "repos") });
	dir = `--git-dir=${repos.path("acme", "widgets")}`;
});
afterEach(async () => {
	await box.remove();
});

const MERGER = { name: "Mona Merger", email: "mona@example.test" };

/** main: README (base change) ← feature: feature.txt; returns the two tips. */
async function diverge(): Promise<{ main: string; feature: string }> {
	await repos.create("acme", "widgets", { author: AUTHOR });
	await repos.createBranch("acme", "widgets", "feature", "main");
	const feature = await repos.commitFiles("acme", "widgets", { branch: "feature", files: { "feature.txt": "feature\n" }, message: "add feature", author: AUTHOR });
	const main = await repos.commitFiles("acme", "widgets", { branch: "main", files: { "README.md": "# widgets v2\n" }, message: "edit readme", author: AUTHOR });
	return { main: main.sha, feature: feature.sha };
}

describe("GitRepos.create", () => {
	it("makes a bare repository with a real initial commit on main, by the given author", async () => {
		const { sha } = await repos.create("acme", "widgets", { author: AUTHOR });
		expect(sha).toMatch(/^[0-9a-f]{40}$/);
		expect(await box.git([dir, "rev-parse", "--is-bare-repository"])).toBe("true");
		expect(await box.git([dir, "symbolic-ref", "HEAD"])).toBe("refs/heads/main");
		expect(await box.git([dir, "show", "main:README.md"])).toBe("# widgets");
		expect(await box.git([dir, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%s|%P", "main"])).toBe(
			"Test Author <author@example.test>|Test Author <author@example.test>|Initial commit|",
		);
		expect(await repos.branches("acme", "widgets")).toEqual([{ name: "main", sha }]);
		expect(repos.exists("acme", "widgets")).toBe(true);
	});

	it("honours defaultBranch and nested initialFiles; an empty file set makes an empty repository", async () => {
		await repos.create("acme", "docs", { defaultBranch: "trunk", initialFiles: { "a.txt": "A\n", "src/deep/b.ts": "export {};\n" } });
		const docs = `--git-dir=${repos.path("acme", "docs")}`;
		expect((await box.git([docs, "ls-tree", "-r", "--name-only", "trunk"])).split("\n")).toEqual(["a.txt", "src/deep/b.ts"]);
		expect(await box.git([docs, "log", "-1", "--format=%an", "trunk"])).toBe("GitHub Simulator");
		expect(await repos.create("acme", "empty", { initialFiles: {} })).toEqual({ sha: null });
		expect(await repos.branches("acme", "empty")).toEqual([]);
	});

	it("refuses an existing repository, unsafe names and bad paths (leaving nothing behind)", async () => {
		await repos.create("acme", "widgets");
		await expect(repos.create("acme", "widgets")).rejects.toBeInstanceOf(GitAlreadyExistsError);
		for (const [owner, name] of [["..", "x"], ["acme", ".."], ["acme", "a/b"], ["acme", "x.git"], ["", "x"]] as const) {
			await expect(repos.create(owner, name)).rejects.toBeInstanceOf(GitInvalidNameError);
		}
		for (const path of ["../escape.txt", ".git/config", "a//b", "/abs"]) {
			await expect(repos.create("acme", "bad", { initialFiles: { [path]: "x" } })).rejects.toBeInstanceOf(GitInvalidNameError);
		}
		expect(repos.exists("acme", "bad")).toBe(false);
	});
});

describe("GitRepos refs", () => {
	it("lists refs and branches and resolves names, full refs and short shas", async () => {
		const { main, feature } = await diverge();
		await box.git([dir, "tag", "v1", main]);
		expect(await repos.refs("acme", "widgets")).toEqual(new Map([["refs/heads/feature", feature], ["refs/heads/main", main], ["refs/tags/v1", main]]));
		expect(await repos.branches("acme", "widgets")).toEqual([{ name: "feature", sha: feature }, { name: "main", sha: main }]);
		expect(await repos.resolveRef("acme", "widgets", "feature")).toBe(feature);
		expect(await repos.resolveRef("acme", "widgets", "refs/heads/main")).toBe(main);
		expect(await repos.resolveRef("acme", "widgets", main.slice(0, 10))).toBe(main);
		expect(await repos.resolveRef("acme", "widgets", "nope")).toBeNull();
		expect(await repos.resolveRef("acme", "widgets", "--all")).toBeNull();
		await expect(repos.refs("acme", "missing")).rejects.toBeInstanceOf(GitNotFoundError);
	});

	it("commits changes and deletions on a branch, creates branches, refuses duplicates", async () => {
		const { feature } = await diverge();
		const { sha } = await repos.commitFiles("acme", "widgets", { branch: "feature", files: { "README.md": null, "x/y.txt": "y\n" }, message: "m", author: AUTHOR });
		expect(await box.git([dir, "rev-parse", `${sha}^`])).toBe(feature);
		expect((await box.git([dir, "ls-tree", "-r", "--name-only", sha])).split("\n")).toEqual(["feature.txt", "x/y.txt"]);
		const fresh = await repos.commitFiles("acme", "widgets", { branch: "topic", from: "main", files: { "t.txt": "t\n" }, message: "t", author: AUTHOR });
		expect(await repos.resolveRef("acme", "widgets", "topic")).toBe(fresh.sha);
		await expect(repos.createBranch("acme", "widgets", "topic", "main")).rejects.toBeInstanceOf(GitAlreadyExistsError);
		await expect(repos.createBranch("acme", "widgets", "other", "nope")).rejects.toBeInstanceOf(GitNotFoundError);
	});
});

describe("GitRepos.merge", () => {
	it("merge: a two-parent commit on base with both sides' changes, by the given author", async () => {
		const tips = await diverge();
		const { sha } = await repos.merge("acme", "widgets", { base: "main", head: "feature", method: "merge", message: "Merge pull request #1", author: MERGER });
		expect(await box.git([dir, "log", "-1", "--format=%P|%an <%ae>|%s", sha])).toBe(`${tips.main} ${tips.feature}|Mona Merger <mona@example.test>|Merge pull request #1`);
		expect(await box.git([dir, "show", `${sha}:README.md`])).toBe("# widgets v2");
		expect(await box.git([dir, "show", `${sha}:feature.txt`])).toBe("feature");
		expect(await repos.branches("acme", "widgets")).toEqual([{ name: "feature", sha: tips.feature }, { name: "main", sha }]);
		expect(await repos.compare("acme", "widgets", "main", "feature")).toEqual({ aheadBy: 0, behindBy: 2, mergeable: true });
	});

	it("squash: one parent (old base) and the merged tree; head may be a sha", async () => {
		const tips = await diverge();
		const { sha } = await repos.merge("acme", "widgets", { base: "main", head: tips.feature, method: "squash", message: "Add feature (#1)", author: MERGER });
		expect(await box.git([dir, "log", "-1", "--format=%P|%s", sha])).toBe(`${tips.main}|Add feature (#1)`);
		expect((await box.git([dir, "ls-tree", "-r", "--name-only", sha])).split("\n")).toEqual(["README.md", "feature.txt"]);
		expect(await box.git([dir, "diff", "--name-only", tips.main, sha])).toBe("feature.txt");
		expect(await repos.resolveRef("acme", "widgets", "main")).toBe(sha);
	});

	it("a conflict throws GitConflictError with the paths and leaves base untouched", async () => {
		const tips = await diverge();
		await repos.commitFiles("acme", "widgets", { branch: "feature", files: { "README.md": "# other\n" }, message: "clash", author: AUTHOR });
		expect(await repos.compare("acme", "widgets", "main", "feature")).toEqual({ aheadBy: 2, behindBy: 1, mergeable: false });
		const merging = repos.merge("acme", "widgets", { base: "main", head: "feature", method: "merge", message: "m", author: MERGER });
		await expect(merging).rejects.toBeInstanceOf(GitConflictError);
		await expect(merging).rejects.toMatchObject({ conflicts: ["README.md"] });
		expect(await repos.resolveRef("acme", "widgets", "main")).toBe(tips.main);
		await expect(repos.merge("acme", "widgets", { base: "nope", head: "feature", method: "merge", message: "m", author: MERGER })).rejects.toBeInstanceOf(GitNotFoundError);
	});

	it("concurrent merges into one base are serialized, neither is lost", async () => {
		await diverge();
		await repos.commitFiles("acme", "widgets", { branch: "other", from: "main", files: { "other.txt": "o\n" }, message: "o", author: AUTHOR });
		const merge = (head: string) => repos.merge("acme", "widgets", { base: "main", head, method: "merge", message: `merge ${head}`, author: MERGER });
		await Promise.all([merge("feature"), merge("other")]);
		expect((await box.git([dir, "ls-tree", "-r", "--name-only", "main"])).split("\n")).toEqual(["README.md", "feature.txt", "other.txt"]);
	});
});

describe("GitRepos rename and delete", () => {
	it("moves and removes repositories on disk", async () => {
		const { sha } = await repos.create("acme", "widgets");
		await repos.create("acme", "taken");
		await expect(repos.rename("acme", "widgets", "acme", "taken")).rejects.toBeInstanceOf(GitAlreadyExistsError);
		await repos.rename("acme", "widgets", "globex", "gadgets");
		expect(repos.exists("acme", "widgets")).toBe(false);
		expect(await repos.resolveRef("globex", "gadgets", "main")).toBe(sha);
		await expect(repos.rename("acme", "widgets", "acme", "again")).rejects.toBeInstanceOf(GitNotFoundError);
		await repos.delete("globex", "gadgets");
		expect(repos.exists("globex", "gadgets")).toBe(false);
	});
});
