// Git inside the sandbox (the backend holds no git state): clone, branch, identity, push. A
// credential exists only for one clone or push: a helper given on that git command line reads it
// from that process's environment, offered to the one origin it belongs to. Never written to a file,
// to the clone's config or to the agent's environment. Every failure carries git's stderr.
import { FoundryError } from "@foundry/shared";
import { z } from "zod";
import type { RepoLocation } from "../../domain/repo-url.ts";
import type { SandboxRuntime } from "./runtime.ts";

/** The task's repository as messages carry it (the default branch is learnt from the clone). */
export const repoSchema = z.object({ url: z.string().min(1), branch: z.string().min(1) });

export interface RepoSpec {
	url: string;
	branch: string;
	defaultBranch: string;
}

/** Who commits (written to the clone's config: the agent commits as the task owner). */
export interface Committer {
	name: string;
	email: string;
}

/** A secret for one origin (`scheme://host[:port]`), handed to git for one operation. */
export interface GitCredential {
	origin: string;
	username: string;
	token: string;
}

const CLONE_TIMEOUT_MS = 300_000;

export const repoDir = (root: string) => `${root}/repo`;
/** Where an earlier version kept the owner's token (mode 600); removed wherever it is found. */
const legacyCredentialsFile = (root: string) => `${root}/git-credentials`;

// The helper answers `get` only, from variables set for this one git process; `store`/`erase` are
// ignored, so nothing is ever written down. git runs it through the shell with the action as $1.
const HELPER = `!f() { test "$1" = get || return 0; printf 'username=%s\\npassword=%s\\n' "$FOUNDRY_GIT_USERNAME" "$FOUNDRY_GIT_PASSWORD"; }; f`;

/**
 * Arguments and environment of one network git command. `credential.helper=` first empties the helper
 * list from every config file (a stale `store` helper in an old clone included); ours is then added
 * for the credential's origin only, so a redirect or an `insteadOf` to another host gets nothing.
 * Hooks are off and the transports are limited to what the repository needs: a planted
 * `pre-push` hook or an `ext::` URL would otherwise run with the token in its environment. The
 * agent's `~/.gitconfig` is not read (GIT_CONFIG_GLOBAL); the push runs in a fresh git directory
 * (see pushBranch), so the clone's config — which the agent can edit — is not read either.
 *
 * Residual risk: while this one git process runs, the token is in its environment (and its
 * children's); an agent in the same sandbox, as the same user, could read /proc/<pid>/environ in
 * that window. Only a sandbox boundary between the agent and git removes that.
 */
function networkGit(location: RepoLocation, credential: GitCredential | null): { args: string[]; env: Record<string, string> } {
	const transport = location.kind === "local" ? "file" : new URL(location.cloneUrl).protocol.slice(0, -1);
	const args = ["-c", "credential.helper=", "-c", "core.hooksPath=/dev/null", "-c", "protocol.allow=never", "-c", `protocol.${transport}.allow=always`];
	const env: Record<string, string> = { GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "", GIT_CONFIG_GLOBAL: "/dev/null" };
	if (!credential) return { args, env };
	return {
		args: [...args, "-c", `credential.${credential.origin}.helper=${HELPER}`],
		env: { ...env, FOUNDRY_GIT_USERNAME: credential.username, FOUNDRY_GIT_PASSWORD: credential.token },
	};
}

