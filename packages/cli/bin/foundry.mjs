#!/usr/bin/env node
// Launcher: runs the TypeScript CLI through tsx (a devDependency of the workspace).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
// Ctrl-C reaches the CLI too (same process group); it decides how to end (watch stops cleanly), so
// the launcher waits for it instead of dying first and leaving it orphaned.
process.on("SIGINT", () => undefined);
const result = spawnSync(process.execPath, ["--import", "tsx", join(here, "../src/bin.ts"), ...process.argv.slice(2)], {
	stdio: "inherit",
});
process.exit(result.status ?? 1);
