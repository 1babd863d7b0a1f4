// One backend per data dir. A live backend holds `<data dir>/backend.lock` (pid + the process's
// start time, so a reused pid is not mistaken for it); a second one refuses to start. A lock left by
// a backend that died (kill -9, power loss) is taken over, and the embedded engine that backend
// left running on the same data is stopped first — never two engines on one store. We stop rather
// than adopt it: it was started with the dead process's environment (ports, token) and stamp.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { ConfigError } from "../config.ts";
import { localEnginePid, processAlive, stopProcess } from "./engine.ts";

const LOCK_FILE = "backend.lock";

interface Lock {
	pid: number;
	/** Start time of the process in clock ticks since boot (/proc/<pid>/stat field 22). */
	startTicks: string;
}

/** Start time of a process (clock ticks since boot), or null when it is gone. */
export function processStartTicks(pid: number): string | null {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
		// The command name (field 2) may contain spaces; fields after its closing paren are fixed.
		return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
	} catch {
		return null; // no such process (or not Linux): treated as gone
	}
}

function readLock(file: string): Lock | null {
	if (!existsSync(file)) return null;
	try {
		const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<Lock>;
		return typeof parsed.pid === "number" && typeof parsed.startTicks === "string" ? { pid: parsed.pid, startTicks: parsed.startTicks } : null;
	} catch {
		return null; // a torn write from a crash: the writer is gone
	}
}

function isEngine(pid: number): boolean {
	try {
		return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("rivet-engine");
	} catch {
		return false;
	}
}

export interface DataDirLock {
	release(): void;
}

/**
 * Takes the data dir for this process. Throws ConfigError when another live backend holds it;
 * stops an engine a dead backend left on `engineStorage`.
 */
export async function lockDataDir(dataDir: string, engineStorage: string | null, log: Logger): Promise<DataDirLock> {
	const file = join(dataDir, LOCK_FILE);
	const held = readLock(file);
	if (held && held.pid !== process.pid && processStartTicks(held.pid) === held.startTicks) {
		throw new ConfigError(`invalid configuration: another Foundry backend (pid ${held.pid}) is running on ${dataDir}; stop it or use another FOUNDRY_DATA_DIR`);
	}
	if (held) log.warn({ pid: held.pid }, "the previous backend on this data dir did not stop cleanly; recovering");
	if (engineStorage) {
		const enginePid = localEnginePid(engineStorage);
		if (enginePid !== null && processAlive(enginePid) && isEngine(enginePid)) {
			log.warn({ pid: enginePid }, "stopping the engine a previous backend left running on this data dir");
			if (!(await stopProcess(enginePid))) throw new Error(`could not stop the leftover engine (pid ${enginePid})`);
		}
	}
	const mine: Lock = { pid: process.pid, startTicks: processStartTicks(process.pid) ?? "unknown" };
	writeFileSync(file, JSON.stringify(mine), { mode: 0o600 });
	return {
		release() {
			if (readLock(file)?.pid === process.pid) rmSync(file, { force: true });
		},
	};
}
