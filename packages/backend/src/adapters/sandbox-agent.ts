// The one module that talks to sandbox-agent: providers (local processes by default; docker, e2b
// and daytona through the SDK's own providers), connections with health deadlines, and a timeout
// on every call (an agent that is not installed makes createSession hang forever offline).
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, openSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { type AgentInfo, FoundryError } from "@foundry/shared";
import { installLauncher } from "@foundry/test-agent";
import type { Logger } from "pino";
import { InMemorySessionPersistDriver, SandboxAgent, type SessionPersistDriver } from "sandbox-agent";
import { ConfigError, type SandboxConfig } from "../config.ts";

/** Where a sandbox is and how to reach it; persisted by the sandbox actor (token encrypted). */
export interface SandboxHandle {
	provider: SandboxConfig["provider"];
	/** Provider id (`local/127.0.0.1:<port>` style for local). */
	id: string;
	baseUrl: string | null;
	token: string | null;
	/** Local provider: the server process and its port. */
	pid: number | null;
	port: number | null;
	/** Working directory inside the sandbox: the repository is cloned into `<root>/repo`. */
	root: string;
}

export interface SandboxProvider {
	readonly name: SandboxConfig["provider"];
	create(sandboxId: string): Promise<SandboxHandle>;
	/** Connects an SDK object (sessions' events go to `persist`). Fails fast when the sandbox is gone. */
	connect(handle: SandboxHandle, persist: SessionPersistDriver): Promise<SandboxAgent>;
	alive(handle: SandboxHandle): Promise<boolean>;
	destroy(handle: SandboxHandle): Promise<void>;
	/** Pause/resume where the provider supports it (local: the sandbox's processes are stopped and continued). */
	pause?(handle: SandboxHandle): Promise<void>;
	resume?(handle: SandboxHandle): Promise<void>;
	/** Stops every sandbox process this backend started (shutdown). */
	stopAll(): Promise<void>;
}

