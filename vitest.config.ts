import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts"],
		pool: "forks",
		// One file at a time. Each integration file runs a backend, its engine, a simulator and
		// sandboxes; two of them on two cores starved the engines, and actor creation then stalled
		// past 15 s ("Timed out resolving actor query route") — the flakes of earlier CI runs.
		maxWorkers: 1,
		testTimeout: 60_000,
		hookTimeout: 120_000,
		env: { RIVET_LOG_LEVEL: "silent" },
		// require-tools first: without bubblewrap or Chromium the run stops at once with the command to install it.
		globalSetup: ["packages/integration/test/require-tools.ts", "packages/integration/test/global-teardown.ts"],
		// In CI also write machine-readable results; .ci/run prints the closing summary line from them.
		reporters: process.env.CI ? ["default", "json"] : ["default"],
		outputFile: process.env.CI ? { json: ".ci/.results.json" } : undefined,
	},
});
