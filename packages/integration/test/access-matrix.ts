// The authorization matrix's parts: the real action list (read from the actor definitions), an
// independent oracle of what each caller may do, plausible arguments per action, raw RivetKit calls.
import { type AppRegistry, createActors } from "@foundry/backend/registry";
import { ACCESS, type AccessRule, type ActorAccess, type ConnParams } from "@foundry/shared";
import { createClient } from "rivetkit/client";

export type ActorName = keyof ActorAccess;
export const ACTOR_NAMES = Object.keys(ACCESS) as ActorName[];

/** Action names per actor, from the real definitions (stub deps: only `.config.actions` is read). */
export function definedActions(): Record<string, string[]> {
	type Deps = Parameters<typeof createActors>[0];
	const silent: Record<string, unknown> = {};
	for (const level of ["trace", "debug", "info", "warn", "error", "fatal"]) silent[level] = () => undefined;
	silent.child = () => silent;
	const actors = createActors({
		logger: silent as unknown as Deps["logger"],
		internalParams: {},
		principals: {} as Deps["principals"],
		github: {} as Deps["github"],
		secrets: {} as Deps["secrets"],
		sandboxProvider: {} as Deps["sandboxProvider"],
		sandboxConfig: {} as Deps["sandboxConfig"],
		billingApi: {} as Deps["billingApi"],
		billingEnv: { enabled: false, freeMinutes: 0, graceMs: 0, turnCheckMs: 60_000 },
		publicUrl: "http://127.0.0.1",
	});
	return Object.fromEntries(Object.entries(actors).map(([name, def]) => [name, Object.keys(def.config.actions ?? {}).sort()]));
}

export function ruleOf(actor: string, action: string): AccessRule | undefined {
	return (ACCESS as Record<string, Record<string, AccessRule>>)[actor]?.[action];
}

/** One signed-in user as the matrix sees them. */
export interface Who {
	name: string;
	userId: string;
	login: string;
	token: string;
	roles: Record<string, "admin" | "member">;
}

/** An actor instance calls are made on, with what the oracle and the arguments need to know. */
export interface Target {
	label: string;
	actor: ActorName;
	key: string[];
	/** Organization the actor belongs to (organization, task, auditLog). */
	org?: string;
	/** Task id and its owner (task actors). */
	taskId?: string;
	ownerId?: string;
	/** The user behind a user actor, and their personal organization. */
	user?: { userId: string; login: string };
}

export type Expected = "UNAUTHORIZED" | "FORBIDDEN" | "allowed";

/** What the issue specifies, written independently of access.ts. */
export function expected(who: Who, rule: AccessRule, target: Target): Expected {
	if (rule === "internal" || rule === "schedule") return "FORBIDDEN";
	if (target.actor === "user") return rule === "self" && target.user?.userId === who.userId ? "allowed" : "FORBIDDEN";
	const role = target.org ? who.roles[target.org] : undefined;
	if (!role) return "FORBIDDEN";
	if (rule === "admin") return role === "admin" ? "allowed" : "FORBIDDEN";
	if (rule === "ownerOrAdmin") return role === "admin" || target.ownerId === who.userId ? "allowed" : "FORBIDDEN";
	return "allowed";
}

/** Shared fixtures the arguments refer to. */
export interface Fixtures {
	repoIdByOrg: Record<string, string>;
}

type ArgsFn = (t: Target, f: Fixtures) => unknown[];
const none: ArgsFn = () => [];
const NO_SESSION = "s_matrix0000";
const taskRef = (t: Target) => ({ orgId: t.user?.login ?? "", taskId: "t_matrix0001" });

/**
 * Plausible arguments per action, so allowed calls reach the action body. Internal actions get no
 * arguments: if one were let through, it fails validation instead of touching auth records.
 * setOwner names the current owner, so no call changes ownership while the matrix runs.
 */