/** Rejects with UPSTREAM_FAILED when `promise` does not settle in `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const deadline = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new FoundryError("UPSTREAM_FAILED", `sandbox-agent: ${what} did not answer within ${ms} ms`)), ms);
	});
	try {
		return await Promise.race([promise, deadline]);
	} finally {
		clearTimeout(timer);
	}
}

/** A failure from sandbox-agent or the agent, as a typed error with the original message. */
export function sandboxError(err: unknown, what: string): FoundryError {
	if (err instanceof FoundryError) return err;
	const message = err instanceof Error ? err.message : String(err);
	return new FoundryError("UPSTREAM_FAILED", `${what}: ${message}`);
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

function serverBinary(): string {
	const fromCli = createRequire(createRequire(import.meta.url).resolve("@sandbox-agent/cli/package.json"));
	const pkg = `@sandbox-agent/cli-${process.platform}-${process.arch}`;
	return join(dirname(fromCli.resolve(`${pkg}/package.json`)), "bin", "sandbox-agent");
}

async function healthy(baseUrl: string, token: string | null, ms: number): Promise<boolean> {
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

/** Environment of a local sandbox: never the backend's own (it holds secrets), only what agents need. */
function sandboxEnv(cfg: SandboxConfig, home: string, bin: string): Record<string, string> {
	return {
		HOME: home,
		PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
		LANG: process.env.LANG ?? "C.UTF-8",
		GIT_TERMINAL_PROMPT: "0",
		...cfg.agentEnv,
	};
}

/** One `sandbox-agent server` process per sandbox, in its own directory, port and token. */
export function localProvider(cfg: SandboxConfig, log: Logger): SandboxProvider {
	const children = new Map<number, ChildProcess>();
	const binary = serverBinary();
	/** Signals the sandbox's whole process group (the server and the agents it started). */
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
			? new Promise<void>((done) => (child.exitCode !== null ? done() : child.once("exit", () => done())))
			: new Promise<void>((done) => setTimeout(done, 500));
		await Promise.race([exited, new Promise<void>((done) => setTimeout(done, 3_000))]);
		signal(pid, "SIGKILL"); // whatever is left of the group (normally nothing)
	};
	return {
		name: "local",
		async create(sandboxId) {
			const root = join(cfg.dir, `${sandboxId.replace(/[^A-Za-z0-9_-]/g, "_")}-${Date.now().toString(36)}`);
			const home = join(root, "home");
			const bin = join(root, "bin");
			mkdirSync(home, { recursive: true, mode: 0o700 });
			mkdirSync(bin, { recursive: true });
			if (cfg.scriptedAgent) installLauncher(bin);
			const port = await freePort();
			const token = randomBytes(24).toString("hex");
			const out = openSync(join(root, "server.log"), "a", 0o600);
			const child = spawn(binary, ["server", "--host", "127.0.0.1", "--port", String(port), "--token", token, "--no-telemetry"], {
				cwd: root,
				env: sandboxEnv(cfg, home, bin),
				stdio: ["ignore", out, out],
				// Its own process group: pause, resume and stop reach the agents it starts too.
				detached: true,
			});
			if (!child.pid) throw new FoundryError("UPSTREAM_FAILED", "sandbox-agent server did not start");
			const pid = child.pid;
			children.set(pid, child);
			child.once("exit", (code, signal) => {
				children.delete(pid);
				log.info({ sandboxId, pid, code, signal }, "sandbox-agent server exited");
			});
			const baseUrl = `http://127.0.0.1:${port}`;
			const deadline = Date.now() + cfg.timeoutMs;
			while (!(await healthy(baseUrl, token, 1_000))) {
				if (child.exitCode !== null || Date.now() > deadline) {
					await stop(pid);
					throw new FoundryError("UPSTREAM_FAILED", `sandbox-agent server did not become healthy (see ${join(root, "server.log")})`);
				}
				await new Promise((r) => setTimeout(r, 100));
			}
			return { provider: "local", id: `local/127.0.0.1:${port}`, baseUrl, token, pid, port, root };
		},
		async connect(handle, persist) {
			if (!handle.baseUrl) throw new FoundryError("UPSTREAM_FAILED", "local sandbox without an address");
			return withTimeout(
				SandboxAgent.connect({ baseUrl: handle.baseUrl, token: handle.token ?? undefined, persist, waitForHealth: { timeoutMs: 5_000 } }),
				cfg.timeoutMs,
				"connect",
			);
		},
		async pause(handle) {
			if (handle.pid && !signal(handle.pid, "SIGSTOP")) throw new FoundryError("UPSTREAM_FAILED", "the sandbox is gone");
		},
		async resume(handle) {
			if (handle.pid && !signal(handle.pid, "SIGCONT")) throw new FoundryError("UPSTREAM_FAILED", "the sandbox is gone");
		},
		async alive(handle) {
			if (!handle.pid || !handle.baseUrl) return false;
			try {
				process.kill(handle.pid, 0);
			} catch {
				return false;
			}
			return healthy(handle.baseUrl, handle.token, 2_000);
		},
		async destroy(handle) {
			if (handle.pid) await stop(handle.pid);
			// The directory holds the repository and the owner's git credentials.
			rmSync(handle.root, { recursive: true, force: true });
		},
		async stopAll() {
			await Promise.all([...children.keys()].map((pid) => stop(pid)));
		},
	};
}

type RemoteName = Exclude<SandboxConfig["provider"], "local">;
type StartSandbox = NonNullable<Parameters<typeof SandboxAgent.start>[0]>["sandbox"];
type ProviderFactory = (options: Record<string, unknown>) => StartSandbox;

/** docker / e2b / daytona through sandbox-agent's own providers (their SDKs are optional peers). */
export async function remoteProvider(cfg: SandboxConfig, name: RemoteName): Promise<SandboxProvider> {
	const loaders: Record<RemoteName, () => Promise<unknown>> = {
		docker: () => import("sandbox-agent/docker"),
		e2b: () => import("sandbox-agent/e2b"),
		daytona: () => import("sandbox-agent/daytona"),
	};
	const mod = (await loaders[name]().catch((err: unknown) => {
		const peers = { docker: "dockerode get-port", e2b: "@e2b/code-interpreter", daytona: "@daytonaio/sdk" }[name];
		throw new ConfigError(`invalid configuration: FOUNDRY_SANDBOX_PROVIDER=${name} needs ${peers} installed (${err instanceof Error ? err.message : err})`);
	})) as Record<string, ProviderFactory>;
	const factory = mod[name];
	if (!factory) throw new ConfigError(`invalid configuration: sandbox-agent has no ${name} provider`);
	const options = name === "docker" ? { image: cfg.dockerImage, env: cfg.agentEnv } : { env: cfg.agentEnv };
	const root = { docker: "/home/sandbox", e2b: "/home/user", daytona: "/home/daytona" }[name];
	const start = (persist: SessionPersistDriver | undefined, sandboxId?: string) =>
		SandboxAgent.start({ sandbox: factory(options), persist, ...(sandboxId ? { sandboxId } : {}) });
	return {
		name,
		async create() {
			const sdk = await withTimeout(start(undefined), Math.max(cfg.timeoutMs, 300_000), `${name} sandbox start`);
			const id = sdk.sandboxId ?? "";
			await sdk.dispose();
			return { provider: name, id, baseUrl: null, token: null, pid: null, port: null, root };
		},
		connect: (handle, persist) => withTimeout(start(persist, handle.id), cfg.timeoutMs, `${name} reconnect`),
		async alive(handle) {
			try {
				const sdk = await withTimeout(start(undefined, handle.id), 15_000, `${name} reconnect`);
				await sdk.dispose();
				return true;
			} catch {
				return false; // SandboxDestroyedError, or unreachable: gone either way
			}
		},
		async destroy(handle) {
			const sdk = await withTimeout(start(undefined, handle.id), 15_000, `${name} reconnect`);
			await sdk.destroySandbox();
		},
		stopAll: async () => undefined, // remote sandboxes outlive this process; their actors own them
	};
}

export async function createSandboxProvider(cfg: SandboxConfig, log: Logger): Promise<SandboxProvider> {
	return cfg.provider === "local" ? localProvider(cfg, log) : remoteProvider(cfg, cfg.provider);
}

interface CatalogOption {
	category?: string;
	currentValue?: unknown;
	options?: unknown;
}

/** Models an agent offers: its `model` config option's values. */
function modelsOf(configOptions: unknown): { models: string[]; defaultModel: string | null } {
	const list = Array.isArray(configOptions) ? (configOptions as CatalogOption[]) : [];
	const model = list.find((o) => o.category === "model");
	const options = Array.isArray(model?.options) ? (model.options as Array<{ value?: unknown }>) : [];
	return {
		models: options.map((o) => o.value).filter((v): v is string => typeof v === "string"),
		defaultModel: typeof model?.currentValue === "string" ? model.currentValue : null,
	};
}

/**
 * sandbox-agent's live catalog (listAgents with config), read from a short-lived sandbox and
 * cached: which agents are installed and credentialed, and their models.
 */
export function agentCatalog(provider: SandboxProvider, cfg: SandboxConfig, ttlMs = 60_000): () => Promise<AgentInfo[]> {
	let cached: { at: number; agents: Promise<AgentInfo[]> } | null = null;
	const read = async (): Promise<AgentInfo[]> => {
		const handle = await provider.create("catalog");
		try {
			const sdk = await provider.connect(handle, new InMemorySessionPersistDriver());
			try {
				const { agents } = await withTimeout(sdk.listAgents({ config: true }), cfg.timeoutMs, "listAgents");
				return agents.map((a) => ({
					id: a.id,
					installed: a.installed,
					credentialsAvailable: a.credentialsAvailable,
					...modelsOf(a.configOptions),
					scripted: cfg.scriptedAgent && a.id === "pi",
				}));
			} finally {
				await sdk.dispose();
			}
		} finally {
			await provider.destroy(handle);
		}
	};
	return () => {
		if (!cached || Date.now() - cached.at > ttlMs) {
			const agents = read();
			cached = { at: Date.now(), agents };
			agents.catch(() => {
				cached = null; // a failed read is not cached
			});
		}
		return cached.agents;
	};
}
