// Configuration from the environment, parsed once at startup. An invalid value stops the process
// with a message naming the variable and what is wrong.
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const port = (fallback: number) =>
	z.coerce
		.number({ error: "must be a number" })
		.int("must be an integer")
		.min(1, "must be between 1 and 65535")
		.max(65535, "must be between 1 and 65535")
		.default(fallback);

/** packages/web/dist next to this package (config.ts is packages/backend/src/config.ts). */
const DEFAULT_WEB_DIR = fileURLToPath(new URL("../../web/dist", import.meta.url));

const optionalText = z
	.string()
	.trim()
	.optional()
	.transform((v) => (v === "" ? undefined : v));

const envSchema = z.object({
	FOUNDRY_HOST: z.string().trim().min(1).default("127.0.0.1"),
	FOUNDRY_PORT: port(7741),
	FOUNDRY_DATA_DIR: optionalText,
	FOUNDRY_ENGINE_PORT: port(7750).refine((p) => p + 10 <= 65535, "must leave room for port + 10"),
	FOUNDRY_ENGINE_ENDPOINT: optionalText.pipe(
		z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
	),
	// The engine's admin token (local or external engine); generated into the data dir when unset.
	FOUNDRY_ENGINE_TOKEN: optionalText.pipe(z.string().min(16, "must be at least 16 characters").optional()),
	// RivetKit's inspector through the public port: off unless this operator secret is set.
	FOUNDRY_INSPECTOR_TOKEN: optionalText.pipe(z.string().min(32, "must be at least 32 characters").optional()),
	// Edge rate limits per client address and minute (0: off): sign-in routes, device flow,
	// unauthenticated gateway requests.
	FOUNDRY_RATE_LIMIT_AUTH: z.coerce.number({ error: "must be a number" }).int().min(0).default(300),
	FOUNDRY_RATE_LIMIT_DEVICE: z.coerce.number({ error: "must be a number" }).int().min(0).default(120),
	FOUNDRY_RATE_LIMIT_ANONYMOUS: z.coerce.number({ error: "must be a number" }).int().min(0).default(120),
	FOUNDRY_ENGINE_NAMESPACE: z.string().trim().min(1).default("default"),
	FOUNDRY_LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
	// GitHub (or GHES, or the local simulator): web base for OAuth, API base for REST. Used from step 3 on.
	FOUNDRY_GITHUB_URL: optionalText.pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional()),
	FOUNDRY_GITHUB_API_URL: optionalText.pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional()),
	// The GitHub App's OAuth client (sign-in). Without it the backend runs but nobody can sign in.
	FOUNDRY_GITHUB_CLIENT_ID: optionalText,
	FOUNDRY_GITHUB_CLIENT_SECRET: optionalText,
	// Public base URL of this backend (OAuth callbacks, cookies); http://HOST:PORT by default.
	FOUNDRY_PUBLIC_URL: optionalText.pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional()),
	// The built web UI (default: packages/web/dist of this checkout); in dev, the Vite server to proxy to.
	FOUNDRY_WEB_DIR: optionalText,
	FOUNDRY_WEB_DEV_URL: optionalText.pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional()),
	// Signs sessions and encrypts GitHub tokens at rest. Generated into the data dir when unset.
	FOUNDRY_AUTH_SECRET: optionalText.pipe(z.string().min(32, "must be at least 32 characters").optional()),
	// The GitHub App (org data sync, webhooks). Without it organizations sync nothing from GitHub.
	FOUNDRY_GITHUB_APP_ID: optionalText.pipe(z.string().regex(/^\d+$/, "must be the numeric App id").optional()),
	FOUNDRY_GITHUB_APP_PRIVATE_KEY: optionalText.pipe(
		z.string().includes("PRIVATE KEY", { message: "must be a PEM private key (\\n escapes allowed)" }).optional(),
	),
	FOUNDRY_GITHUB_WEBHOOK_SECRET: optionalText,
	// The App's URL name (github.com/apps/<slug>): the web UI's "Install the GitHub App" link.
	FOUNDRY_GITHUB_APP_SLUG: optionalText.pipe(z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/i, "must be the App's slug (github.com/apps/<slug>)").optional()),
	FOUNDRY_GITHUB_PAGE_SIZE: z.coerce.number({ error: "must be a number" }).int().min(1).max(100).default(100),
	FOUNDRY_GITHUB_SYNC_INTERVAL_MS: z.coerce.number({ error: "must be a number" }).int().min(0).default(3_600_000),
	FOUNDRY_AUTH_CACHE_MS: z.coerce.number({ error: "must be a number" }).int().min(0).max(300_000).default(10_000),
	FOUNDRY_TRUSTED_ORIGINS: optionalText,
	// Sandboxes (step 5): where agents run. local = one sandbox-agent server process per sandbox.
	FOUNDRY_SANDBOX_PROVIDER: z.enum(["local", "docker", "e2b", "daytona"], { error: "must be local, docker, e2b or daytona" }).default("local"),
	FOUNDRY_SANDBOX_DIR: optionalText,
	// Local sandboxes run in a bubblewrap namespace (bwrap, the default; the backend refuses to
	// start without it) or as plain processes of the backend's user (none: trusted agents only).
	FOUNDRY_SANDBOX_ISOLATION: z.enum(["bwrap", "none"], { error: "must be bwrap or none" }).default("bwrap"),
	FOUNDRY_SANDBOX_DOCKER_IMAGE: optionalText,
	// An idle sandbox (no turn running) is paused after this long and resumed on next use; 0: never.
	FOUNDRY_SANDBOX_IDLE_PAUSE_MS: z.coerce.number({ error: "must be a number" }).int().min(0).default(600_000),
	FOUNDRY_SANDBOX_TIMEOUT_MS: z.coerce.number({ error: "must be a number" }).int().min(1_000).max(600_000).default(60_000),
	// The scripted test agent stands in for agent `pi` (tests and `pnpm dev`; never in production by default).
	FOUNDRY_SCRIPTED_AGENT: z.enum(["true", "false"], { error: "must be true or false" }).default("false"),
	FOUNDRY_DEFAULT_AGENT: z.string().trim().min(1).default("claude"),
	// Names of environment variables passed into sandboxes (agent credentials); values are never logged.
	FOUNDRY_AGENT_ENV: z.string().default("ANTHROPIC_API_KEY,CLAUDE_CODE_OAUTH_TOKEN,OPENAI_API_KEY,CODEX_API_KEY"),
	// Billing (step 6): Stripe (or the local simulator). Without a secret key billing is off: every
	// organization is on the free plan's limits, checkout is refused.
	FOUNDRY_STRIPE_API_URL: optionalText.pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional()),
	FOUNDRY_STRIPE_SECRET_KEY: optionalText.pipe(z.string().startsWith("sk_", "must be a Stripe secret key (sk_…)").optional()),
	FOUNDRY_STRIPE_WEBHOOK_SECRET: optionalText.pipe(z.string().startsWith("whsec_", "must be a webhook signing secret (whsec_…)").optional()),
	FOUNDRY_STRIPE_TEAM_PRICE_ID: z.string().trim().min(1).default("price_team_monthly"),
	FOUNDRY_STRIPE_METER_EVENT: z.string().trim().min(1).default("agent_minutes"),
	FOUNDRY_FREE_MINUTES: z.coerce.number({ error: "must be a number" }).min(0).default(300),
	FOUNDRY_PAST_DUE_GRACE_DAYS: z.coerce.number({ error: "must be a number" }).min(0).max(60).default(3),
	/** How long a turn may stay open before metering asks its task whether it still runs (ms). */
	FOUNDRY_TURN_CHECK_MS: z.coerce.number({ error: "must be a number" }).int().min(1_000).max(86_400_000).default(60_000),
});

