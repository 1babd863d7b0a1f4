// The engine this process talks to: its URL, health, and (for the embedded engine) its PID.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config.ts";

export function engineUrl(config: Config): string {
	if (config.engine.mode === "external") {
		const url = new URL(config.engine.endpoint);
		url.username = "";
		url.password = "";
		return url.toString().replace(/\/$/, "");
	}
	return `http://127.0.0.1:${config.engine.port}`;
}

/** Ports this process talks to the engine on (guard and api-peer), for socket options. */
export function enginePorts(config: Config): number[] {
	if (config.engine.mode === "local") return [config.engine.port, config.engine.port + 1];
	const url = new URL(config.engine.endpoint);
	return [Number(url.port || (url.protocol === "https:" ? 443 : 80))];
}

export function engineStoragePath(config: Config): string {
	return join(config.dataDir, "engine");
}

export async function engineReachable(url: string, timeoutMs = 1_000): Promise<boolean> {
	try {
		const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
		await res.body?.cancel();
		return res.ok;
	} catch {
		// Unreachable is an answer here, not an error: the caller reports it.
		return false;
	}
}

/** PID of the engine RivetKit spawned for this data dir (it runs detached; we stop it ourselves). */
export function localEnginePid(storagePath: string): number | null {
	const stamp = join(storagePath, ".rivetkit", "var", "engine", "runtime.json");
	if (!existsSync(stamp)) return null;
	const parsed = JSON.parse(readFileSync(stamp, "utf8")) as { pid?: unknown };
	return typeof parsed.pid === "number" ? parsed.pid : null;
}

export function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		// ESRCH: the process is gone, which is what the caller asks about.
		return false;
	}
}

export async function stopProcess(pid: number, graceMs = 5_000): Promise<boolean> {
	if (!processAlive(pid)) return true;
	process.kill(pid, "SIGTERM");
	const deadline = Date.now() + graceMs;
	while (Date.now() < deadline) {
		if (!processAlive(pid)) return true;
		await Bun.sleep(50);
	}
	process.kill(pid, "SIGKILL");
	return !processAlive(pid);
}
