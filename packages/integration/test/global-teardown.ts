// Safety net after the whole run: no engine started for a test data dir of this run may outlive
// the tests. Fails the run (after killing them) if any is found, so a leak is never silent. Data
// dirs carry the run id (FOUNDRY_TEST_RUN, see harness.ts), so concurrent runs never touch each
// other's engines.
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";

export const testDirPrefix = (run: string | undefined): string => `foundry-test-${run ?? "adhoc"}-`;

export function findTestEngines(run: string | undefined): number[] {
	const pids: number[] = [];
	for (const entry of readdirSync("/proc")) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8");
			if (!cmd.includes("rivet-engine")) continue;
			const env = readFileSync(`/proc/${entry}/environ`, "utf8");
			if (env.includes(`RIVETKIT_STORAGE_PATH=${tmpdir()}/${testDirPrefix(run)}`)) pids.push(Number(entry));
		} catch {
			// The process exited while we looked, or is not ours to read: either way not a leak of ours.
		}
	}
	return pids;
}

export default function setup() {
	// Inherited by the test workers (forked after global setup).
	process.env.FOUNDRY_TEST_RUN ??= randomBytes(4).toString("hex");
	const run = process.env.FOUNDRY_TEST_RUN;
	return () => {
		if (process.platform !== "linux") return;
		const leaked = findTestEngines(run);
		for (const pid of leaked) process.kill(pid, "SIGKILL");
		if (leaked.length > 0) throw new Error(`engines outlived the tests and were killed: ${leaked.join(", ")}`);
	};
}