export interface Config {
	host: string;
	port: number;
	dataDir: string;
	logLevel: z.infer<typeof envSchema>["FOUNDRY_LOG_LEVEL"];
	github: {
		webUrl: string;
		apiUrl: string;
		clientId: string | undefined;
		clientSecret: string | undefined;
		app: { id: number; privateKey: string } | undefined;
		/** Where an admin installs the App on an account (null: the slug is not configured). */
		installUrl: string | null;
		webhookSecret: string | undefined;
		/** Periodic reconciliation of each organization with GitHub; 0 disables it. */
		syncIntervalMs: number;
		/** per_page for list requests (100 in production; smaller in tests to cross page boundaries). */
		pageSize: number;
	};
	publicUrl: string;
	web: { dir: string; devUrl: string | null };
	auth: { secret: string | undefined; cacheMs: number; trustedOrigins: string[] };
	sandbox: SandboxConfig;
	billing: BillingConfig;
	engine:
		| { mode: "local"; port: number; token: string | undefined }
		| { mode: "external"; endpoint: string; token: string | undefined; namespace: string };
	edge: EdgeConfig;
}

export interface EdgeConfig {
	inspectorToken: string | null;
	/** Requests per minute per client address (0: no limit). */
	rateLimits: { auth: number; device: number; gatewayAnonymous: number };
}

