// Git inside the sandbox (the backend holds no git state): clone with the task owner's token through
// a credential store file (mode 600, rewritten whenever the owner may have changed), branch, identity,
// push, changes summary, diff, revert. Every failure carries git's stderr.
import type { ChangeFile, ChangesSummary, GitIdentity } from "@foundry/shared";
import { FoundryError } from "@foundry/shared";
import { z } from "zod";
import type { SandboxRuntime } from "./runtime.ts";

/** The task's repository as messages carry it (the default branch is learnt from the clone). */
export const repoSchema = z.object({ url: z.string().min(1), branch: z.string().min(1) });

export interface RepoSpec {
	url: string;
	branch: string;
	defaultBranch: string;
}

const CLONE_TIMEOUT_MS = 300_000;

export const repoDir = (root: string) => `${root}/repo`;
const credentialsFile = (root: string) => `${root}/git-credentials`;

/** Where the token is valid: scheme + host of the repository URL. */
function credentialLine(url: string, token: string): string {
	const u = new URL(url);
	return `${u.protocol}//x-access-token:${encodeURIComponent(token)}@${u.host}\n`;
}

async function git(rt: SandboxRuntime, cwd: string, args: string[], timeoutMs?: number): Promise<string> {
	const res = await rt.run("git", args, { cwd, env: { GIT_TERMINAL_PROMPT: "0" }, timeoutMs });
	if (res.exitCode !== 0) {
		const stderr = (res.stderr || res.stdout).trim() || (res.timedOut ? "timed out" : `exit ${String(res.exitCode)}`);
		throw new FoundryError("UPSTREAM_FAILED", `git ${args[0] ?? ""} failed: ${stderr}`, { stderr });
	}
	return res.stdout;
}

/** Writes the owner's credentials (mode 600) and points git at them. */
export async function writeCredentials(rt: SandboxRuntime, root: string, url: string, who: GitIdentity): Promise<void> {
	const file = credentialsFile(root);
	await rt.writeFile(file, credentialLine(url, who.token));
	const res = await rt.run("chmod", ["600", file], { cwd: root });
	if (res.exitCode !== 0) throw new FoundryError("UPSTREAM_FAILED", `could not protect the git credentials: ${res.stderr.trim()}`);
}

async function configure(rt: SandboxRuntime, root: string, who: GitIdentity): Promise<void> {
	const dir = repoDir(root);
	await git(rt, dir, ["config", "credential.helper", `store --file=${credentialsFile(root)}`]);
	await git(rt, dir, ["config", "user.name", who.name]);
	await git(rt, dir, ["config", "user.email", who.email]);
}

/**
 * Clones the repository as the owner and checks out the task branch (created from the default
 * branch when GitHub does not have it yet). Returns the default branch.
 */
export async function prepareRepo(rt: SandboxRuntime, root: string, repo: Omit<RepoSpec, "defaultBranch">, who: GitIdentity): Promise<string> {
	await writeCredentials(rt, root, repo.url, who);
	const cloned = await rt.run("test", ["-d", `${repoDir(root)}/.git`], { cwd: root });
	if (cloned.exitCode !== 0) {
		await git(rt, root, ["-c", `credential.helper=store --file=${credentialsFile(root)}`, "clone", "--quiet", gitUrl(repo.url), "repo"], CLONE_TIMEOUT_MS);
	}
	await configure(rt, root, who);
	const dir = repoDir(root);
	const head = await rt.run("git", ["symbolic-ref", "--short", "refs/remotes/origin/HEAD"], { cwd: dir });
	const defaultBranch = head.exitCode === 0 ? head.stdout.trim().replace(/^origin\//, "") : "main";
	const remote = await rt.run("git", ["rev-parse", "--verify", "--quiet", `refs/remotes/origin/${repo.branch}`], { cwd: dir });
	if (remote.exitCode === 0) await git(rt, dir, ["checkout", "--quiet", "-B", repo.branch, `origin/${repo.branch}`]);
	else await git(rt, dir, ["checkout", "--quiet", "-B", repo.branch, `origin/${defaultBranch}`]);
	return defaultBranch;
}

/** The clone URL of a repository's web URL (GitHub and the simulator serve `<web>/<owner>/<repo>.git`). */
export function gitUrl(url: string): string {
	return url.endsWith(".git") ? url : `${url}.git`;
}

/** Pushes the task branch as the current owner (their permission on GitHub decides). */
export async function pushBranch(rt: SandboxRuntime, root: string, repo: RepoSpec, who: GitIdentity): Promise<string> {
	await writeCredentials(rt, root, repo.url, who);
	await configure(rt, root, who);
	const dir = repoDir(root);
	await git(rt, dir, ["push", "--porcelain", "origin", `HEAD:refs/heads/${repo.branch}`], CLONE_TIMEOUT_MS);
	return (await git(rt, dir, ["rev-parse", "HEAD"])).trim();
}

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
	return { files: [...files.values()].sort((a, b) => a.path.localeCompare(b.path)), ahead, computedAt: Date.now() };
}

const DIFF_MAX = 64 * 1024;
const DIFFS_TOTAL_MAX = 512 * 1024;

/** Per-file diff against the default branch (working tree included), each capped. */
export async function fileDiffs(rt: SandboxRuntime, root: string, repo: RepoSpec, paths: string[]): Promise<Array<{ path: string; diff: string }>> {
	const dir = repoDir(root);
	const out: Array<{ path: string; diff: string }> = [];
	let total = 0;
	for (const path of paths.slice(0, 200)) {
		if (total > DIFFS_TOTAL_MAX) {
			out.push({ path, diff: "… not shown: the change is too large" });
			continue;
		}
		const tracked = await rt.run("git", ["ls-files", "--error-unmatch", "--", path], { cwd: dir });
		const args = tracked.exitCode === 0 ? ["diff", `origin/${repo.defaultBranch}`, "--", path] : ["diff", "--no-index", "--", "/dev/null", path];
		const res = await rt.run("git", args, { cwd: dir });
		const diff = res.stdout.length > DIFF_MAX ? `${res.stdout.slice(0, DIFF_MAX)}\n… diff truncated` : res.stdout;
		total += diff.length;
		out.push({ path, diff });
	}
	return out;
}

/** Restores one file to the default branch's version (or removes it when it is new). */
export async function revertFile(rt: SandboxRuntime, root: string, repo: RepoSpec, path: string): Promise<void> {
	const dir = repoDir(root);
	const onBase = await rt.run("git", ["cat-file", "-e", `origin/${repo.defaultBranch}:${path}`], { cwd: dir });
	if (onBase.exitCode === 0) await git(rt, dir, ["checkout", `origin/${repo.defaultBranch}`, "--", path]);
	else {
		await rt.run("git", ["rm", "--cached", "--quiet", "--ignore-unmatch", "--", path], { cwd: dir });
		const rm = await rt.run("rm", ["-f", "--", path], { cwd: dir });
		if (rm.exitCode !== 0) throw new FoundryError("UPSTREAM_FAILED", `could not remove ${path}: ${rm.stderr.trim()}`);
	}
}
