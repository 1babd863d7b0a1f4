// sandbox actor (key: org id + task id): the task's sandbox via sandbox-agent — provisioning, agent
// sessions and their transcripts, git in the sandbox. Turns run in the live runtime (vars), outside
// the command loop; what they produce comes back through this actor's own queue.
import {
	ACCESS,
	ACTOR,
	EVENT,
	parseInput,
	QUEUE,
	type SandboxInfo,
	type SessionEventsPayload,
	type TranscriptPage,
	transcriptInputSchema,
} from "@foundry/shared";
import { eq, inArray } from "drizzle-orm";
import { actor, event } from "rivetkit";
import { workflow } from "rivetkit/workflow";
import type { SandboxProvider } from "../../adapters/sandbox-agent.ts";
import type { SandboxConfig } from "../../config.ts";
import { GithubHost } from "../../domain/repo-url.ts";
import { canSubscribe, withAccess } from "../shared/access.ts";
import { runCommandLoop } from "../shared/command-loop.ts";
import { type ActorDeps, declareQueues } from "../shared/deps.ts";
import { deliverPeerMessage, type Outbox } from "../shared/outbox.ts";
import { peers, reportRuntimeIssue, sendAuditBatch } from "../shared/peers.ts";
import { QUEUE_LIMITS } from "../shared/queue-limits.ts";
import { gitOp } from "./commands/git-ops.ts";
import { pauseIfIdle, release } from "./commands/provision.ts";
import { recover } from "./commands/recover.ts";
import { cancel, closeSession, openSession, prompt, recordEvents, respondPermission, turnEnded } from "./commands/sessions.ts";
import { readSandbox, type SandboxCommandContext, toSandboxInfo } from "./context.ts";
import { type SandboxDb, sandboxDatabase } from "./database.ts";
import { readSdkEvents, readTranscript } from "./reads.ts";
import { RESTART_REASON } from "./recovery.ts";
import { SandboxRuntime } from "./runtime.ts";
import { sessions } from "./schema.ts";
import { checkTurn } from "./turns.ts";

const ORPHAN_REASON = "the process running it stopped (a backend restart or crash)";

/** Queues a recovery when this (new) instance finds sessions its tables call busy. */
async function closeOrphanedTurns(c: { db: SandboxDb; queue: { send(name: string, body: unknown): Promise<unknown> } }, restartedPid: number | undefined): Promise<void> {
	if (restartedPid !== undefined) {
		await c.queue.send(QUEUE.sandbox.recover, { reason: RESTART_REASON, gone: true, pid: restartedPid });
		return;
	}
	const busy = await c.db.select({ id: sessions.id }).from(sessions).where(inArray(sessions.status, ["running", "needs_input"])).limit(1);
	if (busy.length > 0) await c.queue.send(QUEUE.sandbox.recover, { reason: ORPHAN_REASON, gone: false });
}

export interface SandboxDeps extends ActorDeps {
	sandboxProvider: SandboxProvider;
	sandboxConfig: SandboxConfig;
	/** Sandboxes ("org/task" → server pid) a previous run left, reclaimed at start, not yet recovered. */
	reclaimed: Map<string, number>;
}

interface Live {
	runtime: SandboxRuntime | null;
}

interface StepLike {
	key: string[];
	db: SandboxDb;
	vars: Live;
	client(): unknown;
	broadcast(name: string, payload: unknown): void;
}