export interface SandboxConfig {
	provider: "local" | "docker" | "e2b" | "daytona";
	/** Working directories of local sandboxes. */
	dir: string;
	/** How local sandboxes are isolated from the host and each other (sandbox-isolation.ts). */
	isolation: "bwrap" | "none";
	/** The backend's data dir: never visible inside an isolated sandbox. */
	dataDir: string;
	dockerImage: string | undefined;
	/** Upper bound of any single call into sandbox-agent (health, session open, git). */
	timeoutMs: number;
	/** Idle time after which a sandbox is paused (0: never). */
	idlePauseMs: number;
	scriptedAgent: boolean;
	defaultAgent: string;
	/** Agent credentials passed into sandboxes (name → value), from the backend's environment. */
	agentEnv: Record<string, string>;
}

export interface BillingConfig {
	/** Stripe API base (api.stripe.com or the simulator); null key: billing off. */
	apiUrl: string;
	secretKey: string | undefined;
	webhookSecret: string | undefined;
	teamPriceId: string;
	meterEvent: string;
	freeMinutes: number;
	graceMs: number;
	turnCheckMs: number;
}

export class ConfigError extends Error {
	override name = "ConfigError";
}

export function defaultDataDir(env: Record<string, string | undefined>): string {
	const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.length > 0 ? env.XDG_DATA_HOME : join(homedir(), ".local", "share");
	return join(base, "foundry");
}

/** An external engine has no token we could generate: it comes from configuration (or the URL). */
function requireExternalToken(endpoint: string, token: string | undefined): Record<string, never> {
	if (!token && !new URL(endpoint).password) {
		throw new ConfigError("invalid configuration: FOUNDRY_ENGINE_TOKEN (the engine's admin token) is required with FOUNDRY_ENGINE_ENDPOINT");
	}
	return {};
}

export function loadConfig(env: Record<string, string | undefined>): Config {
	const parsed = envSchema.safeParse(env);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((issue) => {
			const name = String(issue.path[0] ?? "environment");
			const got = env[name] === undefined ? "" : ` (got '${env[name]}')`;
			return `${name}: ${issue.message}${got}`;
		});
		throw new ConfigError(`invalid configuration: ${lines.join("; ")}`);
	}
	const e = parsed.data;
	if ((e.FOUNDRY_GITHUB_APP_ID === undefined) !== (e.FOUNDRY_GITHUB_APP_PRIVATE_KEY === undefined)) {
		throw new ConfigError("invalid configuration: FOUNDRY_GITHUB_APP_ID and FOUNDRY_GITHUB_APP_PRIVATE_KEY must be set together");
	}
	if ((e.FOUNDRY_GITHUB_CLIENT_ID === undefined) !== (e.FOUNDRY_GITHUB_CLIENT_SECRET === undefined)) {
		throw new ConfigError("invalid configuration: FOUNDRY_GITHUB_CLIENT_ID and FOUNDRY_GITHUB_CLIENT_SECRET must be set together");
	}
	return {
		host: e.FOUNDRY_HOST,
		port: e.FOUNDRY_PORT,
		dataDir: e.FOUNDRY_DATA_DIR ?? defaultDataDir(env),
		logLevel: e.FOUNDRY_LOG_LEVEL,
		github: {
			webUrl: (e.FOUNDRY_GITHUB_URL ?? "https://github.com").replace(/\/+$/, ""),
			apiUrl: (e.FOUNDRY_GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, ""),
			clientId: e.FOUNDRY_GITHUB_CLIENT_ID,
			clientSecret: e.FOUNDRY_GITHUB_CLIENT_SECRET,
			app:
				e.FOUNDRY_GITHUB_APP_ID && e.FOUNDRY_GITHUB_APP_PRIVATE_KEY
					? { id: Number(e.FOUNDRY_GITHUB_APP_ID), privateKey: e.FOUNDRY_GITHUB_APP_PRIVATE_KEY.replace(/\\n/g, "\n") }
					: undefined,
			installUrl: e.FOUNDRY_GITHUB_APP_SLUG ? `${(e.FOUNDRY_GITHUB_URL ?? "https://github.com").replace(/\/+$/, "")}/apps/${e.FOUNDRY_GITHUB_APP_SLUG}/installations/new` : null,
			webhookSecret: e.FOUNDRY_GITHUB_WEBHOOK_SECRET,
			syncIntervalMs: e.FOUNDRY_GITHUB_SYNC_INTERVAL_MS,
			pageSize: e.FOUNDRY_GITHUB_PAGE_SIZE,
		},
		publicUrl: (e.FOUNDRY_PUBLIC_URL ?? `http://${e.FOUNDRY_HOST}:${e.FOUNDRY_PORT}`).replace(/\/+$/, ""),
		web: { dir: e.FOUNDRY_WEB_DIR ?? DEFAULT_WEB_DIR, devUrl: e.FOUNDRY_WEB_DEV_URL?.replace(/\/+$/, "") ?? null },
		auth: {
			secret: e.FOUNDRY_AUTH_SECRET,
			cacheMs: e.FOUNDRY_AUTH_CACHE_MS,
			trustedOrigins: (e.FOUNDRY_TRUSTED_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean),
		},
		engine: e.FOUNDRY_ENGINE_ENDPOINT
			? {
					...requireExternalToken(e.FOUNDRY_ENGINE_ENDPOINT, e.FOUNDRY_ENGINE_TOKEN),
					mode: "external",
					endpoint: e.FOUNDRY_ENGINE_ENDPOINT,
					token: e.FOUNDRY_ENGINE_TOKEN,
					namespace: e.FOUNDRY_ENGINE_NAMESPACE,
				}
			: { mode: "local", port: e.FOUNDRY_ENGINE_PORT, token: e.FOUNDRY_ENGINE_TOKEN },
		edge: {
			inspectorToken: e.FOUNDRY_INSPECTOR_TOKEN ?? null,
			rateLimits: { auth: e.FOUNDRY_RATE_LIMIT_AUTH, device: e.FOUNDRY_RATE_LIMIT_DEVICE, gatewayAnonymous: e.FOUNDRY_RATE_LIMIT_ANONYMOUS },
		},
		sandbox: sandboxConfig(e, env),
		billing: {
			apiUrl: (e.FOUNDRY_STRIPE_API_URL ?? "https://api.stripe.com").replace(/\/+$/, ""),
			secretKey: e.FOUNDRY_STRIPE_SECRET_KEY,
			webhookSecret: e.FOUNDRY_STRIPE_WEBHOOK_SECRET,
			teamPriceId: e.FOUNDRY_STRIPE_TEAM_PRICE_ID,
			meterEvent: e.FOUNDRY_STRIPE_METER_EVENT,
			freeMinutes: e.FOUNDRY_FREE_MINUTES,
			graceMs: e.FOUNDRY_PAST_DUE_GRACE_DAYS * 86_400_000,
			turnCheckMs: e.FOUNDRY_TURN_CHECK_MS,
		},
	};
}

