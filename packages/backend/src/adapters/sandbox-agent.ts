// The one module that talks to sandbox-agent: providers (local processes by default, isolated with
// bubblewrap — sandbox-isolation.ts, processes in sandbox-process.ts; docker, e2b and daytona
// through the SDK's own providers), connections with health deadlines, and a timeout on every call
// (an agent that is not installed makes createSession hang forever offline).
import { mkdirSync, realpathSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { type AgentInfo, FoundryError } from "@foundry/shared";
import { installLauncher, launcherReadPaths } from "@foundry/test-agent";
import type { Logger } from "pino";
import { InMemorySessionPersistDriver, SandboxAgent, type SessionPersistDriver } from "sandbox-agent";
import { ConfigError, type SandboxConfig } from "../config.ts";
import { type Bind, bwrapArgs, ISOLATED_PATH, requireBwrap } from "./sandbox-isolation.ts";
import { healthy, localServers, type Reclaimed, reclaimSandboxes, type SandboxOwner, serverBinary, untilStopped, writeProcessRecord } from "./sandbox-process.ts";

export type { SandboxOwner };

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

export interface CreateOptions {
	/**
	 * More host paths visible inside at the same path: absolute real paths (no symlinks), never in
	 * the data dir. Local provider only; a no-op without isolation (the sandbox sees everything).
	 */
	binds?: Bind[];
	/** Whose sandbox it is: recorded beside a local one so a later run can close what it left open. */
	owner?: SandboxOwner;
}

export interface SandboxProvider {
	readonly name: SandboxConfig["provider"];
	create(sandboxId: string, opts?: CreateOptions): Promise<SandboxHandle>;
	/** Connects an SDK object (sessions' events go to `persist`). Fails fast when the sandbox is gone. */
	connect(handle: SandboxHandle, persist: SessionPersistDriver): Promise<SandboxAgent>;
	alive(handle: SandboxHandle): Promise<boolean>;
	destroy(handle: SandboxHandle): Promise<void>;
	/** Pause/resume where the provider supports it (local: the sandbox's processes are stopped and continued). */
	pause?(handle: SandboxHandle): Promise<void>;
	resume?(handle: SandboxHandle): Promise<void>;
	/** Stops every sandbox process this backend started (shutdown). */
	stopAll(): Promise<void>;
	/** At start: stops what a previous run left behind and says whose sandboxes they were (local only). */
	reclaim?(): Reclaimed;
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

/** Environment of a local sandbox: never the backend's own (it holds secrets), only what agents need. */
function sandboxEnv(cfg: SandboxConfig, home: string, bin: string): Record<string, string> {
	// Inside bwrap only the bound toolchain exists: the backend's PATH would name directories that are not there.
	const path = cfg.isolation === "bwrap" ? ISOLATED_PATH : (process.env.PATH ?? "/usr/bin:/bin");
	return {
		HOME: home,
		PATH: `${bin}:${path}`,
		LANG: process.env.LANG ?? "C.UTF-8",
		GIT_TERMINAL_PROMPT: "0",
		...cfg.agentEnv,
	};
}

/** Real path of a directory we own (created if missing), so bind and hide decisions compare like with like. */
function realDir(dir: string): string {
	mkdirSync(dir, { recursive: true, mode: 0o700 });
	return realpathSync(dir);
}

/** Extra binds must name real paths: a symlink would let a harmless-looking path mount the data dir. */
function realBinds(binds: readonly Bind[]): Bind[] {
	return binds.map((bind) => {
		let real: string;
		try {
			real = realpathSync(bind.path);
		} catch (err) {
			throw new FoundryError("INVALID_INPUT", `a sandbox bind must exist (${bind.path}: ${err instanceof Error ? err.message : String(err)})`);
		}
		if (real !== bind.path) throw new FoundryError("INVALID_INPUT", `a sandbox bind must be a real path, not a symlink (${bind.path} is ${real})`);
		return bind;
	});
}

/**
 * One `sandbox-agent server` process per sandbox, in its own directory, port and token; inside a
 * bubblewrap namespace unless `bwrap` is null (FOUNDRY_SANDBOX_ISOLATION=none).
 */
export function localProvider(cfg: SandboxConfig, log: Logger, bwrap: string | null): SandboxProvider {
	const servers = localServers(log);
	const dir = realDir(cfg.dir);
	const hidden = [realDir(cfg.dataDir), dir];
	// The server binary's own directory and, for the scripted agent, its code and node_modules.
	const readOnly = bwrap ? [dirname(realpathSync(serverBinary())), ...(cfg.scriptedAgent ? launcherReadPaths() : [])] : [];
	const isolation = (root: string, env: Record<string, string>, binds: readonly Bind[]) =>
		bwrap ? { bwrap, args: bwrapArgs({ root, env, readOnly, binds: realBinds(binds), hidden }) } : null;
	return {
		name: "local",
		async create(sandboxId, opts) {
			const root = join(dir, `${sandboxId.replace(/[^A-Za-z0-9_-]/g, "_")}-${Date.now().toString(36)}`);
			const home = join(root, "home");
			const bin = join(root, "bin");
			const env = sandboxEnv(cfg, home, bin);
			// Before anything is created: a refused bind leaves nothing behind. Without isolation the
			// server sees the whole host already, so extra binds are meaningless there.
			const options = isolation(root, env, opts?.binds ?? []);
			mkdirSync(home, { recursive: true, mode: 0o700 });
			mkdirSync(bin, { recursive: true });
			if (cfg.scriptedAgent) installLauncher(bin);
			const server = await servers.start({ root, env, isolation: options, timeoutMs: cfg.timeoutMs });
			const { pid, port, token, baseUrl } = server;
			if (opts?.owner) writeProcessRecord(root, { pid, baseUrl, dataDir: cfg.dataDir, ...opts.owner });
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
			if (handle.pid && !servers.signal(handle.pid, "SIGSTOP")) throw new FoundryError("UPSTREAM_FAILED", "the sandbox is gone");
			if (handle.pid) await untilStopped(handle.pid, true);
		},
		async resume(handle) {
			if (handle.pid && !servers.signal(handle.pid, "SIGCONT")) throw new FoundryError("UPSTREAM_FAILED", "the sandbox is gone");
			if (handle.pid) await untilStopped(handle.pid, false);
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
			if (handle.pid) await servers.stop(handle.pid);
			// The directory holds the repository and the owner's git credentials.
			rmSync(handle.root, { recursive: true, force: true });
		},
		stopAll: () => servers.stopAll(),
		reclaim: () => reclaimSandboxes(dir, cfg.dataDir, log),
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
		// Extra binds (CreateOptions) are host paths: a remote sandbox cannot see this machine, so they are ignored.
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

/** The configured provider. Local with bwrap isolation: refuses to start (ConfigError) when bwrap cannot sandbox here. */
export async function createSandboxProvider(cfg: SandboxConfig, log: Logger): Promise<SandboxProvider> {
	if (cfg.provider !== "local") return remoteProvider(cfg, cfg.provider);
	if (cfg.isolation === "bwrap") return localProvider(cfg, log, await requireBwrap(process.env.PATH));
	log.warn("FOUNDRY_SANDBOX_ISOLATION=none: agents run as the backend's user and can read its data dir, secrets and other sandboxes");
	return localProvider(cfg, log, null);
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
