// The typed Foundry API for the web UI, the CLI and scripts. The only RivetKit user outside the backend.
import type { AppRegistry } from "@foundry/backend/registry";
import {
	type AuditPage,
	auditLogKey,
	type CreateTaskInput,
	DEFAULT_ORG_ID,
	HTTP_PATH,
	type ListAuditInput,
	type ListTasksInput,
	type OrganizationSnapshot,
	orgIdSchema,
	organizationKey,
	parseInput,
	type Repo,
	type RuntimeIssue,
	type TaskRecord,
	type TaskStatus,
	type TaskSummary,
	taskIdSchema,
	taskKey,
} from "@foundry/shared";
import { type Client, createClient } from "rivetkit/client";
import { call } from "./errors.ts";
import { type SubscribeOptions, type Subscription, subscribeOrganization, subscribeTask } from "./subscriptions.ts";

export const DEFAULT_ENDPOINT = "http://127.0.0.1:7741";

export interface FoundryClientOptions {
	/** Backend base URL (the CLI reads --endpoint or FOUNDRY_ENDPOINT). */
	endpoint?: string;
	/** Organization id; "default" until sign-in (step 3) brings real organizations. */
	org?: string;
}

export interface HealthReport {
	status: "ok" | "degraded";
	version: string;
	uptimeMs: number;
	engine: { mode: "local" | "external"; reachable: boolean };
}

export class FoundryClient {
	readonly endpoint: string;
	readonly orgId: string;
	readonly #rivet: Client<AppRegistry>;

	constructor(options: FoundryClientOptions = {}) {
		this.endpoint = (options.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, "");
		this.orgId = parseInput(orgIdSchema, options.org ?? DEFAULT_ORG_ID, "organization id");
		this.#rivet = createClient<AppRegistry>({
			endpoint: `${this.endpoint}${HTTP_PATH.rivet}`,
			disableMetadataLookup: true,
		});
	}

	#org() {
		return this.#rivet.organization.getOrCreate(organizationKey(this.orgId));
	}

	#call<T>(run: () => Promise<T>): Promise<T> {
		return call(this.endpoint, run);
	}

	readonly repos = {
		add: (url: string): Promise<Repo> => this.#call(() => this.#org().addRepo({ url })),
		list: (): Promise<Repo[]> => this.#call(() => this.#org().listRepos()),
	};

	readonly tasks = {
		create: (input: CreateTaskInput): Promise<TaskRecord> => this.#call(() => this.#org().createTask(input)),
		list: (input: ListTasksInput = {}): Promise<TaskSummary[]> => this.#call(() => this.#org().listTasks(input)),
		get: (taskId: string): Promise<TaskRecord> => this.#call(async () => (await this.#task(taskId)).get()),
		rename: (taskId: string, title: string): Promise<TaskRecord> =>
			this.#call(async () => (await this.#task(taskId)).rename({ title })),
		archive: (taskId: string): Promise<TaskRecord> => this.#call(async () => (await this.#task(taskId)).archive()),
		unarchive: (taskId: string): Promise<TaskRecord> =>
			this.#call(async () => (await this.#task(taskId)).unarchive()),
		setStatus: (taskId: string, status: TaskStatus): Promise<TaskRecord> =>
			this.#call(async () => (await this.#task(taskId)).setStatus({ status })),
	};

	readonly audit = {
		list: (input: ListAuditInput = {}): Promise<AuditPage> =>
			this.#call(() => this.#rivet.auditLog.getOrCreate(auditLogKey(this.orgId)).list(input)),
	};

	readonly runtimeIssues = {
		list: (opts: { includeCleared?: boolean } = {}): Promise<RuntimeIssue[]> =>
			this.#call(() => this.#org().listRuntimeIssues(opts)),
		clear: (ids?: number[]): Promise<{ cleared: number }> =>
			this.#call(() => this.#org().clearRuntimeIssues(ids ? { ids } : {})),
	};

	/** The organization's sidebar state, kept current; `listener` gets a fresh snapshot on each change. */
	subscribeOrganization(listener: (s: OrganizationSnapshot) => void, opts?: SubscribeOptions): Subscription {
		return subscribeOrganization(this.endpoint, () => this.#org().connect(), listener, opts);
	}

	/** One task's record, kept current. Fails with NOT_FOUND before connecting if the task does not exist. */
	async subscribeTask(
		taskId: string,
		listener: (task: TaskRecord) => void,
		opts?: SubscribeOptions,
	): Promise<Subscription> {
		const handle = await this.#call(() => this.#task(taskId));
		return subscribeTask(this.endpoint, () => handle.connect(), listener, opts);
	}

	/** A trivial actor round trip (used by benchmarks as the latency floor). */
	ping(): Promise<string> {
		return this.#call(() => this.#org().ping());
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
		const id = parseInput(taskIdSchema, taskId, "task id");
		await this.#org().getTaskSummary(id);
		return this.#rivet.task.getOrCreate(taskKey(this.orgId, id));
	}
}

export function createFoundryClient(options?: FoundryClientOptions): FoundryClient {
	return new FoundryClient(options);
}
