// Installs the `pi-acp` launcher sandbox-agent finds on its PATH (agent id `pi`, tech guide 4.2).
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Agent id to pass to `createSession({ agent })`. */
export const TEST_AGENT_ID = "pi";
/** Launcher file name sandbox-agent looks up for agent `pi`. */
export const LAUNCHER_NAME = "pi-acp";
/** Absolute path of the agent's entry file. */
export const AGENT_ENTRY = fileURLToPath(new URL("./main.ts", import.meta.url));

/** bun.exe is a ~450-byte placeholder when bun's postinstall did not run (tech guide 8.1). */
const MIN_REAL_BINARY_BYTES = 1_000_000;

function isRealBinary(path: string): boolean {
	return existsSync(path) && statSync(path).size >= MIN_REAL_BINARY_BYTES;
}

function platformPackages(): string[] {
	const arch = process.arch === "arm64" ? "aarch64" : process.arch;
	const base = `@oven/bun-${process.platform}-${arch}`;
	return [base, `${base}-musl`, `${base}-baseline`, `${base}-musl-baseline`];
}

/** The real bun executable of the repository's `bun` devDependency. */
export function resolveBunBinary(): string {
	const require = createRequire(import.meta.url);
	const bunPackageJson = require.resolve("bun/package.json");
	const bunExe = join(dirname(bunPackageJson), "bin", "bun.exe");
	if (isRealBinary(bunExe)) return bunExe;
	const fromBun = createRequire(bunPackageJson);
	const tried = [bunExe];
	for (const pkg of platformPackages()) {
		let candidate: string;
		try {
			candidate = join(dirname(fromBun.resolve(`${pkg}/package.json`)), "bin", "bun");
		} catch (error) {
			// Only one platform package is installed; a missing one is expected, anything else is not.
			if ((error as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw error;
			continue;
		}
		tried.push(candidate);
		if (isRealBinary(candidate)) return candidate;
	}
	throw new Error(`no bun binary found (tried ${tried.join(", ")}); run pnpm install`);
}

function shellQuote(value: string): string {
	return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Writes an executable `pi-acp` into binDir that execs bun on the agent entry (absolute paths)
 * and returns its path. Put binDir first on the PATH of the sandbox-agent server.
 */
export function installLauncher(binDir: string): string {
	mkdirSync(binDir, { recursive: true });
	const launcher = join(binDir, LAUNCHER_NAME);
	// cd: bun reads ./bunfig.toml from its cwd; the package dir has none, so a session's cwd cannot
	// change how the agent starts. The agent resolves every path against the session cwd instead.
	const script = [
		"#!/bin/sh",
		`cd ${shellQuote(dirname(AGENT_ENTRY))} || exit 1`,
		`exec ${shellQuote(resolveBunBinary())} ${shellQuote(AGENT_ENTRY)} "$@"`,
		"",
	].join("\n");
	writeFileSync(launcher, script);
	chmodSync(launcher, 0o755);
	return launcher;
}
