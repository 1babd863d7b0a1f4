// `commit <message>`: git through execFile (no shell), in the session cwd.
import { execFile } from "node:child_process";

/** Identity used only when the repository and the environment configure none. */
const FALLBACK_IDENTITY = ["-c", "user.name=Foundry Test Agent", "-c", "user.email=test-agent@foundry.invalid"];

export class GitError extends Error {
	constructor(
		readonly args: readonly string[],
		readonly stderr: string,
		readonly exitCode: number | null,
	) {
		super(`git ${args.join(" ")} failed (exit ${exitCode ?? "signal"}): ${stderr.trim()}`);
		this.name = "GitError";
	}
}

interface GitResult {
	stdout: string;
	stderr: string;
}

function git(cwd: string, args: readonly string[], signal?: AbortSignal): Promise<GitResult> {
	return new Promise((resolve, reject) => {
		execFile("git", [...args], { cwd, signal, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
			if (error) {
				const code = typeof error.code === "number" ? error.code : null;
				// `nothing to commit` is reported on stdout; keep whichever stream explains the failure.
				reject(new GitError(args, stderr.trim() || stdout.trim() || error.message, code));
				return;
			}
			resolve({ stdout, stderr });
		});
	});
}

async function hasIdentity(cwd: string): Promise<boolean> {
	if (process.env.GIT_AUTHOR_EMAIL && process.env.GIT_COMMITTER_EMAIL) return true;
	try {
		await git(cwd, ["config", "--get", "user.email"]);
		return true;
	} catch (error) {
		// `git config --get` exits 1 when the key is unset: that is the answer, not a failure.
		if (error instanceof GitError && error.exitCode === 1) return false;
		throw error;
	}
}

/** `git add -A && git commit -m message`; returns the short sha of the new HEAD. */
export async function commitAll(cwd: string, message: string, signal?: AbortSignal): Promise<string> {
	const identity = (await hasIdentity(cwd)) ? [] : FALLBACK_IDENTITY;
	await git(cwd, ["add", "-A"], signal);
	await git(cwd, [...identity, "commit", "-m", message], signal);
	const { stdout } = await git(cwd, ["rev-parse", "--short", "HEAD"], signal);
	return stdout.trim();
}
