// Bare repositories on disk, <rootDir>/<owner>/<name>.git, driven with the git CLI: creation with a
// real initial commit, branches and refs, commits, compare, and real merges (merge commit or squash).
import { existsSync, mkdirSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type Author, type FileChanges, identityArgs, writeCommit, ZERO_SHA } from "./commits.ts";
import { GitAlreadyExistsError, GitCommandError, GitConflictError, GitInvalidNameError, GitNotFoundError } from "./errors.ts";
import { git, runGit } from "./exec.ts";

export type { Author, FileChanges } from "./commits.ts";
export { ZERO_SHA } from "./commits.ts";
export { GitAlreadyExistsError, GitCommandError, GitConflictError, GitError, GitInvalidNameError, GitNotFoundError } from "./errors.ts";

export const DEFAULT_AUTHOR: Author = { name: "GitHub Simulator", email: "sim@github.local" };

export interface CreateRepoOptions {
	defaultBranch?: string;
	/** Files of the initial commit; default a README.md. An empty object makes an empty repository. */
	initialFiles?: Record<string, string>;
	author?: Author;
}

export interface MergeOptions {
	base: string;
	/** A branch name, or any revision (a sha) when no such branch exists. */
	head: string;
	method: "merge" | "squash";
	message: string;
	author: Author;
}

export interface Comparison {
	aheadBy: number;
	behindBy: number;
	mergeable: boolean;
}

/** GitHub's charset for owners and repository names; "." / ".." and a ".git" suffix are refused. */
export function isValidRepoSegment(segment: string): boolean {
	return /^[A-Za-z0-9._-]{1,100}$/.test(segment) && segment !== "." && segment !== ".." && !segment.toLowerCase().endsWith(".git");
}

const heads = (branch: string) => `refs/heads/${branch}`;

export class GitRepos {
	readonly rootDir: string;
	readonly #locks = new Map<string, Promise<void>>();

	constructor(opts: { rootDir: string }) {
		this.rootDir = opts.rootDir;
		mkdirSync(this.rootDir, { recursive: true });
	}

	/** Where the bare repository lives; throws GitInvalidNameError for unsafe names. */
	path(owner: string, name: string): string {
		for (const segment of [owner, name]) {
			if (!isValidRepoSegment(segment)) throw new GitInvalidNameError(`invalid owner or repository name: ${JSON.stringify(segment)}`);
		}
		return join(this.rootDir, owner, `${name}.git`);
	}

	exists(owner: string, name: string): boolean {
		return isValidRepoSegment(owner) && isValidRepoSegment(name) && existsSync(this.path(owner, name));
	}

