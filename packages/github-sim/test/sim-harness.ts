// Starts the simulator as its own process (the real Bun binary from npm) on a free port.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const REPO_ROOT = resolve(PACKAGE_DIR, "../..");

function bun(): string {
	const candidates = [join(REPO_ROOT, "node_modules/bun/bin/bun.exe"), join(REPO_ROOT, "node_modules/@oven/bun-linux-x64/bin/bun")];
	const found = candidates.find((p) => existsSync(p) && statSync(p).size > 1_000_000);
	if (!found) throw new Error("bun binary not found; run pnpm install");
	return found;
}

export interface RunningSim {
	url: string;
	api: string;
	child: ChildProcess;
	world(): Promise<SimWorld>;
	control(method: string, path: string, body?: unknown): Promise<Response>;
	stop(): Promise<void>;
}

export interface SimWorld {
	urls: { web: string; api: string };
	users: Array<{ login: string; id: number; token: string | null }>;
	orgs: Array<{ login: string; members: Array<{ login: string; role: string }> }>;
	repos: Array<{ id: number; owner: string; name: string; fullName: string; private: boolean; cloneUrl: string; branches: Record<string, string> }>;
	installations: Array<{ id: number; account: string }>;
	app: { id: number; slug: string; clientId: string; clientSecret: string; webhookUrl: string | null; webhookSecret: string; privateKeyPem: string };
}

export async function startSim(args: string[] = ["--demo"]): Promise<RunningSim> {
	const child = spawn(bun(), ["src/main.ts", "--port", "0", ...args], { cwd: PACKAGE_DIR, stdio: ["ignore", "pipe", "pipe"] });
	let output = "";
	const url = await new Promise<string>((ready, fail) => {
		const timer = setTimeout(() => fail(new Error(`github-sim not ready:\n${output}`)), 20_000);
		const onData = (d: Buffer) => {
			output += d.toString();
			const m = /github-sim ready on (\S+)/.exec(output);
			if (m?.[1]) {
				clearTimeout(timer);
				ready(m[1]);
			}
		};
		child.stdout?.on("data", onData);
		child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
		child.once("exit", (code) => fail(new Error(`github-sim exited ${code}:\n${output}`)));
	});
	const control = (method: string, path: string, body?: unknown) =>
		fetch(`${url}/_sim${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
	return {
		url,
		api: `${url}/api/v3`,
		child,
		control,
		world: async () => (await (await control("GET", "/world")).json()) as SimWorld,
		stop: () =>
			new Promise<void>((done) => {
				if (child.exitCode !== null) return done();
				child.once("exit", () => done());
				child.kill("SIGTERM");
			}),
	};
}

export interface Receiver {
	url: string;
	received: Array<{ headers: Record<string, string>; body: string }>;
	/** Parsed payloads of one event, optionally one action, in arrival order. */
	events(event: string, action?: string): Array<Record<string, unknown>>;
	close(): Promise<void>;
}

/** A local webhook receiver that records every delivery. */
export async function startReceiver(): Promise<Receiver> {
	const { createServer } = await import("node:http");
	const received: Receiver["received"] = [];
	const server = createServer((req, res) => {
		let body = "";
		req.on("data", (d: Buffer) => (body += d.toString()));
		req.on("end", () => {
			received.push({ headers: req.headers as Record<string, string>, body });
			res.writeHead(202).end("ok");
		});
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	const addr = server.address();
	const port = typeof addr === "object" && addr ? addr.port : 0;
	return {
		url: `http://127.0.0.1:${port}/hook`,
		received,
		events: (event, action) =>
			received
				.filter((r) => r.headers["x-github-event"] === event)
				.map((r) => JSON.parse(r.body) as Record<string, unknown>)
				.filter((p) => action === undefined || p.action === action),
		close: () => new Promise((r) => server.close(() => r())),
	};
}
