import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts"],
		pool: "forks",
		// Integration files each start a backend + engine; two cores, so keep concurrency modest.
		maxWorkers: 2,
		testTimeout: 60_000,
		hookTimeout: 120_000,
		env: { RIVET_LOG_LEVEL: "silent" },
		globalSetup: ["packages/integration/test/global-teardown.ts"],
	},
});