	/** Runs `fn` while no other exclusive section of the same repository runs (pushes, merges). */
	async exclusive<T>(owner: string, name: string, fn: () => Promise<T>): Promise<T> {
		const key = `${owner}/${name}`;
		const previous = this.#locks.get(key);
		let release: (() => void) | undefined;
		const gate = new Promise<void>((resolve) => (release = resolve));
		this.#locks.set(key, gate);
		if (previous) await previous;
		try {
			return await fn();
		} finally {
			release?.();
			if (this.#locks.get(key) === gate) this.#locks.delete(key);
		}
	}

	/** Creates the bare repository; returns the initial commit (null when created empty). */
	async create(owner: string, name: string, opts: CreateRepoOptions = {}): Promise<{ sha: string | null }> {
		const dir = this.path(owner, name);
		if (existsSync(dir)) throw new GitAlreadyExistsError(`repository ${owner}/${name} already exists`);
		const branch = opts.defaultBranch ?? "main";
		await mkdir(dirname(dir), { recursive: true });
		try {
			await git(["init", "--quiet", "--bare", "-b", branch, dir]);
			const files = opts.initialFiles ?? { "README.md": `# ${name}\n` };
			if (Object.keys(files).length === 0) return { sha: null };
			const author = opts.author ?? DEFAULT_AUTHOR;
			const sha = await writeCommit({ gitDir: dir, ref: heads(branch), parent: null, files, message: "Initial commit", author });
			return { sha };
		} catch (err) {
			// Leave no half-made repository behind; the caller gets the original error.
			await rm(dir, { recursive: true, force: true });
			throw err;
		}
	}

	async delete(owner: string, name: string): Promise<void> {
		await rm(this.path(owner, name), { recursive: true, force: true });
	}

	async rename(owner: string, name: string, newOwner: string, newName: string): Promise<void> {
		const source = this.#existing(owner, name);
		const target = this.path(newOwner, newName);
		if (existsSync(target)) throw new GitAlreadyExistsError(`repository ${newOwner}/${newName} already exists`);
		await mkdir(dirname(target), { recursive: true });
		await rename(source, target);
	}

	/** Creates `branch` at the tip of branch `from`; returns its sha. */
	async createBranch(owner: string, name: string, branch: string, from: string): Promise<string> {
		const dir = this.#existing(owner, name);
		const sha = await this.#branchSha(dir, from);
		if (!sha) throw new GitNotFoundError(`branch ${from} not found in ${owner}/${name}`);
		const created = await runGit([`--git-dir=${dir}`, "update-ref", heads(branch), sha, ZERO_SHA]);
		if (created.exitCode !== 0) {
			if (await this.#branchSha(dir, branch)) throw new GitAlreadyExistsError(`branch ${branch} already exists in ${owner}/${name}`);
			throw new GitCommandError(["update-ref", heads(branch)], created.exitCode, created.stderr);
		}
		return sha;
	}

	/** Commits file changes on `branch` (created from branch `from` when missing); returns the sha. */
	async commitFiles(
		owner: string,
		name: string,
		opts: { branch: string; files: FileChanges; message: string; author: Author; from?: string },
	): Promise<{ sha: string }> {
		const dir = this.#existing(owner, name);
		return this.exclusive(owner, name, async () => {
			const tip = await this.#branchSha(dir, opts.branch);
			const parent = tip ?? (opts.from === undefined ? null : await this.#branchSha(dir, opts.from));
			if (!parent) throw new GitNotFoundError(`branch ${opts.from ?? opts.branch} not found in ${owner}/${name}`);
			const input = { gitDir: dir, ref: heads(opts.branch), parent, files: opts.files, message: opts.message, author: opts.author };
			return { sha: await writeCommit({ ...input, expected: tip }) };
		});
	}

	/** Every ref (refs/heads/*, refs/tags/*, …) with the object it points at. */
	async refs(owner: string, name: string): Promise<Map<string, string>> {
		const out = await git([`--git-dir=${this.#existing(owner, name)}`, "for-each-ref", "--format=%(objectname) %(refname)"]);
		const refs = new Map<string, string>();
		for (const line of out.split("\n")) {
			const space = line.indexOf(" ");
			if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
		}
		return refs;
	}

	async branches(owner: string, name: string): Promise<Array<{ name: string; sha: string }>> {
		const out: Array<{ name: string; sha: string }> = [];
		for (const [ref, sha] of await this.refs(owner, name)) {
			if (ref.startsWith("refs/heads/")) out.push({ name: ref.slice("refs/heads/".length), sha });
		}
		return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	}

	/** The commit a branch name, full ref or (abbreviated) sha names; null when it names none. */
	async resolveRef(owner: string, name: string, ref: string): Promise<string | null> {
		return this.#resolve(this.#existing(owner, name), ref);
	}

	/** Merges head into base inside the bare repository and moves base. Throws GitConflictError. */
	async merge(owner: string, name: string, opts: MergeOptions): Promise<{ sha: string }> {
		const dir = this.#existing(owner, name);
		return this.exclusive(owner, name, async () => {
			const { baseSha, headSha } = await this.#pair(dir, `${owner}/${name}`, opts.base, opts.head);
			const tree = await this.#mergeTree(dir, baseSha, headSha);
			if (typeof tree !== "string") {
				throw new GitConflictError(`merging ${opts.head} into ${opts.base} conflicts in ${tree.conflicts.join(", ")}`, tree.conflicts);
			}
			const parents = opts.method === "merge" ? ["-p", baseSha, "-p", headSha] : ["-p", baseSha];
			const gitDir = `--git-dir=${dir}`;
			const sha = await git([...identityArgs(opts.author), gitDir, "commit-tree", tree, ...parents, "-m", opts.message]);
			// Compare-and-swap: fails rather than overwrite a base that moved since we read it.
			await git([gitDir, "update-ref", heads(opts.base), sha, baseSha]);
			return { sha };
		});
	}

	/** How head relates to base, like GitHub's compare: commits ahead/behind and a clean merge. */
	async compare(owner: string, name: string, base: string, head: string): Promise<Comparison> {
		const dir = this.#existing(owner, name);
		const { baseSha, headSha } = await this.#pair(dir, `${owner}/${name}`, base, head);
		const counts = await git([`--git-dir=${dir}`, "rev-list", "--left-right", "--count", `${baseSha}...${headSha}`]);
		const [behind, ahead] = counts.split(/\s+/).map((n) => Number.parseInt(n, 10));
		const tree = await this.#mergeTree(dir, baseSha, headSha);
		return { aheadBy: ahead ?? 0, behindBy: behind ?? 0, mergeable: typeof tree === "string" };
	}

	#existing(owner: string, name: string): string {
		const dir = this.path(owner, name);
		if (!existsSync(dir)) throw new GitNotFoundError(`repository ${owner}/${name} not found`);
		return dir;
	}

	async #resolve(dir: string, ref: string): Promise<string | null> {
		// A leading "-" would be read as an option; no ref or sha starts with one.
		if (ref.startsWith("-") || ref.length === 0) return null;
		const result = await runGit([`--git-dir=${dir}`, "rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
		return result.exitCode === 0 ? result.stdout.trim() : null;
	}

	#branchSha(dir: string, branch: string): Promise<string | null> {
		return this.#resolve(dir, heads(branch));
	}

	async #pair(dir: string, repo: string, base: string, head: string): Promise<{ baseSha: string; headSha: string }> {
		const baseSha = await this.#branchSha(dir, base);
		if (!baseSha) throw new GitNotFoundError(`branch ${base} not found in ${repo}`);
		const headSha = (await this.#branchSha(dir, head)) ?? (await this.#resolve(dir, head));
		if (!headSha) throw new GitNotFoundError(`branch or commit ${head} not found in ${repo}`);
		return { baseSha, headSha };
	}

	/** The merged tree, or the conflicting paths (merge-tree exits 1 on conflicts, ≥ 2 on errors). */
	async #mergeTree(dir: string, baseSha: string, headSha: string): Promise<string | { conflicts: string[] }> {
		const args = [`--git-dir=${dir}`, "merge-tree", "--write-tree", "--name-only", "--no-messages", baseSha, headSha];
		const result = await runGit(args);
		const [tree = "", ...rest] = result.stdout.split("\n");
		if (result.exitCode === 0) return tree.trim();
		if (result.exitCode !== 1) throw new GitCommandError(args, result.exitCode, result.stderr);
		return { conflicts: [...new Set(rest.filter((line) => line.length > 0))] };
	}
}
