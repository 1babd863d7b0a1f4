// The real CLI as a child process, as a user runs it (`pnpm foundry ...` runs the same entry):
// to completion (`runCli`) or long-running (`spawnCli`, e.g. `foundry login` awaiting approval).
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const CLI_ENTRY = join(REPO_ROOT, "packages/cli/src/bin.ts");

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs the real CLI as a process, as a user would (`pnpm foundry ...` runs the same entry). */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
	return spawnCli(args, env).exited;
}

/** A CLI process still running (e.g. `foundry login` waiting for approval). */
export interface CliProcess {
	output(): { stdout: string; stderr: string };
	/** Resolves with the first match of `pattern` in stdout + stderr. */
	waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
	exited: Promise<CliResult>;
	kill(): void;
}

const liveClis = new Set<ChildProcess>();
process.once("exit", () => {
	for (const c of liveClis) c.kill("SIGKILL");
});

export function spawnCli(args: string[], env: Record<string, string> = {}): CliProcess {
	const child = spawn(process.execPath, ["--import", "tsx", CLI_ENTRY, ...args], {
		cwd: REPO_ROOT,
		env: { ...process.env, ...env },
		stdio: ["ignore", "pipe", "pipe"],
	});
	liveClis.add(child);
	let stdout = "";
	let stderr = "";
	child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
	child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
	let exitCode: number | null | undefined;
	// "close", not "exit": by then stdout and stderr are fully read.
	const exited = new Promise<CliResult>((done) =>
		child.on("close", (code) => {
			liveClis.delete(child);
			exitCode = code;
			done({ code, stdout, stderr });
		}),
	);
	return {
		output: () => ({ stdout, stderr }),
		exited,
		kill: () => child.kill("SIGKILL"),
		async waitFor(pattern, timeoutMs = 30_000) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const match = `${stdout}\n${stderr}`.match(pattern);
				if (match) return match;
				if (exitCode !== undefined || Date.now() > deadline) {
					const why = exitCode !== undefined ? `CLI exited with ${exitCode}` : `no match in ${timeoutMs} ms`;
					throw new Error(`${why} waiting for ${pattern}:\n${stdout}\n${stderr}`);
				}
				await new Promise((r) => setTimeout(r, 50));
			}
		},
	};
}