export function sandboxActor(deps: SandboxDeps) {
	const log = deps.logger.child({ actor: ACTOR.sandbox });
	const githubHost = GithubHost.lazy(() => deps.github.webUrl);
	// One runtime per live actor instance; the host pieces it needs outlive any single step.
	const hosts = new Map<string, { send(queue: string, body: unknown): Promise<void>; keepAwake<T>(p: Promise<T>): Promise<T>; db: SandboxDb }>();
	const context = (s: StepLike, outbox: Outbox): SandboxCommandContext => {
		const [orgId = "", taskId = ""] = s.key;
		const keyId = s.key.join("/");
		return {
			db: s.db,
			orgId,
			taskId,
			peers: peers(s, deps.internalParams),
			outbox,
			log: log.child({ key: s.key }),
			provider: deps.sandboxProvider,
			config: deps.sandboxConfig,
			secrets: deps.secrets,
			githubHost: githubHost(),
			broadcastSessionEvents: (payload) => s.broadcast(EVENT.sessionEvents, payload),
			broadcastSandbox: (payload) => s.broadcast(EVENT.sandboxUpdated, payload),
			runtime: () => s.vars.runtime,
			attach: (handle, generation) => {
				const host = hosts.get(keyId);
				if (!handle || !host) {
					s.vars.runtime = null;
					return null;
				}
				s.vars.runtime = new SandboxRuntime(
					{
						provider: deps.sandboxProvider,
						timeoutMs: deps.sandboxConfig.timeoutMs,
						log: log.child({ key: s.key, generation }),
						send: host.send,
						keepAwake: host.keepAwake,
						storedEvents: (sessionId) => readSdkEvents(host.db, sessionId, generation),
						// Only this generation's: a session re-opened here from a lost sandbox starts afresh.
						storedRecords: async () =>
							(await host.db.select({ r: sessions.sdkRecord }).from(sessions).where(eq(sessions.generation, generation)))
								.filter((x): x is { r: string } => x.r !== null)
								.map((x) => JSON.parse(x.r)),
					},
					handle,
					generation,
				);
				return s.vars.runtime;
			},
		};
	};
	const def = actor({
		db: sandboxDatabase,
		events: {
			[EVENT.sessionEvents]: event<SessionEventsPayload>({ canSubscribe: canSubscribe("member") }),
			[EVENT.sandboxUpdated]: event<{ sandbox: SandboxInfo }>({ canSubscribe: canSubscribe("member") }),
		},
		createConnState: (c, params) => deps.principals.resolve(params, () => c.client(), undefined, c.key[0]),
		createVars: (): Live => ({ runtime: null }),
		onWake: (c) => {
			const own = peers(c, deps.internalParams).sandbox.getOrCreate(c.key);
			hosts.set(c.key.join("/"), {
				send: async (queue, body) => {
					await own.send(queue, body);
				},
				keepAwake: (p) => c.keepAwake(p),
				db: c.db,
			});
			// A new instance holds no turns: any the tables call running were left by one that died.
			// A sandbox this backend reclaimed at start is known gone (and why).
			const keyId = c.key.join("/");
			const restarted = deps.reclaimed.get(keyId);
			deps.reclaimed.delete(keyId);
			void closeOrphanedTurns(c, restarted).catch((err: unknown) => log.error({ err, key: c.key }, "orphaned turns could not be looked at on wake"));
		},
		onSleep: async (c) => {
			hosts.delete(c.key.join("/"));
			await c.vars.runtime?.dispose();
		},
		queues: declareQueues(QUEUE.sandbox),
		// Transcript batches are up to ~256 KB; a turn must outlive short idle periods between messages.
		options: { maxQueueMessageSize: QUEUE_LIMITS.sandbox.maxMessageBytes, maxQueueSize: 10_000, sleepTimeout: 10 * 60_000 },
		run: workflow(async (ctx) =>
			runCommandLoop(ctx, {
				batchSize: QUEUE_LIMITS.sandbox.batchSize,
				handlers: {
					[QUEUE.sandbox.openSession]: (s, body, o) => openSession(context(s, o), body),
					[QUEUE.sandbox.prompt]: (s, body, o) => prompt(context(s, o), body),
					[QUEUE.sandbox.cancel]: (s, body, o) => cancel(context(s, o), body),
					[QUEUE.sandbox.respondPermission]: (s, body, o) => respondPermission(context(s, o), body),
					[QUEUE.sandbox.closeSession]: (s, body, o) => closeSession(context(s, o), body),
					[QUEUE.sandbox.recordEvents]: (s, body, o) => recordEvents(context(s, o), body),
					[QUEUE.sandbox.turnEnded]: (s, body, o) => turnEnded(context(s, o), body),
					[QUEUE.sandbox.git]: (s, body, o) => gitOp(context(s, o), body),
					[QUEUE.sandbox.release]: (s, body, o) => release(context(s, o), body),
					[QUEUE.sandbox.pause]: (s, body, o) => pauseIfIdle(context(s, o), body),
					[QUEUE.sandbox.recover]: (s, body, o) => recover(context(s, o), body),
					[QUEUE.sandbox.checkTurn]: (s, body, o) => checkTurn(context(s, o), body),
				},
				log: (s) => log.child({ key: s.key }),
				tellPeer: (s, message) => deliverPeerMessage(peers(s, deps.internalParams), message),
				flushAudit: (s, events) => sendAuditBatch(peers(s, deps.internalParams), s.key[0] ?? "", events),
				onSystemFailure: (s, failure) =>
					reportRuntimeIssue(peers(s, deps.internalParams), s.key[0] ?? "", { actorName: ACTOR.sandbox, actorKey: s.key, ...failure }),
			}),
		),
		actions: {
			getSandbox: async (c): Promise<SandboxInfo> => toSandboxInfo(await readSandbox(c.db)),
			/** Internal: look at pausing the sandbox at `at` (after a turn or a session opened). */
			schedulePause: async (c, input: unknown): Promise<void> => {
				const at = typeof (input as { at?: unknown })?.at === "number" ? (input as { at: number }).at : Date.now();
				await c.schedule.at(at, "pauseIfIdle");
			},
			pauseIfIdle: async (c): Promise<void> => {
				await c.queue.send(QUEUE.sandbox.pause, {});
			},
			transcript: (c, input: unknown): Promise<TranscriptPage> => readTranscript(c.db, parseInput(transcriptInputSchema, input)),
		},
	});
	return withAccess(def, ACCESS.sandbox, log);
}
