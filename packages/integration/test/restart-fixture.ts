// For tests that restart backends: one GitHub simulator outlives them (a restarted backend sees
// the same GitHub), and every backend started is stopped and its data dir removed afterwards.
import { rmSync } from "node:fs";
import { type RunningSim, startSim } from "@foundry/github-sim/harness";
import { afterAll, beforeAll } from "vitest";
import { type StartOptions, startBackend, type TestBackend } from "./harness.ts";

export interface RestartFixture {
	sim(): RunningSim;
	/** A backend on the shared simulator (`ownSim`: with a simulator of its own). */
	start(opts?: StartOptions & { ownSim?: boolean }): Promise<TestBackend>;
}

export function restartFixture(): RestartFixture {
	let sim: RunningSim | undefined;
	const started: TestBackend[] = [];
	beforeAll(async () => {
		sim = await startSim(["--demo"]);
	});
	afterAll(async () => {
		for (const b of started) await b.stop();
		for (const b of started) rmSync(b.dataDir, { recursive: true, force: true });
		await sim?.stop();
	});
	const shared = () => {
		if (!sim) throw new Error("the simulator starts in beforeAll");
		return sim;
	};
	return {
		sim: shared,
		async start(opts = {}) {
			const { ownSim, ...rest } = opts;
			const backend = await startBackend(ownSim ? rest : { ...rest, sim: shared() });
			started.push(backend);
			return backend;
		},
	};
}
