// Running the git CLI: a clean environment (no inherited GIT_* variables, no system or global
// config, never a prompt), a timeout on every process, and typed failures.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { GitCommandError } from "./errors.ts";

const execFileAsync = promisify(execFile);

export const GIT_TIMEOUT_MS = 30_000;
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export interface GitResult {
	stdout: string;
	stderr: string;
	exitCode: number;
}

export interface RunGitOptions {
	cwd?: string;
	/** Extra environment on top of the clean one (e.g. GIT_INDEX_FILE). */
	env?: Record<string, string>;
	/** Written to the child's stdin, which is then closed. */
	input?: string;
	timeoutMs?: number;
}

/**
 * The environment for every git child: the parent's variables minus GIT_* (a GIT_DIR or
 * GIT_INDEX_FILE inherited from a hook would redirect our commands), with system and global
 * config disabled and terminal prompts off.
 */
export function cleanGitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (!key.startsWith("GIT_") && value !== undefined) env[key] = value;
	}
	return { ...env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_TERMINAL_PROMPT: "0", ...extra };
}

interface ExecFailure {
	code?: unknown;
	stdout?: unknown;
	stderr?: unknown;
}

const asFailure = (err: unknown): ExecFailure => (typeof err === "object" && err !== null ? (err as ExecFailure) : {});

/** Runs git and reports its exit code; throws GitCommandError only if it was killed or could not start. */
export async function runGit(args: readonly string[], opts: RunGitOptions = {}): Promise<GitResult> {
	const pending = execFileAsync("git", [...args], {
		cwd: opts.cwd,
		env: cleanGitEnv(opts.env),
		timeout: opts.timeoutMs ?? GIT_TIMEOUT_MS,
		killSignal: "SIGKILL",
		maxBuffer: MAX_OUTPUT_BYTES,
		encoding: "utf8",
	});
	const stdin = pending.child.stdin;
	let stdinError: Error | null = null;
	// EPIPE when git exits before reading its input: the exit status then reports the failure.
	stdin?.on("error", (err) => (stdinError = err));
	if (opts.input) stdin?.end(opts.input);
	else stdin?.end();
	try {
		const { stdout, stderr } = await pending;
		return { stdout, stderr, exitCode: 0 };
	} catch (err) {
		const failure = asFailure(err);
		const stderr = typeof failure.stderr === "string" ? failure.stderr : String(err);
		if (typeof failure.code === "number") {
			return { stdout: typeof failure.stdout === "string" ? failure.stdout : "", stderr, exitCode: failure.code };
		}
		throw new GitCommandError(args, null, stdinError ? `${stderr} (stdin: ${String(stdinError)})` : stderr, { cause: err });
	}
}

/** Runs git, requires exit 0 and returns trimmed stdout. */
export async function git(args: readonly string[], opts: RunGitOptions = {}): Promise<string> {
	const result = await runGit(args, opts);
	if (result.exitCode !== 0) throw new GitCommandError(args, result.exitCode, result.stderr);
	return result.stdout.trim();
}
