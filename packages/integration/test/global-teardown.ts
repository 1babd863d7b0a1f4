// Safety net after the whole run: no engine started for a test data dir may outlive the tests.
// Fails the run (after killing them) if any is found, so a leak is never silent.
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";

export function findTestEngines(): number[] {
	const pids: number[] = [];
	for (const entry of readdirSync("/proc")) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8");
			if (!cmd.includes("rivet-engine")) continue;
			const env = readFileSync(`/proc/${entry}/environ`, "utf8");
			if (env.includes(`RIVETKIT_STORAGE_PATH=${tmpdir()}/foundry-test-`)) pids.push(Number(entry));
		} catch {
			// The process exited while we looked, or is not ours to read: either way not a leak of ours.
		}
	}
	return pids;
}

export default function setup() {
	return () => {
		if (process.platform !== "linux") return;
		const leaked = findTestEngines();
		for (const pid of leaked) process.kill(pid, "SIGKILL");
		if (leaked.length > 0) throw new Error(`engines outlived the tests and were killed: ${leaked.join(", ")}`);
	};
}