function sandboxConfig(e: z.infer<typeof envSchema>, env: Record<string, string | undefined>): SandboxConfig {
	const missing = (name: string) => new ConfigError(`invalid configuration: ${name} is required with FOUNDRY_SANDBOX_PROVIDER=${e.FOUNDRY_SANDBOX_PROVIDER}`);
	if (e.FOUNDRY_SANDBOX_PROVIDER === "docker" && !e.FOUNDRY_SANDBOX_DOCKER_IMAGE) throw missing("FOUNDRY_SANDBOX_DOCKER_IMAGE");
	if (e.FOUNDRY_SANDBOX_PROVIDER === "e2b" && !env.E2B_API_KEY) throw missing("E2B_API_KEY");
	if (e.FOUNDRY_SANDBOX_PROVIDER === "daytona" && !env.DAYTONA_API_KEY) throw missing("DAYTONA_API_KEY");
	const agentEnv: Record<string, string> = {};
	for (const name of e.FOUNDRY_AGENT_ENV.split(",").map((n) => n.trim()).filter(Boolean)) {
		const value = env[name];
		if (value) agentEnv[name] = value;
	}
	const dataDir = e.FOUNDRY_DATA_DIR ?? defaultDataDir(env);
	return {
		provider: e.FOUNDRY_SANDBOX_PROVIDER,
		dir: e.FOUNDRY_SANDBOX_DIR ?? join(dataDir, "sandboxes"),
		isolation: e.FOUNDRY_SANDBOX_ISOLATION,
		dataDir,
		dockerImage: e.FOUNDRY_SANDBOX_DOCKER_IMAGE,
		timeoutMs: e.FOUNDRY_SANDBOX_TIMEOUT_MS,
		idlePauseMs: e.FOUNDRY_SANDBOX_IDLE_PAUSE_MS,
		scriptedAgent: e.FOUNDRY_SCRIPTED_AGENT === "true",
		defaultAgent: e.FOUNDRY_SCRIPTED_AGENT === "true" && !env.FOUNDRY_DEFAULT_AGENT ? "pi" : e.FOUNDRY_DEFAULT_AGENT,
		agentEnv,
	};
}
