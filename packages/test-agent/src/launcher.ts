// Installs the `pi-acp` launcher sandbox-agent finds on its PATH (agent id `pi`, tech guide 4.2).
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
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

/** This package's directory (the launcher cds into its src/). */
const PACKAGE_DIR = dirname(dirname(AGENT_ENTRY));

/** The directory a dependency resolves to from this package (node's lookup: up the node_modules chain). */
function dependencyDir(name: string): string {
	for (let dir = PACKAGE_DIR; ; dir = dirname(dir)) {
		const candidate = join(dir, "node_modules", name);
		if (existsSync(candidate)) return realpathSync(candidate);
		if (dirname(dir) === dir) throw new Error(`${name} is not installed for ${PACKAGE_DIR}; run pnpm install`);
	}
}

/** `/repo/node_modules` for `/repo/node_modules/.pnpm/x/node_modules/x`: the tree holding the file. */
function nodeModulesRoot(path: string): string {
	const marker = `${sep}node_modules${sep}`;
	const at = path.indexOf(marker);
	return at === -1 ? dirname(path) : path.slice(0, at + marker.length - 1);
}

/**
 * The directories the launcher and the agent read, for a sandbox that binds only what it needs:
 * this package and the node_modules tree(s) holding bun and the agent's dependencies (pnpm links
 * them from the workspace's store). Real paths, most general first, none inside another.
 */
export function launcherReadPaths(): string[] {
	const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
	const files = [realpathSync(resolveBunBinary()), ...Object.keys(pkg.dependencies ?? {}).map(dependencyDir)];
	const candidates = [realpathSync(PACKAGE_DIR), ...files.map(nodeModulesRoot)].sort((a, b) => a.length - b.length);
	const within = (path: string, dir: string) => path === dir || path.startsWith(`${dir}${sep}`);
	return candidates.filter((path, i) => !candidates.slice(0, i).some((earlier) => within(path, earlier)));
}