export const ARGS: { [A in ActorName]: { [N in keyof ActorAccess[A]]: ArgsFn } } = {
	organization: {
		addRepo: (t) => [{ url: `https://example.com/${t.org}/matrix-${Math.random().toString(36).slice(2, 8)}` }],
		// An unknown repository: refused after the access check, nothing is stored.
		setRepoCredential: () => [{ repo: "r_matrix0000", token: null }],
		getRepoCredential: none,
		createTask: (t, f) => [{ repo: f.repoIdByOrg[t.org ?? ""] ?? "missing", prompt: "matrix task", startSession: false }],
		clearRuntimeIssues: (): unknown[] => [{}],
		listRepos: none,
		listTasks: (): unknown[] => [{}],
		getTaskSummary: (): unknown[] => ["t_matrix0001"],
		getSnapshot: none,
		listRuntimeIssues: (): unknown[] => [{}],
		listMembers: none,
		updateSettings: (): unknown[] => [{ archiveOnPrClose: true }],
		ping: none,
		prune: (): unknown[] => [{ olderThanDays: 3650, dryRun: true }],
		listAgents: none,
		// Billing: arguments refused after the access check, so the matrix never calls Stripe.
		getBilling: none,
		getUsage: (): unknown[] => [{}],
		startCheckout: () => [{ seats: 0 }],
		finalizeCheckout: (): unknown[] => [{}],
		openBillingPortal: none,
		cancelSubscription: none,
		resumeSubscription: none,
		setSpendCap: () => [{ minutes: -1 }],
		flushUsage: none,
		scheduleUsageFlush: none,
		scheduleCapCheck: none,
		capCheck: none,
		scheduleTurnCheck: none,
		turnCheck: none,
		getTaskSeed: none,
		getMember: none,
	},
	task: {
		get: none,
		rename: () => [{ title: "renamed by the matrix" }],
		archive: none,
		unarchive: none,
		setStatus: () => [{ status: "running" }],
		setOwner: (t) => [{ userId: t.ownerId }],
		listFollowUps: none,
		// Session and git actions get arguments that are refused after the access check (unknown
		// session, strict input), so the matrix never provisions a sandbox.
		listSessions: none,
		createSession: () => [{ bogus: true }],
		sendMessage: () => [{ sessionId: NO_SESSION, text: "hi" }],
		stopSession: () => [{ sessionId: NO_SESSION }],
		renameSession: () => [{ sessionId: NO_SESSION, name: "x" }],
		closeSession: () => [{ sessionId: NO_SESSION }],
		respondPermission: () => [{ sessionId: NO_SESSION, requestId: "r", reply: "once" }],
		sendFollowUps: () => [{ sessionId: NO_SESSION }],
		getChanges: none,
		getDiff: (): unknown[] => [{}],
		lastGitResults: none,
		watch: none,
		push: () => ["unexpected argument"],
		publishPr: () => [{ bogus: true }],
		mergePr: () => [{ method: "bogus" }],
		revertFile: (): unknown[] => [{}],
		kill: none,
	},
	sandbox: { transcript: () => [{ sessionId: NO_SESSION }], getSandbox: none, schedulePause: none, pauseIfIdle: none },
	auditLog: { list: (): unknown[] => [{}] },
	githubData: { getStatus: none, requestSync: none, scheduleSync: none, scheduledSync: none },
	user: {
		getProfile: none,
		updateProfile: () => [{ defaultAgent: "claude" }],
		setActiveOrganization: (t) => [{ orgId: t.user?.login }],
		refreshOrganizations: none,
		listApiTokens: none,
		createApiToken: () => [{ name: "matrix" }],
		revokeApiToken: () => [{ id: "tok_000000000000" }],
		getTaskState: (t) => [taskRef(t)],
		setDraft: (t) => [{ ...taskRef(t), sessionId: "s1", text: "draft" }],
		setActiveSession: (t) => [{ ...taskRef(t), sessionId: "s1" }],
		markSessionRead: (t) => [{ ...taskRef(t), sessionId: "s1" }],
		listUnreadTasks: (t) => [{ orgId: taskRef(t).orgId }],
		listFeed: (): unknown[] => [{}],
		listNotifications: (): unknown[] => [{}],
		markNotificationsRead: (): unknown[] => [{}],
		authCreate: none,
		authFind: none,
		authUpdate: none,
		authDelete: none,
		principal: none,
		githubToken: none,
		agentDefaults: none,
	},
	authIndex: { lookup: none, put: none, remove: none, recordCreate: none, recordFind: none, recordUpdate: none, recordDelete: none },
};

export function argsFor(actor: string, action: string): ArgsFn | undefined {
	return (ARGS as Record<string, Record<string, ArgsFn>>)[actor]?.[action];
}

