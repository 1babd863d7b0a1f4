// The actor registry: every actor of the app, built from the composition root's dependencies.
import { setup } from "rivetkit";
import type { Client } from "rivetkit/client";
import { auditLogActor } from "./actors/audit-log/index.ts";
import { authIndexActor } from "./actors/auth-index/index.ts";
import { githubDataActor } from "./actors/github-data/index.ts";
import { organizationActor } from "./actors/organization/index.ts";
import { sandboxActor } from "./actors/sandbox/index.ts";
import type { ActorDeps } from "./actors/shared/deps.ts";
import type { RawPeerClient } from "./actors/shared/peers.ts";
import { taskActor } from "./actors/task/index.ts";
import { userActor } from "./actors/user/index.ts";
import type { GithubAppApi } from "./adapters/github-app.ts";
import { agentCatalog, type SandboxProvider } from "./adapters/sandbox-agent.ts";
import type { AuthStoreClient } from "./auth/adapter.ts";
import type { SandboxConfig } from "./config.ts";
import type { BillingApi } from "./adapters/stripe.ts";
import type { BillingEnv } from "./actors/organization/billing.ts";

export interface EngineOptions {
	/** Locally spawned engine (the embedded default): its guard port. */
	enginePort?: number;
	/** External Rivet Engine: endpoint + token (+ namespace). */
	endpoint?: string;
	token?: string;
	namespace?: string;
}

export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export interface RegistryDeps extends ActorDeps {
	githubApp?: GithubAppApi | null;
	syncIntervalMs?: number;
	sandboxProvider: SandboxProvider;
	sandboxConfig: SandboxConfig;
	/** Sandboxes ("org/task") a previous run left behind, reclaimed at start (see sandbox/recovery.ts). */
	reclaimed?: Map<string, number>;
	billingApi: BillingApi;
	billingEnv: BillingEnv;
	publicUrl: string;
}

export function createActors(deps: RegistryDeps) {
	return {
		organization: organizationActor({ ...deps, agents: agentCatalog(deps.sandboxProvider, deps.sandboxConfig) }),
		task: taskActor({ ...deps, defaultAgent: deps.sandboxConfig.defaultAgent }),
		auditLog: auditLogActor(deps),
		user: userActor(deps),
		authIndex: authIndexActor(deps),
		githubData: githubDataActor({ ...deps, githubApp: deps.githubApp ?? null, syncIntervalMs: deps.syncIntervalMs ?? 0 }),
		sandbox: sandboxActor({ ...deps, reclaimed: deps.reclaimed ?? new Map() }),
	};
}

export function createRegistry(deps: RegistryDeps, engine: EngineOptions) {
	return setup({
		use: createActors(deps),
		noWelcome: true,
		// main.ts owns SIGINT/SIGTERM so HTTP, actors and the engine stop in order.
		shutdown: { disableSignalHandlers: true },
		maxIncomingMessageSize: 512 * 1024,
		maxOutgoingMessageSize: MAX_MESSAGE_BYTES,
		...(engine.endpoint
			? { endpoint: engine.endpoint, token: engine.token, namespace: engine.namespace }
			: { enginePort: engine.enginePort, token: engine.token, startEngine: true }),
	});
}

export type AppRegistry = ReturnType<typeof createRegistry>;

/** Compile-time proof that the real client satisfies the slice actors use to reach each other. */
export type PeerClientCheck = Client<AppRegistry> extends RawPeerClient & AuthStoreClient ? true : never;
const peerClientCheck: PeerClientCheck = true;
void peerClientCheck;
