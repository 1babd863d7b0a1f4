// The typed Foundry API for the web UI, the CLI and scripts. The only RivetKit user outside the backend.
import type { AppRegistry } from "@foundry/backend/registry";
import {
	type AgentInfo,
	type AuditPage,
	auditLogKey,
	type ConnParams,
	type CreateTaskInput,
	deviceUserCodeSchema,
	type ListedFollowUp,
	type GithubStatus,
	githubDataKey,
	FoundryError,
	HTTP_PATH,
	isErrorCode,
	type ListAuditInput,
	type ListTasksInput,
	type OrganizationMember,
	type OrganizationSettings,
	type OrganizationSnapshot,
	orgIdSchema,
	type PruneResult,
	type pruneInputSchema,
	organizationKey,
	parseInput,
	type Repo,
	type RuntimeIssue,
	type SetRepoCredentialInput,
	sandboxKey,
	sessionIdSchema,
	type TranscriptEvent,
	type TaskRecord,
	type TaskStatus,
	type TaskSummary,
	taskIdSchema,
	taskKey,
	type UserUpdatedEvent,
	userKey,
} from "@foundry/shared";
import { type Client, createClient } from "rivetkit/client";
import { billingApi } from "./billing-api.ts";
import { call } from "./errors.ts";
import { subscribeSessionEvents } from "./session-events.ts";
import { type SubscribeOptions, type Subscription, subscribeOrganization } from "./subscriptions.ts";
import { gitApi, type InputOf, sandboxApi, sessionsApi, type TaskActors } from "./task-api.ts";
import { type TaskHandlers, subscribeTaskEvents } from "./task-events.ts";
import { meApi, tokensApi, type UserActors } from "./user-api.ts";

export const DEFAULT_ENDPOINT = "http://127.0.0.1:7741";

export interface FoundryClientOptions {
	/** Backend base URL (the CLI reads --endpoint or FOUNDRY_ENDPOINT). */
	endpoint?: string;
	/** Organization id; the signed-in user's active organization when omitted. */
	org?: string;
	/** A personal API token (`fdy_…`) or a session token. Browsers use their session cookie instead. */
	token?: string;
}

export interface WhoAmI {
	userId: string;
	login: string;
	organizations: Record<string, "admin" | "member">;
	/** The API token's id when the client uses one (null for session tokens). */
	tokenId: string | null;
}

export interface HealthReport {
	status: "ok" | "degraded";
	version: string;
	uptimeMs: number;
	engine: { mode: "local" | "external"; reachable: boolean };
}

export class FoundryClient {
	readonly endpoint: string;
	readonly #rivet: Client<AppRegistry>;
	readonly #params: ConnParams;
	readonly #token: string | undefined;
	#orgId: string | null;
	#whoami: Promise<WhoAmI> | null = null;

