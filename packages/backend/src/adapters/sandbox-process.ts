// The `sandbox-agent server` processes of local sandboxes: spawned directly or inside bwrap, each
// the leader of its own process group, so pause, resume and stop reach every agent it started.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { Writable } from "node:stream";
import { FoundryError } from "@foundry/shared";
import type { Logger } from "pino";

export interface ServerSpec {
	root: string;
	/** The complete environment of the server (and so of its agents). */
	env: Record<string, string>;
	/** bwrap and its options; null runs the server as a plain child process. */
	isolation: { bwrap: string; args: string[] } | null;
	timeoutMs: number;
}

export interface StartedServer {
	/** The process group leader: the server itself, or bwrap around it. */
	pid: number;
	port: number;
	token: string;
	baseUrl: string;
}

function freePort(): Promise<number> {
	return new Promise((done, fail) => {
		const server = createServer();
		server.once("error", fail);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			server.close(() => (typeof address === "object" && address ? done(address.port) : fail(new Error("no free port"))));
		});
	});
}

export function serverBinary(): string {
	const fromCli = createRequire(createRequire(import.meta.url).resolve("@sandbox-agent/cli/package.json"));
	const pkg = `@sandbox-agent/cli-${process.platform}-${process.arch}`;
	return join(dirname(fromCli.resolve(`${pkg}/package.json`)), "bin", "sandbox-agent");
}

export async function healthy(baseUrl: string, token: string | null, ms: number): Promise<boolean> {
	try {
		const res = await fetch(`${baseUrl}/v1/health`, {
			headers: token ? { authorization: `Bearer ${token}` } : {},
			signal: AbortSignal.timeout(ms),
		});
		return res.ok;
	} catch {
		return false; // refused, reset or timed out: not reachable, which is the answer
	}
}

/** Spawns the server; under bwrap its options go through fd 3, never argv (`ps` would show agent credentials). */
function spawnServer(binary: string, spec: ServerSpec, serverArgs: string[], log: Logger): ChildProcess {
	const out = openSync(join(spec.root, "server.log"), "a", 0o600);
	try {
		// detached: its own process group (and session, with no controlling terminal).
		if (!spec.isolation) return spawn(binary, serverArgs, { cwd: spec.root, env: spec.env, stdio: ["ignore", out, out], detached: true });
		const child = spawn(spec.isolation.bwrap, ["--args", "3", binary, ...serverArgs], {
			cwd: spec.root,
			env: {},
			stdio: ["ignore", out, out, "pipe"],
			detached: true,
		});
		const options = child.stdio[3];
		if (!(options instanceof Writable)) throw new FoundryError("INTERNAL", "bwrap options pipe missing");
		// bwrap then exits on incomplete options and the health wait fails the create; this says why.
		options.on("error", (err) => log.warn({ err, root: spec.root }, "writing the bwrap options failed"));
		options.end(Buffer.from(spec.isolation.args.map((a) => `${a}\0`).join("")));
		return child;
	} finally {
		closeSync(out); // the child holds its own copy
	}
}

export interface LocalServers {
	start(spec: ServerSpec): Promise<StartedServer>;
	/** Signals the whole group; false when it is gone. */
	signal(pid: number, sig: NodeJS.Signals): boolean;
	stop(pid: number): Promise<void>;
	stopAll(): Promise<void>;
}

export function localServers(log: Logger): LocalServers {
	const children = new Map<number, ChildProcess>();
	const binary = serverBinary();
	const signal = (pid: number, sig: NodeJS.Signals): boolean => {
		try {
			process.kill(-pid, sig);
			return true;
		} catch {
			return false; // the group is gone
		}
	};
	const stop = async (pid: number) => {
		const child = children.get(pid);
		children.delete(pid);
		signal(pid, "SIGCONT"); // a paused sandbox must run to exit
		if (!signal(pid, "SIGTERM")) return; // already gone
		const exited = child
			? new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once("exit", () => done())))
			: new Promise<void>((done) => setTimeout(done, 500));
		await Promise.race([exited, new Promise<void>((done) => setTimeout(done, 3_000))]);
		signal(pid, "SIGKILL"); // whatever is left of the group (normally nothing)
	};
	return {
		signal,
		stop,
		stopAll: async () => {
			await Promise.all([...children.keys()].map((pid) => stop(pid)));
		},
		async start(spec) {
			const port = await freePort();
			const token = randomBytes(24).toString("hex");
			const child = spawnServer(binary, spec, ["server", "--host", "127.0.0.1", "--port", String(port), "--token", token, "--no-telemetry"], log);
			// A failed spawn emits "error" (unhandled, it would end the backend); the create fails below.
			child.once("error", (err) => log.error({ err, root: spec.root }, "sandbox-agent server could not be spawned"));
			if (!child.pid) throw new FoundryError("UPSTREAM_FAILED", "sandbox-agent server did not start");
			const pid = child.pid;
			children.set(pid, child);
			child.once("exit", (code, sig) => {
				children.delete(pid);
				log.info({ root: spec.root, pid, code, signal: sig }, "sandbox-agent server exited");
			});
			const baseUrl = `http://127.0.0.1:${port}`;
			const deadline = Date.now() + spec.timeoutMs;
			while (!(await healthy(baseUrl, token, 1_000))) {
				if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
					await stop(pid);
					throw new FoundryError("UPSTREAM_FAILED", `sandbox-agent server did not become healthy (see ${join(spec.root, "server.log")})`);
				}
				await new Promise((r) => setTimeout(r, 100));
			}
			return { pid, port, token, baseUrl };
		},
	};
}

