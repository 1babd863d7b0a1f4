// Starts everything one backend process runs: engine (embedded or external), actors, HTTP.
// Returns a handle whose stop() shuts down in order: HTTP, actors, then the engine we started.
import { existsSync, mkdirSync } from "node:fs";
import { HTTP_PATH, sandboxKey } from "@foundry/shared";
import type { Logger } from "pino";
import { githubAppApi } from "./adapters/github-app.ts";
import { createSandboxProvider } from "./adapters/sandbox-agent.ts";
import { billingApi as stripeApi } from "./adapters/stripe.ts";
import { setupAuth } from "./auth/setup.ts";
import type { Config } from "./config.ts";
import { enginePorts, engineReachable, engineStoragePath, engineUrl, localEnginePid, stopProcess } from "./engine/engine.ts";
import { lockDataDir } from "./engine/data-dir-lock.ts";
import { loadEngineToken } from "./engine/engine-token.ts";
import { prepareEngineEnv, setRealEnv } from "./engine/runtime-env.ts";
import { keepNoDelay } from "./engine/tcp-nodelay.ts";
import { createApp } from "./http/app.ts";
import type { GatewayDeps } from "./http/gateway.ts";
import { RateLimiter } from "./http/rate-limit.ts";
import type { StripeWebhookDeps } from "./http/stripe-webhook.ts";
import type { WebhookDeps } from "./http/github-webhook.ts";
import { type BridgeData, bridgeHandler, isRivetUpgrade, upgradeToBridge } from "./http/websocket.ts";
import { createRegistry } from "./registry.ts";
import { recoverSandboxes } from "./actors/sandbox/recovery.ts";
import type { RawPeerClient } from "./actors/shared/peers.ts";
import { VERSION } from "./version.ts";

export interface RunningBackend {
	url: string;
	stop(): Promise<void>;
}

const ACTOR_STOP_MS = 8_000;

/** Waits for `promise`, at most `ms` (then calls `onTimeout` and moves on). */
async function bounded(promise: Promise<unknown>, ms: number, onTimeout: () => void): Promise<void> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const late = new Promise<"late">((done) => {
		timer = setTimeout(() => done("late"), ms);
	});
	const outcome = await Promise.race([promise.then(() => "done" as const), late]);
	clearTimeout(timer);
	if (outcome === "late") onTimeout();
}

