// Files of the clone: the changes summary and per-file diffs against the default branch, and revert.
// A path a user names arrives as a RepoPath (relative, no `..`); before anything acts on it, its
// resolution in the sandbox (symlinks included) must stay inside the repository.
import type { ChangeFile, ChangesSummary, RepoPath } from "@foundry/shared";
import { FoundryError } from "@foundry/shared";
import { chunkByBytes } from "../shared/queue-limits.ts";
import { git, type RepoSpec, repoDir } from "./git.ts";
import type { SandboxRuntime } from "./runtime.ts";

export async function changesSummary(rt: SandboxRuntime, root: string, repo: RepoSpec): Promise<ChangesSummary> {
	const dir = repoDir(root);
	const base = `origin/${repo.defaultBranch}`;
	const status = await git(rt, dir, ["status", "--porcelain=v1", "--untracked-files=all"]);
	const numstat = await git(rt, dir, ["diff", "--numstat", base]);
	const ahead = Number((await git(rt, dir, ["rev-list", "--count", `${base}..HEAD`])).trim()) || 0;
	const files = new Map<string, ChangeFile>();
	for (const line of numstat.split("\n").filter(Boolean)) {
		const [added, removed, ...path] = line.split("\t");
		const p = path.join("\t");
		files.set(p, { path: p, status: "committed", added: added === "-" ? null : Number(added), removed: removed === "-" ? null : Number(removed) });
	}
	for (const line of status.split("\n").filter(Boolean)) {
		const code = line.slice(0, 2).trim();
		const p = line.slice(3);
		const held = files.get(p);
		files.set(p, { path: p, status: code === "??" ? "untracked" : code, added: held?.added ?? null, removed: held?.removed ?? null });
	}
	const sorted = [...files.values()].sort((a, b) => a.path.localeCompare(b.path));
	// The summary travels to the task in one message with the diffs (see QUEUE_LIMITS.task).
	return { files: chunkByBytes(sorted, SUMMARY_MAX_BYTES)[0] ?? [], ahead, computedAt: Date.now() };
}

/** Files listed in a summary (thousands of changed files list their first ~150–300 paths). */
const SUMMARY_MAX_BYTES = 32 * 1024;
/** One file's diff, in characters (up to 3 bytes each), and all diffs, in bytes. */
const DIFF_MAX = 16_000;
const DIFFS_TOTAL_MAX = 96 * 1024;

/**
 * Per-file diff against the default branch (working tree included), each capped. The paths come from
 * git's own status of the clone, not from a user; git diffs a symlink as its target text and never
 * follows it, and `--literal-pathspecs` keeps a name like `*` or `:(top)` from matching other files.
 */
export async function fileDiffs(rt: SandboxRuntime, root: string, repo: RepoSpec, paths: string[]): Promise<Array<{ path: string; diff: string }>> {
	const dir = repoDir(root);
	const out: Array<{ path: string; diff: string }> = [];
	let total = 0;
	for (const path of paths.slice(0, 200)) {
		if (total > DIFFS_TOTAL_MAX) {
			out.push({ path, diff: "… not shown: the change is too large" });
			continue;
		}
		const tracked = await rt.run("git", ["--literal-pathspecs", "ls-files", "--error-unmatch", "--", path], { cwd: dir });
		const args = tracked.exitCode === 0 ? ["diff", `origin/${repo.defaultBranch}`, "--", path] : ["diff", "--no-index", "--", "/dev/null", path];
		const res = await rt.run("git", ["--literal-pathspecs", ...args], { cwd: dir });
		const diff = res.stdout.length > DIFF_MAX ? `${res.stdout.slice(0, DIFF_MAX)}\n… diff truncated` : res.stdout;
		total += Buffer.byteLength(diff, "utf8");
		out.push({ path, diff });
	}
	return out;
}

/**
 * Refuses (INVALID_INPUT) a path whose resolution leaves the repository's work tree: through a
 * symlink (a file or a directory on the way), into `.git`, or onto the repository itself. Resolved
 * by the sandbox's own `realpath -m` (missing components allowed: reverting a deleted file).
 *
 * Residual risk: the agent could swap a checked directory for a symlink between this check and
 * the command that follows (same sandbox, same user); the sandbox boundary bounds what that reaches.
 */
export async function assertInsideRepo(rt: SandboxRuntime, root: string, path: RepoPath): Promise<void> {
	const dir = repoDir(root);
	const res = await rt.run("realpath", ["-m", "--", dir, `${dir}/${path}`], { cwd: root });
	if (res.exitCode !== 0) throw new FoundryError("UPSTREAM_FAILED", `could not resolve ${path} in the sandbox: ${res.stderr.trim()}`);
	// RepoPath has no newline, so the two answers are the two lines.
	const [base = "", target = ""] = res.stdout.split("\n");
	const inside = base.length > 0 && target.startsWith(`${base}/`);
	const inGit = target === `${base}/.git` || target.startsWith(`${base}/.git/`);
	if (!inside || inGit) {
		throw new FoundryError("INVALID_INPUT", `path ${path} resolves outside the repository's files (a symlink?); nothing was changed`, { path });
	}
}

/** Restores one file to the default branch's version (or removes it when it is new). */
export async function revertFile(rt: SandboxRuntime, root: string, repo: RepoSpec, path: RepoPath): Promise<void> {
	await assertInsideRepo(rt, root, path);
	const dir = repoDir(root);
	const onBase = await rt.run("git", ["cat-file", "-e", `origin/${repo.defaultBranch}:${path}`], { cwd: dir });
	if (onBase.exitCode === 0) await git(rt, dir, ["--literal-pathspecs", "checkout", `origin/${repo.defaultBranch}`, "--", path]);
	else {
		const unstage = await rt.run("git", ["--literal-pathspecs", "rm", "--cached", "--quiet", "--ignore-unmatch", "--", path], { cwd: dir });
		if (unstage.exitCode !== 0) throw new FoundryError("UPSTREAM_FAILED", `could not unstage ${path}: ${unstage.stderr.trim()}`);
		const rm = await rt.run("rm", ["-f", "--", path], { cwd: dir });
		if (rm.exitCode !== 0) throw new FoundryError("UPSTREAM_FAILED", `could not remove ${path}: ${rm.stderr.trim()}`);
	}
}