/** Who a local sandbox belongs to: written into its directory so a later run can find it. */
export interface SandboxOwner {
	orgId: string;
	taskId: string;
}

/**
 * `<root>/sandbox.json`: the server's pid, its start time (so a recycled pid is never mistaken
 * for it), its address and owner. The token is not here: it stays encrypted in the actor.
 */
interface ProcessRecord extends SandboxOwner {
	pid: number;
	startTime: string;
	baseUrl: string;
	dataDir: string;
}

const RECORD = "sandbox.json";

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot), or null when gone. */
export function startTimeOf(pid: number): string | null {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
		return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
	} catch {
		return null; // gone
	}
}

export function writeProcessRecord(root: string, record: Omit<ProcessRecord, "startTime">): void {
	const full: ProcessRecord = { ...record, startTime: startTimeOf(record.pid) ?? "" };
	writeFileSync(join(root, RECORD), JSON.stringify(full), { mode: 0o600 });
}

function readRecord(root: string): ProcessRecord | null {
	try {
		const r = JSON.parse(readFileSync(join(root, RECORD), "utf8")) as Partial<ProcessRecord>;
		if (typeof r.pid !== "number" || typeof r.orgId !== "string" || typeof r.taskId !== "string") return null;
		return { pid: r.pid, startTime: String(r.startTime ?? ""), baseUrl: String(r.baseUrl ?? ""), dataDir: String(r.dataDir ?? ""), orgId: r.orgId, taskId: r.taskId };
	} catch {
		return null; // no record (an older sandbox, or a create that crashed before writing it)
	}
}

export interface Reclaimed {
	/** Whose sandboxes they were, with the server pid each one had (its generation's handle). */
	owners: Array<SandboxOwner & { pid: number }>;
	/** Server processes of the previous run that were still running and have been killed. */
	killed: number;
	removed: number;
}

/**
 * At start, before any actor runs: every sandbox directory under `dir` is from a previous run of
 * this data dir (one backend per data dir). Their servers are stopped, never re-adopted: the turn
 * a server was running belonged to the dead backend's connection, and sandbox-agent numbers events
 * on the client side, so what it emitted meanwhile is lost — re-adopting would leave a transcript
 * with a silent gap and a turn whose end nobody can observe. The directories are removed (they hold
 * the clone); the owners are returned so their actors can close what was open.
 */
export function reclaimSandboxes(dir: string, dataDir: string, log: Logger): Reclaimed {
	const out: Reclaimed = { owners: [], killed: 0, removed: 0 };
	let entries: string[];
	try {
		entries = readdirSync(dir);
	} catch {
		return out; // no sandboxes yet
	}
	for (const name of entries) {
		const root = join(dir, name);
		const record = readRecord(root);
		if (record && record.dataDir !== dataDir) continue; // another backend's (a shared sandbox dir)
		if (record) {
			out.owners.push({ orgId: record.orgId, taskId: record.taskId, pid: record.pid });
			if (record.startTime !== "" && startTimeOf(record.pid) === record.startTime) {
				for (const sig of ["SIGCONT", "SIGKILL"] as const) {
					try {
						process.kill(-record.pid, sig);
					} catch {
						// the group is gone already
					}
				}
				out.killed += 1;
				log.warn({ pid: record.pid, root }, "stopped a sandbox server left by a previous run");
			}
		}
		rmSync(root, { recursive: true, force: true });
		out.removed += 1;
	}
	return out;
}

/** The process's state letter from /proc (`T` when stopped), or null when it is gone. */
function processState(pid: number): string | null {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
		return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
	} catch {
		return null; // gone (or no /proc): nothing to wait for
	}
}

/**
 * Signals are delivered asynchronously: waits until the group leader is (or is no longer)
 * stopped, so a pause reported as done really is. Bounded: a process that never changes is left
 * as it is and the caller's own checks decide.
 */
export async function untilStopped(pid: number, stopped: boolean, timeoutMs = 2_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const state = processState(pid);
		if (state === null || (state === "T") === stopped) return;
		await new Promise((r) => setTimeout(r, 10));
	}
}
