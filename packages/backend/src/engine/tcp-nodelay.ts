// TCP_NODELAY on this process's sockets to the engine. RivetKit's native runner connects to the
// engine with Nagle on and writes an ack and a response as two small segments: the second waits
// for the engine's delayed ACK, ~40 ms on every round trip over a connection (tech guide 11.6).
// The fix belongs upstream; until then we find our sockets to the engine's ports in /proc and set
// the option through libc — now, and again on a timer, because the runner reconnects.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import type { Logger } from "pino";

const IPPROTO_TCP = 6;
const TCP_NODELAY = 1;
const TCP_ESTABLISHED = "01";

/** Socket inodes of established TCP connections to any of `ports` (from /proc/self/net/tcp{,6}). */
export function inodesToPorts(tables: string[], ports: number[]): Set<string> {
	const wanted = new Set(ports.map((p) => p.toString(16).toUpperCase().padStart(4, "0")));
	const inodes = new Set<string>();
	for (const table of tables) {
		for (const line of table.split("\n").slice(1)) {
			const cols = line.trim().split(/\s+/);
			const remotePort = cols[2]?.split(":")[1];
			if (remotePort && wanted.has(remotePort) && cols[3] === TCP_ESTABLISHED && cols[9]) inodes.add(cols[9]);
		}
	}
	return inodes;
}

function readTable(path: string): string {
	try {
		return readFileSync(path, "utf8");
	} catch {
		return ""; // no IPv6 table on this kernel: nothing to match there
	}
}

/** File descriptors of this process (with their inode) whose socket inode is in `inodes`. */
function fdsOf(inodes: Set<string>): Array<[number, string]> {
	const fds: Array<[number, string]> = [];
	for (const name of readdirSync("/proc/self/fd")) {
		let target: string;
		try {
			target = readlinkSync(`/proc/self/fd/${name}`);
		} catch {
			continue; // closed between readdir and readlink
		}
		const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
		if (inode && inodes.has(inode)) fds.push([Number(name), inode]);
	}
	return fds;
}

export interface NoDelay {
	/** Sets the option on every current socket to the engine; returns how many were newly set. */
	apply(): number;
	stop(): void;
}

/**
 * Keeps TCP_NODELAY on this process's sockets to `ports`. Only under Bun on Linux (bun:ffi and
 * /proc); elsewhere it does nothing and says so once.
 */
export async function keepNoDelay(ports: number[], log: Logger, intervalMs = 1_000): Promise<NoDelay> {
	if (typeof Bun === "undefined" || process.platform !== "linux") {
		log.warn("TCP_NODELAY on engine sockets needs Bun on Linux; round trips over connections may wait on delayed ACKs");
		return { apply: () => 0, stop: () => undefined };
	}
	const { dlopen, FFIType, ptr } = await import("bun:ffi");
	const libc = dlopen("libc.so.6", {
		setsockopt: { args: [FFIType.i32, FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
	});
	const one = new Int32Array([1]);
	const done = new Set<string>();
	const apply = () => {
		const inodes = inodesToPorts([readTable("/proc/self/net/tcp"), readTable("/proc/self/net/tcp6")], ports);
		for (const key of done) if (!inodes.has(key.split(":")[1] ?? "")) done.delete(key);
		let set = 0;
		for (const [fd, inode] of fdsOf(inodes)) {
			const key = `${fd}:${inode}`;
			if (done.has(key)) continue;
			if (libc.symbols.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, ptr(one), 4) === 0) set++;
			done.add(key);
		}
		return set;
	};
	const timer = setInterval(() => {
		try {
			apply();
		} catch (err) {
			log.warn({ err }, "could not set TCP_NODELAY on engine sockets");
		}
	}, intervalMs);
	timer.unref();
	return {
		apply,
		stop() {
			clearInterval(timer);
			libc.close();
		},
	};
}
