// Integration harness: starts the real backend process (Bun) with an isolated engine — fresh temp
// data dir, free ports — and stops both afterwards. Tests drive it through the client, CLI and HTTP.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createFoundryClient, type FoundryClient } from "@foundry/client";
import { type RunningSim, startSim } from "@foundry/github-sim/harness";
import { signIn, type SignedIn } from "./auth-flow.ts";
import { testDirPrefix } from "./global-teardown.ts";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const BACKEND_DIR = join(REPO_ROOT, "packages/backend");

/** The real Bun binary from the npm package (never a global bun). */
export function bunBinary(): string {
	const candidates = [
		join(REPO_ROOT, "node_modules/bun/bin/bun.exe"),
		join(REPO_ROOT, "node_modules/@oven/bun-linux-x64/bin/bun"),
		join(REPO_ROOT, "node_modules/@oven/bun-linux-x64-musl/bin/bun"),
	];
	// With install scripts skipped, bun.exe is a small placeholder script; the real ELF is > 1 MB.
	const found = candidates.find((p) => existsSync(p) && statSync(p).size > 1_000_000);
	if (!found) throw new Error("bun binary not found; run pnpm install");
	return found;
}

function canBind(port: number): Promise<boolean> {
	return new Promise((done) => {
		const srv = createServer();
		srv.once("error", () => done(false));
		srv.listen(port, "127.0.0.1", () => srv.close(() => done(true)));
	});
}

/** A port P with P, P+1 and P+10 free (the engine's guard, api-peer and metrics ports). */
export async function freeEnginePort(): Promise<number> {
	for (let i = 0; i < 200; i++) {
		const p = 20_000 + Math.floor(Math.random() * 40_000);
		if ((await canBind(p)) && (await canBind(p + 1)) && (await canBind(p + 10))) return p;
	}
	throw new Error("no free engine port");
}

export async function freePort(): Promise<number> {
	for (let i = 0; i < 200; i++) {
		const p = 20_000 + Math.floor(Math.random() * 40_000);
		if (await canBind(p)) return p;
	}
	throw new Error("no free port");
}

/**
 * Backends started by this process. If the test process exits without stopping them (a crash,
 * a timeout), they are killed on exit together with their engines: a leaked engine keeps
 * spinning CPU and slows every later run on the machine.
 */
const live = new Set<{ child: ChildProcess; enginePid: () => number | null }>();
process.once("exit", () => {
	for (const b of live) {
		const pid = b.enginePid();
		b.child.kill("SIGKILL");
		if (pid !== null && processAlive(pid)) process.kill(pid, "SIGKILL");
	}
});

export interface TestBackend {
	url: string;
	dataDir: string;
	enginePort: number;
	process: ChildProcess;
	/** The GitHub simulator this backend signs in against. */
	sim: RunningSim;
	output(): string;
	/** A client signed in as the default user (octocat, admin of acme), acting in `org` (acme). */
	client(org?: string): FoundryClient;
	/** Session token of the default user. */
	token: string;
	/** Signs a simulator user in through the real OAuth flow. */
	signIn(login: string): Promise<SignedIn>;
	/** A client for a session or API token. */
	clientFor(token: string, org?: string): FoundryClient;
	enginePid(): number | null;
	/** The embedded engine's loopback URL and admin token (what only the backend itself may use). */
	engine(): { url: string; token: string };
	/** SIGTERM, wait for exit. Keeps the data dir unless `cleanup` is set. */
	stop(opts?: { cleanup?: boolean }): Promise<number | null>;
}

export interface StartOptions {
	dataDir?: string;
	/** Backend HTTP port; a free one by default (fixed to restart on the same address). */
	port?: number;
	env?: Record<string, string>;
	readyTimeoutMs?: number;
	/** A running simulator to use (kept running on stop); by default each backend starts its own. */
	sim?: RunningSim;
	/** Sign in the default user and wait for their organizations (default true). */
	signIn?: boolean;
}

export const DEFAULT_LOGIN = "octocat";
export const DEFAULT_ORG = "acme";