export async function startBackend(config: Config, log: Logger): Promise<RunningBackend> {
	const startedAt = Date.now();
	const engine = engineUrl(config);
	const storage = engineStoragePath(config);
	mkdirSync(storage, { recursive: true });
	const lock = await lockDataDir(config.dataDir, config.engine.mode === "local" ? storage : null, log);
	await prepareEngineEnv(storage);
	const engineToken = loadEngineToken(config.engine.token, config.dataDir, log);
	// The embedded engine reads its admin token from the environment it inherits.
	if (config.engine.mode === "local") await setRealEnv("RIVET__AUTH__ADMIN_TOKEN", engineToken);
	const namespace = config.engine.mode === "external" ? config.engine.namespace : "default";
	// If an engine already answers on our port we reuse it and must not stop it on exit.
	const ownsEngine = config.engine.mode === "local" && !(await engineReachable(engine, 300));

	const authSetup = setupAuth(config, log);
	const auth = authSetup.createAuth(
		config.engine.mode === "external"
			? { endpoint: config.engine.endpoint, token: engineToken, namespace }
			: { endpoint: engine, token: engineToken },
	);
	const minute = 60_000;
	const limiter = new RateLimiter({
		auth: { limit: config.edge.rateLimits.auth, windowMs: minute },
		device: { limit: config.edge.rateLimits.device, windowMs: minute },
		gatewayAnonymous: { limit: config.edge.rateLimits.gatewayAnonymous, windowMs: minute },
	});
	const gateway: GatewayDeps = {
		engineUrl: engine,
		namespace,
		authSecret: authSetup.secret,
		resolve: (params) => authSetup.resolver.resolve(params, () => authSetup.client()),
		inspectorToken: config.edge.inspectorToken,
		limiter,
		log: log.child({ component: "gateway" }),
	};
	const billingApi = stripeApi(config.billing);
	const app = createApp({
		log,
		auth,
		web: { dir: existsSync(config.web.dir) ? config.web.dir : null, devUrl: config.web.devUrl },
		githubInstallUrl: config.github.installUrl,
		gateway,
		limiter,
		whoami: (h) => authSetup.whoami(h),
		stripeWebhooks: {
			billing: billingApi,
			client: () => authSetup.client() as ReturnType<StripeWebhookDeps["client"]>,
			params: authSetup.resolver.internalParams,
			log,
		},
		webhooks: {
			secret: config.github.webhookSecret,
			client: () => authSetup.client() as ReturnType<WebhookDeps["client"]>,
			params: authSetup.resolver.internalParams,
			log,
		},
		version: VERSION,
		startedAt,
		engineMode: config.engine.mode,
		checkEngine: () => engineReachable(engine),
	});
	// Bind first: a taken port fails before anything is spawned.
	const server = Bun.serve<BridgeData>({
		hostname: config.host,
		port: config.port,
		idleTimeout: 0,
		fetch(req, srv) {
			if (isRivetUpgrade(req, HTTP_PATH.rivet)) return upgradeToBridge(req, srv, gateway, srv.requestIP(req)?.address ?? "unknown");
			return app.fetch(req, srv);
		},
		websocket: bridgeHandler(log),
	});

	const sandboxProvider = await createSandboxProvider(config.sandbox, log.child({ component: "sandbox" }));
	// Before any actor runs: what a previous run of this data dir left (stopped, never re-adopted).
	const leftovers = sandboxProvider.reclaim?.() ?? { owners: [], killed: 0, removed: 0 };
	if (leftovers.removed > 0) log.info({ sandboxes: leftovers.removed, killed: leftovers.killed }, "sandboxes of a previous run reclaimed");
	const registry = createRegistry(
		{
			sandboxProvider,
			sandboxConfig: config.sandbox,
			reclaimed: new Map(leftovers.owners.map((o) => [sandboxKey(o.orgId, o.taskId).join("/"), o.pid])),
			billingApi,
			billingEnv: { enabled: billingApi.enabled, freeMinutes: config.billing.freeMinutes, graceMs: config.billing.graceMs, turnCheckMs: config.billing.turnCheckMs },
			publicUrl: config.publicUrl,
			logger: log,
			internalParams: authSetup.resolver.internalParams,
			principals: authSetup.resolver,
			github: authSetup.github,
			secrets: authSetup.secrets,
			githubApp: config.github.app ? githubAppApi({ ...config.github, app: config.github.app }) : null,
			syncIntervalMs: config.github.syncIntervalMs,
		},
		config.engine.mode === "external"
			? { endpoint: config.engine.endpoint, token: engineToken, namespace }
			: { enginePort: config.engine.port, token: engineToken },
	);
	const stopEngine = async () => {
		if (!ownsEngine) return;
		const pid = localEnginePid(storage);
		if (pid !== null && !(await stopProcess(pid))) log.error({ pid }, "engine did not stop");
	};
	try {
		await registry.startAndWait();
	} catch (err) {
		await server.stop(true);
		await authSetup.dispose();
		await registry.shutdown();
		await sandboxProvider.stopAll();
		await stopEngine();
		lock.release();
		throw err;
	}

	// Their actors close what was open (turns interrupted, sessions usable), in the background.
	void recoverSandboxes(authSetup.client() as RawPeerClient, authSetup.resolver.internalParams, leftovers.owners, log);

	const noDelay = await keepNoDelay(enginePorts(config), log);
	log.debug({ sockets: noDelay.apply() }, "TCP_NODELAY set on engine sockets");

	let stopping: Promise<void> | null = null;
	const stop = () => {
		stopping ??= shutdown();
		return stopping;
	};
	async function shutdown() {
		log.info("shutting down");
		const step = async (name: string, run: () => Promise<unknown>) => {
			const started = performance.now();
			await run();
			log.debug({ step: name, ms: Math.round(performance.now() - started) }, "shutdown step done");
		};
		await step("http", () => server.stop(true));
		noDelay.stop();
		await step("auth", () => authSetup.dispose());
		// Actors finish their current step; one stuck on a peer that is already gone (a GitHub sync
		// mid-flight) must not hold the process: its workflow replays from the last step next start.
		await step("actors", () => bounded(registry.shutdown(), ACTOR_STOP_MS, () => log.warn({ ms: ACTOR_STOP_MS }, "actors did not stop in time; stopping the engine anyway")));
		await step("sandboxes", () => sandboxProvider.stopAll());
		await step("engine", () => stopEngine());
		lock.release();
		log.info("stopped");
	}
	return { url: `http://${config.host}:${server.port}`, stop };
}