/** The slice of a RivetKit handle the matrix uses: call any action by name, send, connect. */
export interface RawHandle {
	action(opts: { name: string; args: unknown[] }): Promise<unknown>;
	send(name: string, body: unknown, opts: { wait: true; timeout: number }): Promise<unknown>;
	connect(): RawConn;
}
export interface RawConn {
	on(event: string, cb: (payload: unknown) => void): () => void;
	onError(cb: (err: unknown) => void): () => void;
	onOpen(cb: () => void): () => void;
	dispose(): Promise<void>;
}
export interface RawClient {
	handle(actor: ActorName, key: string[], params: ConnParams): RawHandle;
	dispose(): Promise<void>;
}

/**
 * Raw RivetKit calls straight to the engine (loopback, with its admin token): the matrix checks the
 * actors' own rules behind the public gateway, which refuses most of these calls at the edge.
 */
export function rawClient(engine: { url: string; token: string }): RawClient {
	const client = createClient<AppRegistry>({ endpoint: engine.url, token: engine.token, disableMetadataLookup: true });
	type Accessor = { getOrCreate(key: string[], opts: { params: ConnParams }): RawHandle };
	const loose = client as unknown as Record<ActorName, Accessor>;
	return {
		handle: (actor, key, params) => loose[actor].getOrCreate(key, { params }),
		dispose: () => client.dispose(),
	};
}

/** A RivetKit error as `group/code` (e.g. user/FORBIDDEN, auth/forbidden). */
export function codeOf(err: unknown): string {
	const e = (err ?? {}) as { group?: unknown; code?: unknown; message?: unknown };
	if (e.group === undefined) return `error: ${String(e.message ?? err)}`;
	// Codes the matrix expects stand alone; anything else carries its message for the report.
	const known = e.group === "user" || e.group === "auth";
	return `${String(e.group)}/${String(e.code)}${known ? "" : ` (${String(e.message)})`}`;
}

/** "ok", or the error's `group/code`. */
export async function outcome(run: () => Promise<unknown>): Promise<string> {
	// Calls the engine never routed (an actor it was slow to start) are repeated, as the client does.
	for (let attempt = 1; ; attempt++) {
		try {
			await run();
			return "ok";
		} catch (err) {
			const code = codeOf(err);
			if (attempt < 3 && (code.startsWith("pegboard/route_resolve_query_timeout") || code.startsWith("envoy/actor_not_found"))) continue;
			return code;
		}
	}
}

const AUTH_OUTCOMES = new Set(["user/UNAUTHORIZED", "user/FORBIDDEN", "auth/forbidden"]);

/** Whether an outcome satisfies the expectation. Allowed calls may fail for other reasons, not INTERNAL. */
export function satisfies(result: string, want: Expected): boolean {
	if (want === "UNAUTHORIZED") return result === "user/UNAUTHORIZED";
	if (want === "FORBIDDEN") return result === "user/FORBIDDEN";
	return result === "ok" || (result.startsWith("user/") && !AUTH_OUTCOMES.has(result) && result !== "user/INTERNAL");
}

/** Runs `fn` over items with at most `limit` in flight. */
export async function inPool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
	const out: R[] = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const i = next++;
			out[i] = await fn(items[i] as T);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return out;
}

/**
 * Subscribes on a fresh connection: the refusal's code, or "event" once one arrives. `trigger`
 * makes a change (repeated, since the subscription may register after the first one).
 */
export async function subscribe(h: RawHandle, event: string, trigger?: () => Promise<unknown>): Promise<string> {
	const conn = h.connect();
	let timer: NodeJS.Timeout | undefined;
	// The trigger in flight is awaited before returning, so none outlives the test.
	let inFlight: Promise<void> = Promise.resolve();
	let triggerError = "";
	try {
		return await new Promise<string>((resolve) => {
			const deadline = Date.now() + 10_000;
			conn.onError((err) => resolve(codeOf(err)));
			conn.on(event, () => resolve("event"));
			const tick = () => {
				if (Date.now() > deadline) return resolve(`neither an event nor an error${triggerError}`);
				if (trigger) {
					inFlight = trigger().then(
						() => undefined,
						(err: unknown) => {
							triggerError = ` (trigger failed: ${String(err)})`;
						},
					);
				}
				timer = setTimeout(tick, 500);
			};
			timer = setTimeout(tick, 250);
		});
	} finally {
		clearTimeout(timer);
		await inFlight;
		await conn.dispose();
	}
}