export async function startBackend(opts: StartOptions = {}): Promise<TestBackend> {
	const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), testDirPrefix(process.env.FOUNDRY_TEST_RUN)));
	const port = opts.port ?? (await freePort());
	const enginePort = await freeEnginePort();
	const ownsSim = opts.sim === undefined;
	const sim = opts.sim ?? (await startSim(["--demo"]));
	const { app } = await sim.world();
	const child = spawn(bunBinary(), ["src/main.ts"], {
		cwd: BACKEND_DIR,
		env: {
			...process.env,
			FOUNDRY_PORT: String(port),
			FOUNDRY_ENGINE_PORT: String(enginePort),
			FOUNDRY_DATA_DIR: dataDir,
			FOUNDRY_LOG_LEVEL: process.env.FOUNDRY_TEST_LOG_LEVEL ?? "warn",
			CBOR_NATIVE_ACCELERATION_DISABLED: "true",
			FOUNDRY_GITHUB_URL: sim.url,
			FOUNDRY_GITHUB_API_URL: sim.api,
			FOUNDRY_GITHUB_CLIENT_ID: app.clientId,
			FOUNDRY_GITHUB_CLIENT_SECRET: app.clientSecret,
			FOUNDRY_GITHUB_APP_ID: String(app.id),
			FOUNDRY_GITHUB_APP_SLUG: app.slug,
			FOUNDRY_GITHUB_APP_PRIVATE_KEY: app.privateKeyPem,
			FOUNDRY_GITHUB_WEBHOOK_SECRET: app.webhookSecret,
			// Sessions run the scripted test agent (agent id pi) in local sandboxes under the data dir.
			FOUNDRY_SCRIPTED_AGENT: "true",
			// No web UI unless a test builds one (whether packages/web/dist exists must not matter).
			FOUNDRY_WEB_DIR: join(dataDir, "no-web-ui"),
			...opts.env,
		},
		stdio: ["ignore", "pipe", "pipe"],
	});
	let output = "";
	// FOUNDRY_TEST_LOGS=<dir>: each backend's output is also kept there (backend-<port>.log).
	const logDir = process.env.FOUNDRY_TEST_LOGS;
	const logFile = logDir ? createWriteStream(join(logDir, `backend-${port}.log`), { flags: "a" }) : null;
	const keep = (d: Buffer) => {
		output += d.toString();
		logFile?.write(d);
	};
	child.stdout?.on("data", keep);
	child.stderr?.on("data", keep);
	const clients: FoundryClient[] = [];
	const url = `http://127.0.0.1:${port}`;
	try {
		await waitForReady(child, () => output, opts.readyTimeoutMs ?? 60_000);
	} catch (err) {
		await terminate(child);
		if (ownsSim) await sim.stop();
		throw err;
	}

	const enginePid = () => {
		const stamp = join(dataDir, "engine/.rivetkit/var/engine/runtime.json");
		if (!existsSync(stamp)) return null;
		return (JSON.parse(readFileSync(stamp, "utf8")) as { pid: number }).pid;
	};
	const handle = { child, enginePid };
	live.add(handle);
	// The simulator delivers the App's webhooks to this backend.
	await sim.control("PUT", "/app", { webhookUrl: `${url}/v1/webhooks/github`, webhookSecret: app.webhookSecret });
	const clientFor = (token: string, org?: string) => {
		const c = createFoundryClient({ endpoint: url, org, token });
		clients.push(c);
		return c;
	};
	let token = "";
	if (opts.signIn !== false) {
		try {
			token = (await signIn(url, DEFAULT_LOGIN)).sessionToken;
			const probe = clientFor(token);
			await eventually(async () => ((await probe.me.profile()).organizations.some((o) => o.orgId === DEFAULT_ORG) ? true : undefined), 20_000);
		} catch (err) {
			await terminate(child);
			live.delete(handle);
			if (ownsSim) await sim.stop();
			throw new Error(`default sign-in failed: ${String(err)}\n${output}`);
		}
	}
	return {
		sim,
		token,
		signIn: (login) => signIn(url, login),
		clientFor,
		url,
		dataDir,
		enginePort,
		process: child,
		output: () => output,
		enginePid,
		engine: () => ({ url: `http://127.0.0.1:${enginePort}`, token: readFileSync(join(dataDir, "engine-token"), "utf8").trim() }),
		client(org?: string) {
			return clientFor(token, org ?? DEFAULT_ORG);
		},
		async stop(stopOpts = {}) {
			await Promise.allSettled(clients.map((c) => c.dispose()));
			const code = await terminate(child);
			// A backend that did not stop cleanly explains itself in the test output.
			if (code !== 0) console.error(`backend exited with ${code} (signal ${child.signalCode ?? "none"}); last output:\n${output.slice(-4000)}`);
			live.delete(handle);
			if (ownsSim) await sim.stop();
			if (stopOpts.cleanup) rmSync(dataDir, { recursive: true, force: true });
			return code;
		},
	};
}

function waitForReady(child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
	return new Promise((ready, fail) => {
		const timer = setTimeout(() => fail(new Error(`backend not ready in ${timeoutMs} ms:\n${output()}`)), timeoutMs);
		const onData = () => {
			if (output().includes("Foundry backend ready")) {
				clearTimeout(timer);
				ready();
			}
		};
		child.stdout?.on("data", onData);
		child.once("exit", (code) => {
			clearTimeout(timer);
			fail(new Error(`backend exited with ${code} before ready:\n${output()}`));
		});
	});
}

export function terminate(child: ChildProcess, graceMs = 15_000): Promise<number | null> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
	return new Promise((done) => {
		const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
		child.once("exit", (code) => {
			clearTimeout(timer);
			done(code);
		});
		child.kill("SIGTERM");
	});
}

export function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		// ESRCH: gone, which is the answer.
		return false;
	}
}

export { type CliProcess, type CliResult, runCli, spawnCli } from "./cli-process.ts";

/** Polls until `check` returns a value (eventually-consistent paths such as the audit log). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	while (Date.now() < deadline) {
		try {
			const v = await check();
			if (v !== undefined) return v;
		} catch (err) {
			last = err;
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
}