export async function git(rt: SandboxRuntime, cwd: string, args: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<string> {
	const res = await rt.run("git", args, { cwd, env: { GIT_TERMINAL_PROMPT: "0", ...opts.env }, timeoutMs: opts.timeoutMs });
	if (res.exitCode !== 0) {
		const stderr = (res.stderr || res.stdout).trim() || (res.timedOut ? "timed out" : `exit ${String(res.exitCode)}`);
		throw new FoundryError("UPSTREAM_FAILED", `git ${args.find((a) => !a.startsWith("-") && !a.includes("=")) ?? ""} failed: ${stderr}`, { stderr });
	}
	return res.stdout;
}

/** Committer identity in the clone; credentials an earlier version left behind are removed. */
async function configure(rt: SandboxRuntime, root: string, who: Committer): Promise<void> {
	const dir = repoDir(root);
	const rm = await rt.run("rm", ["-f", "--", legacyCredentialsFile(root)], { cwd: root });
	if (rm.exitCode !== 0) throw new FoundryError("UPSTREAM_FAILED", `could not remove old git credentials: ${rm.stderr.trim()}`);
	const held = await rt.run("git", ["config", "--local", "--name-only", "--get-regexp", "^credential\\."], { cwd: dir });
	// Exit 1: no such key, the normal case.
	if (held.exitCode !== 0 && held.exitCode !== 1) throw new FoundryError("UPSTREAM_FAILED", `git config failed: ${held.stderr.trim()}`);
	for (const key of new Set(held.stdout.split("\n").filter(Boolean))) await git(rt, dir, ["config", "--local", "--unset-all", key]);
	await git(rt, dir, ["config", "user.name", who.name]);
	await git(rt, dir, ["config", "user.email", who.email]);
}

/**
 * Clones the repository and checks out the task branch (created from the default branch when the
 * remote does not have it yet). Returns the default branch.
 */
export async function prepareRepo(
	rt: SandboxRuntime,
	root: string,
	repo: { location: RepoLocation; branch: string },
	who: Committer,
	credential: GitCredential | null,
): Promise<string> {
	const cloned = await rt.run("test", ["-d", `${repoDir(root)}/.git`], { cwd: root });
	if (cloned.exitCode !== 0) {
		const net = networkGit(repo.location, credential);
		await git(rt, root, [...net.args, "clone", "--quiet", "--", repo.location.cloneUrl, "repo"], { timeoutMs: CLONE_TIMEOUT_MS, env: net.env });
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

/**
 * Pushes the task branch's HEAD. The push runs from a fresh bare git directory that borrows the
 * clone's objects (alternates) and has only the config git init writes, to the repository's URL
 * (not the clone's `origin`, which the agent can repoint). Its permission on the remote decides.
 */
export async function pushBranch(
	rt: SandboxRuntime,
	root: string,
	repo: { location: RepoLocation; branch: string },
	who: Committer,
	credential: GitCredential | null,
): Promise<string> {
	await configure(rt, root, who);
	const dir = repoDir(root);
	const sha = (await git(rt, dir, ["rev-parse", "--verify", "HEAD^{commit}"])).trim();
	const gitDir = `${root}/push-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}.git`;
	const quiet = { GIT_CONFIG_GLOBAL: "/dev/null" };
	const net = networkGit(repo.location, credential);
	let failure: unknown = null;
	try {
		await git(rt, root, ["init", "--quiet", "--bare", "--", gitDir], { env: quiet });
		await rt.writeFile(`${gitDir}/objects/info/alternates`, `${dir}/.git/objects\n`);
		await git(rt, root, [`--git-dir=${gitDir}`, "update-ref", "refs/foundry/push", sha], { env: quiet });
		const refspec = `refs/foundry/push:refs/heads/${repo.branch}`;
		await git(rt, root, [...net.args, `--git-dir=${gitDir}`, "push", "--porcelain", "--", repo.location.cloneUrl, refspec], {
			timeoutMs: CLONE_TIMEOUT_MS,
			env: net.env,
		});
	} catch (err) {
		failure = err;
	}
	// The directory holds no secret; a failure to remove it matters only when nothing else failed.
	const rm = await rt.run("rm", ["-rf", "--", gitDir], { cwd: root });
	if (failure) throw failure;
	if (rm.exitCode !== 0) throw new FoundryError("UPSTREAM_FAILED", `could not remove the push directory: ${rm.stderr.trim()}`);
	// The clone's view of the remote branch follows, as a push from the clone would have left it.
	await git(rt, dir, ["update-ref", `refs/remotes/origin/${repo.branch}`, sha]);
	return sha;
}