	constructor(options: FoundryClientOptions = {}) {
		this.endpoint = (options.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, "");
		this.#orgId = options.org === undefined ? null : parseInput(orgIdSchema, options.org, "organization id");
		this.#token = options.token;
		this.#params = options.token ? { token: options.token } : {};
		this.#rivet = createClient<AppRegistry>({
			endpoint: `${this.endpoint}${HTTP_PATH.rivet}`,
			disableMetadataLookup: true,
			// RivetKit would load its devtools script from the gateway on localhost pages; only the
			// client API crosses the public port, so there is nothing to load.
			devtools: false,
		});
	}

	/** The organization this client acts in (resolved from the user's active organization if not given). */
	async orgId(): Promise<string> {
		if (this.#orgId) return this.#orgId;
		const profile = await this.me.profile();
		if (!profile.activeOrgId) {
			throw new FoundryError("PRECONDITION_FAILED", "you have no organization yet; run `foundry org list` after sign-in completes");
		}
		this.#orgId = profile.activeOrgId;
		return this.#orgId;
	}

	/** Who the credentials belong to (GET /v1/whoami), cached per client. */
	whoami(): Promise<WhoAmI> {
		this.#whoami ??= this.#call(async () => {
			const res = await fetch(`${this.endpoint}${HTTP_PATH.whoami}`, {
				headers: this.#token ? { authorization: `Bearer ${this.#token}` } : {},
			});
			// Errors come as { error: { code, message }, requestId } (the backend's one error shape).
			const body = (await res.json()) as WhoAmI & { error?: { code?: unknown; message?: unknown } };
			if (!res.ok) {
				const { code, message } = body.error ?? {};
				throw new FoundryError(isErrorCode(code) ? code : "INTERNAL", typeof message === "string" ? message : `HTTP ${res.status}`);
			}
			return body;
		}).catch((err: unknown) => {
			this.#whoami = null;
			throw err;
		});
		return this.#whoami;
	}

	async #org() {
		return this.#rivet.organization.getOrCreate(organizationKey(await this.orgId()), { params: this.#params });
	}

	async #user() {
		const { userId } = await this.whoami();
		return this.#rivet.user.getOrCreate(userKey(userId), { params: this.#params });
	}

	#call<T>(run: () => Promise<T>): Promise<T> {
		return call(this.endpoint, run);
	}

	readonly repos = {
		add: (url: string): Promise<Repo> => this.#call(async () => (await this.#org()).addRepo({ url })),
		list: (): Promise<Repo[]> => this.#call(async () => (await this.#org()).listRepos()),
		/** The token git uses for a repository off GitHub (admin; null removes it); never read back. */
		setCredential: (repo: string, token: string | null, opts: { username?: string } = {}): Promise<Repo> =>
			this.#call(async () => (await this.#org()).setRepoCredential({ repo, token, ...opts } satisfies SetRepoCredentialInput)),
	};

	readonly tasks = {
		followUps: (taskId: string): Promise<ListedFollowUp[]> => this.#call(async () => (await this.#task(taskId)).listFollowUps()),
		setOwner: (taskId: string, userId: string): Promise<TaskRecord> =>
			this.#call(async () => (await this.#task(taskId)).setOwner({ userId })),
		create: (input: CreateTaskInput): Promise<TaskRecord> => this.#call(async () => (await this.#org()).createTask(input)),
		list: (input: ListTasksInput = {}): Promise<TaskSummary[]> => this.#call(async () => (await this.#org()).listTasks(input)),
		get: (taskId: string): Promise<TaskRecord> => this.#call(async () => (await this.#task(taskId)).get()),
		rename: (taskId: string, title: string): Promise<TaskRecord> =>
			this.#call(async () => (await this.#task(taskId)).rename({ title })),
		archive: (taskId: string): Promise<TaskRecord> => this.#call(async () => (await this.#task(taskId)).archive()),
		unarchive: (taskId: string): Promise<TaskRecord> =>
			this.#call(async () => (await this.#task(taskId)).unarchive()),
		setStatus: (taskId: string, status: TaskStatus): Promise<TaskRecord> =>
			this.#call(async () => (await this.#task(taskId)).setStatus({ status })),
		/** Owner or admin: stops the task's sessions and releases its sandbox. */
		kill: (taskId: string): Promise<TaskRecord> => this.#call(async () => (await this.#task(taskId)).kill()),
		/** Admin: deletes archived tasks unchanged for `olderThanDays` days (`dryRun` only lists them). */
		prune: (input: InputOf<typeof pruneInputSchema>): Promise<PruneResult> => this.#call(async () => (await this.#org()).prune(input)),
	};

	readonly #taskActors: TaskActors = {
		call: (run) => this.#call(run),
		task: (taskId) => this.#task(taskId),
		sandbox: (taskId) => this.#sandbox(taskId),
	};
	/** A task's agent sessions and their transcripts. */
	readonly sessions = sessionsApi(this.#taskActors);
	/** The task's sandbox (where its sessions run). */
	readonly sandbox = sandboxApi(this.#taskActors);
	/** Git actions on the task's branch; their outcomes arrive as `onGitResult` (subscribeTask). */
	readonly git = gitApi(this.#taskActors);

	readonly agents = {
		/** The agents sessions can run, with install/credential state and models. */
		list: (): Promise<AgentInfo[]> => this.#call(async () => (await this.#org()).listAgents()),
	};

	readonly audit = {
		list: (input: ListAuditInput = {}): Promise<AuditPage> =>
			this.#call(async () => this.#rivet.auditLog.getOrCreate(auditLogKey(await this.orgId()), { params: this.#params }).list(input)),
	};

	readonly runtimeIssues = {
		list: (opts: { includeCleared?: boolean } = {}): Promise<RuntimeIssue[]> =>
			this.#call(async () => (await this.#org()).listRuntimeIssues(opts)),
		clear: (ids?: number[]): Promise<{ cleared: number }> =>
			this.#call(async () => (await this.#org()).clearRuntimeIssues(ids ? { ids } : {})),
	};

	/** The organization's GitHub sync: status, and a re-sync (admin; returns at once). */
	readonly github = {
		status: (): Promise<GithubStatus> =>
			this.#call(async () => this.#rivet.githubData.getOrCreate(githubDataKey(await this.orgId()), { params: this.#params }).getStatus()),
		sync: (): Promise<{ queued: true }> =>
			this.#call(async () => this.#rivet.githubData.getOrCreate(githubDataKey(await this.orgId()), { params: this.#params }).requestSync()),
	};

	readonly settings = {
		/** Admin: organization settings (e.g. `archiveOnPrClose`). */
		update: (patch: Partial<OrganizationSettings>): Promise<OrganizationSettings> =>
			this.#call(async () => (await this.#org()).updateSettings(patch)),
	};

	/** The organization's plan, seats, usage, checkout and spend cap. */
	readonly billing = billingApi({ call: (run) => this.#call(run), org: () => this.#org() });

	readonly members = {
		list: (): Promise<OrganizationMember[]> => this.#call(async () => (await this.#org()).listMembers()),
	};

	readonly #userActors: UserActors = {
		call: (run) => this.#call(run),
		user: () => this.#user(),
		orgId: () => this.orgId(),
		useOrg: (orgId) => {
			this.#orgId = orgId;
		},
	};
	/** The signed-in user: profile, organizations, per-user state. */
	readonly me = meApi(this.#userActors);
	/** The user's personal API tokens. */
	readonly tokens = tokensApi(this.#userActors);

	/** The organization's sidebar state, kept current; `listener` gets a fresh snapshot on each change. */
	async subscribeOrganization(listener: (s: OrganizationSnapshot) => void, opts?: SubscribeOptions): Promise<Subscription> {
		const handle = await this.#call(() => this.#org());
		return subscribeOrganization(this.endpoint, () => handle.connect(), listener, opts);
	}

	/** The user's own changes (profile, task state, feed, notifications), live. */
	async subscribeUser(listener: (e: UserUpdatedEvent) => void): Promise<{ close(): Promise<void> }> {
		const conn = (await this.#call(() => this.#user())).connect();
		conn.on("userUpdated", listener);
		// Resolve once subscribed: a call on the same connection is answered after the subscription.
		await this.#call(() => conn.getProfile()).catch(async (err: unknown) => {
			await conn.dispose();
			throw err;
		});
		return { close: () => conn.dispose() };
	}

	/** One task live: record (listener or `onTask`), sessions, git results, changes. NOT_FOUND if unknown. */
	async subscribeTask(
		taskId: string,
		handlers: TaskHandlers | ((task: TaskRecord) => void),
		opts?: SubscribeOptions,
	): Promise<Subscription> {
		const handle = await this.#call(() => this.#task(taskId));
		const on = typeof handlers === "function" ? { onTask: handlers } : handlers;
		return subscribeTaskEvents(this.endpoint, () => handle.connect(), on, opts);
	}

	/** A session's transcript: the stored events first, then live ones, each index once, ascending. */
	async subscribeSession(
		taskId: string,
		sessionId: string,
		onEvents: (events: TranscriptEvent[]) => void,
		opts?: SubscribeOptions,
	): Promise<Subscription> {
		const id = parseInput(sessionIdSchema, sessionId, "session id");
		const handle = await this.#call(() => this.#sandbox(taskId));
		return subscribeSessionEvents(this.endpoint, () => handle.connect(), id, onEvents, opts);
	}

	/** Browser sign-in with GitHub (Better Auth's routes, same origin: the session is a cookie). */
	readonly auth = {
		/** Where to send the browser to sign in; GitHub sends it back to `callbackURL` signed in. */
		signInUrl: (callbackURL = "/"): Promise<string> =>
			this.#call(async () => {
				const body = await this.#authPost("/sign-in/social", { provider: "github", callbackURL });
				if (typeof body.url !== "string") throw new FoundryError("UPSTREAM_FAILED", "sign-in did not return a GitHub URL");
				return body.url;
			}),
		signOut: (): Promise<void> =>
			this.#call(async () => {
				await this.#authPost("/sign-out", {});
				this.#whoami = null;
				this.#orgId = null;
			}),
		/**
		 * Answers a CLI login (`foundry login`'s code) as the signed-in browser user: the code is
		 * claimed by this session first, then approved or denied.
		 */
		answerDevice: (userCode: string, answer: "approve" | "deny"): Promise<void> =>
			this.#call(async () => {
				const code = parseInput(deviceUserCodeSchema, userCode, "device code");
				const claim = await fetch(`${this.endpoint}${HTTP_PATH.auth}/device?user_code=${encodeURIComponent(code)}`, { credentials: "include" });
				if (claim.status === 429) throw new FoundryError("RATE_LIMITED", "too many attempts; wait a minute");
				if (claim.status === 401) throw new FoundryError("UNAUTHORIZED", "sign in first");
				if (!claim.ok) throw new FoundryError("NOT_FOUND", "unknown or expired code: check the code in your terminal, or run foundry login again");
				await this.#authPost(`/device/${answer}`, { userCode: code });
			}),
	};

	async #authPost(path: string, payload: unknown): Promise<Record<string, unknown>> {
		const res = await fetch(`${this.endpoint}${HTTP_PATH.auth}${path}`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			credentials: "include",
			body: JSON.stringify(payload),
		});
		const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
		if (!res.ok) {
			const message = typeof body.message === "string" ? body.message : `HTTP ${res.status}`;
			throw new FoundryError(res.status === 429 ? "RATE_LIMITED" : "UPSTREAM_FAILED", message);
		}
		return body;
	}

	/** A trivial actor round trip (used by benchmarks as the latency floor). */
	ping(): Promise<string> {
		return this.#call(async () => (await this.#org()).ping());
	}

	async health(): Promise<HealthReport> {
		return this.#call(async () => {
			const res = await fetch(`${this.endpoint}${HTTP_PATH.health}`);
			return (await res.json()) as HealthReport;
		});
	}

	async dispose(): Promise<void> {
		await this.#rivet.dispose();
	}

	/** Resolves a task through the organization index first: unknown ids fail fast with NOT_FOUND. */
	async #task(taskId: string) {
		return this.#rivet.task.getOrCreate(taskKey(await this.orgId(), await this.#knownTask(taskId)), { params: this.#params });
	}

	/** The task's sandbox actor (one per task), after the same existence check. */
	async #sandbox(taskId: string) {
		return this.#rivet.sandbox.getOrCreate(sandboxKey(await this.orgId(), await this.#knownTask(taskId)), { params: this.#params });
	}

	async #knownTask(taskId: string): Promise<string> {
		const id = parseInput(taskIdSchema, taskId, "task id");
		await (await this.#org()).getTaskSummary(id);
		return id;
	}
}

export function createFoundryClient(options?: FoundryClientOptions): FoundryClient {
	return new FoundryClient(options);
}
