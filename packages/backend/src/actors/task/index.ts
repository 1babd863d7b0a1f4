// task actor (key: org id + task id): one task = one branch. Owns its record and status machine;
// pushes its summary to the organization, never writes the organization's tables.
import {
	ACCESS,
	ACTOR,
	type ChangesSummary,
	createSessionInputSchema,
	diffInputSchema,
	EVENT,
	type GitOpResult,
	type ListedFollowUp,
	mergeInputSchema,
	parseInput,
	publishPrInputSchema,
	QUEUE,
	renameSessionInputSchema,
	renameTaskInputSchema,
	respondPermissionInputSchema,
	revertFileInputSchema,
	type Session,
	sandboxKey,
	sendFollowUpsInputSchema,
	sendMessageInputSchema,
	sessionRefInputSchema,
	setTaskOwnerInputSchema,
	setTaskStatusInputSchema,
	type TaskPresenceEvent,
	type TaskRecord,
	type TaskUpdatedEvent,
	type TaskViewer,
} from "@foundry/shared";
import { actor, event } from "rivetkit";
import { workflow } from "rivetkit/workflow";
import { GithubHost } from "../../domain/repo-url.ts";
import { actorRefOf, canSubscribe, principalOf, roleIn, userOf, withAccess } from "../shared/access.ts";
import { runCommandLoop } from "../shared/command-loop.ts";
import { type ActorDeps, type CommandEnv, declareQueues } from "../shared/deps.ts";
import { dispatch } from "../shared/dispatch.ts";
import { deliverPeerMessage, Outbox } from "../shared/outbox.ts";
import { peers, reportRuntimeIssue, sendAuditBatch, tellUsers } from "../shared/peers.ts";
import { QUEUE_LIMITS } from "../shared/queue-limits.ts";
import { archiveTask, unarchiveTask } from "./commands/archive.ts";
import { addFollowUp, listFollowUps, sendFollowUps } from "./commands/follow-ups.ts";
import { applyChanges, applyGitResult, gitAction, killTask, lastGitResults, readChanges, readDiffs } from "./commands/git.ts";
import { initializeTask } from "./commands/initialize.ts";
import { renameTask } from "./commands/rename.ts";
import {
	applySession,
	checkTurn,
	closeSession,
	createSession,
	listSessions,
	renameSession,
	respondPermission,
	sendMessage,
	sessionUndelivered,
	stopSession,
	UNDELIVERED,
} from "./commands/sessions.ts";
import { setTaskOwner } from "./commands/set-owner.ts";
import { setTaskStatus } from "./commands/set-status.ts";
import type { TaskCommandContext } from "./context.ts";
import { taskDatabase } from "./database.ts";
import { Presence } from "./presence.ts";
import { getStoredTask } from "./reads.ts";

interface TaskStepLike {
	key: string[];
	db: TaskCommandContext["db"];
	client(): unknown;
	broadcast(name: string, payload: unknown): void;
}

function commandContext(s: TaskStepLike, env: TaskEnv, outbox: Outbox): TaskCommandContext {
	const [orgId = "", taskId = ""] = s.key;
	return {
		db: s.db,
		orgId,
		taskId,
		peers: peers(s, env.params),
		outbox,
		log: env.log.child({ key: s.key }),
		defaultAgent: env.defaultAgent,
		githubHost: env.githubHost(),
		broadcast: (name, payload) => s.broadcast(name, payload),
		broadcastSession: (session) => s.broadcast(EVENT.sessionUpdated, { session }),
		broadcastGitResult: (result) => s.broadcast(EVENT.gitResult, { result }),
		broadcastChanges: (changes) => s.broadcast(EVENT.changesUpdated, { changes }),
		broadcastFollowUps: (followUps) => s.broadcast(EVENT.followUpsUpdated, { followUps }),
	};
}

interface TaskEnv extends CommandEnv {
	defaultAgent: string;
	githubHost: () => GithubHost;
}

export function taskActor(deps: ActorDeps & { defaultAgent: string }) {
	const log = deps.logger.child({ actor: ACTOR.task });
	const env: TaskEnv = { log, params: deps.internalParams, defaultAgent: deps.defaultAgent, githubHost: GithubHost.lazy(() => deps.github.webUrl) };
	const member = canSubscribe("member");
	const def = actor({
		db: taskDatabase,
		events: {
			[EVENT.taskUpdated]: event<TaskUpdatedEvent>({ canSubscribe: member }),
			[EVENT.sessionUpdated]: event<{ session: Session }>({ canSubscribe: member }),
			[EVENT.gitResult]: event<{ result: GitOpResult }>({ canSubscribe: member }),
			[EVENT.changesUpdated]: event<{ changes: ChangesSummary }>({ canSubscribe: member }),
			[EVENT.presenceUpdated]: event<TaskPresenceEvent>({ canSubscribe: member }),
			[EVENT.followUpsUpdated]: event<{ followUps: ListedFollowUp[] }>({ canSubscribe: member }),
		},
		createVars: () => ({ presence: new Presence() }),
		onDisconnect: (c, conn) => {
			if (c.vars.presence.remove(conn.id)) c.broadcast(EVENT.presenceUpdated, { viewers: c.vars.presence.viewers() });
		},
		// createTask prompts and messages are up to 32,000 characters; diffs up to ~600 KB.
		options: { maxQueueMessageSize: QUEUE_LIMITS.task.maxMessageBytes},
		createConnState: (c, params) => deps.principals.resolve(params, () => c.client(), undefined, c.key[0]),
		queues: declareQueues(QUEUE.task),
		run: workflow(async (ctx) =>
			runCommandLoop(ctx, {
				batchSize: QUEUE_LIMITS.task.batchSize,
				handlers: {
					[QUEUE.task.initialize]: (s, body, o) => initializeTask(commandContext(s, env, o), body),
					[QUEUE.task.rename]: (s, body, o) => renameTask(commandContext(s, env, o), body),
					[QUEUE.task.archive]: (s, body, o) => archiveTask(commandContext(s, env, o), body),
					[QUEUE.task.unarchive]: (s, body, o) => unarchiveTask(commandContext(s, env, o), body),
					[QUEUE.task.setStatus]: (s, body, o) => setTaskStatus(commandContext(s, env, o), body),
					[QUEUE.task.setOwner]: (s, body, o) => setTaskOwner(commandContext(s, env, o), body),
					[QUEUE.task.addFollowUp]: (s, body, o) => addFollowUp(commandContext(s, env, o), body),
					[QUEUE.task.createSession]: (s, body, o) => createSession(commandContext(s, env, o), body),
					[QUEUE.task.sendMessage]: (s, body, o) => sendMessage(commandContext(s, env, o), body),
					[QUEUE.task.stopSession]: (s, body, o) => stopSession(commandContext(s, env, o), body),
					[QUEUE.task.renameSession]: (s, body, o) => renameSession(commandContext(s, env, o), body),
					[QUEUE.task.closeSession]: (s, body, o) => closeSession(commandContext(s, env, o), body),
					[QUEUE.task.respondPermission]: (s, body, o) => respondPermission(commandContext(s, env, o), body),
					[QUEUE.task.sendFollowUps]: (s, body, o) => sendFollowUps(commandContext(s, env, o), body),
					[QUEUE.task.applySession]: (s, body, o) => applySession(commandContext(s, env, o), body),
					[QUEUE.task.applyChanges]: (s, body, o) => applyChanges(commandContext(s, env, o), body),
					[QUEUE.task.gitAction]: (s, body, o) => gitAction(commandContext(s, env, o), body),
					[QUEUE.task.applyGitResult]: (s, body, o) => applyGitResult(commandContext(s, env, o), body),
					[QUEUE.task.kill]: (s, body, o) => killTask(commandContext(s, env, o), body),
					[QUEUE.task.checkTurn]: (s, body, o) => checkTurn(commandContext(s, env, o), body),
				},
				log: (s) => log.child({ key: s.key }),
				flushAudit: (s, events) => sendAuditBatch(peers(s, deps.internalParams), s.key[0] ?? "", events),
				tellUsers: (s, messages) => tellUsers(peers(s, deps.internalParams), messages),
				tellPeer: (s, message) => deliverPeerMessage(peers(s, deps.internalParams), message),
				undelivered: async (s, command, error) => {
					if (command.queue !== UNDELIVERED) throw new Error(`no undelivered handler for ${command.queue}`);
					await sessionUndelivered(commandContext(s, env, new Outbox()), { ...(command.body as object), message: error.message });
				},
				onSystemFailure: (s, failure) =>
					reportRuntimeIssue(peers(s, deps.internalParams), s.key[0] ?? "", { actorName: ACTOR.task, actorKey: s.key, ...failure }),
			}),
		),
		actions: {
			get: async (c): Promise<TaskRecord> => {
				const record = await getStoredTask({ db: c.db, taskId: c.key[1] ?? "" });
				// First use of a lazily created task: initialise through the queue (it writes).
				return record ?? dispatch<TaskRecord>(c.queue, QUEUE.task.initialize, {});
			},
			rename: (c, input: unknown): Promise<TaskRecord> => {
				const { title } = parseInput(renameTaskInputSchema, input);
				return dispatch(c.queue, QUEUE.task.rename, { title, actor: actorRefOf(c.conn) });
			},
			archive: (c): Promise<TaskRecord> => dispatch(c.queue, QUEUE.task.archive, { actor: actorRefOf(c.conn) }),
			unarchive: (c): Promise<TaskRecord> => dispatch(c.queue, QUEUE.task.unarchive, { actor: actorRefOf(c.conn) }),
			setStatus: (c, input: unknown): Promise<TaskRecord> => {
				const { status } = parseInput(setTaskStatusInputSchema, input);
				return dispatch(c.queue, QUEUE.task.setStatus, { status, actor: actorRefOf(c.conn) });
			},
			listFollowUps: async (c): Promise<ListedFollowUp[]> => {
				// A PR-only task's first read takes over the follow-ups the organization kept for it.
				if (!(await getStoredTask({ db: c.db, taskId: c.key[1] ?? "" }))) await dispatch<TaskRecord>(c.queue, QUEUE.task.initialize, {});
				return listFollowUps({ db: c.db, taskId: c.key[1] ?? "" });
			},
			setOwner: (c, input: unknown): Promise<TaskRecord> => {
				const { userId } = parseInput(setTaskOwnerInputSchema, input);
				const role = roleIn(principalOf(c.conn), c.key[0] ?? "") ?? "member";
				return dispatch(c.queue, QUEUE.task.setOwner, { userId, actor: actorRefOf(c.conn), actorRole: role });
			},
			// Step 5: sessions (the sandbox does the work; these return at once).
			listSessions: (c): Promise<Session[]> => listSessions({ db: c.db, taskId: c.key[1] ?? "" }),
			createSession: (c, input?: unknown): Promise<Session> =>
				dispatch(c.queue, QUEUE.task.createSession, { input: parseInput(createSessionInputSchema, input ?? {}), actor: actorRefOf(c.conn) }),
			sendMessage: (c, input: unknown): Promise<Session> =>
				dispatch(c.queue, QUEUE.task.sendMessage, { ...parseInput(sendMessageInputSchema, input), actor: actorRefOf(c.conn) }),
			stopSession: async (c, input: unknown): Promise<Session> => {
				const { sessionId } = parseInput(sessionRefInputSchema, input);
				// Stop is urgent: the sandbox hears it first (one hop), the task then records and audits it.
				await peers(c, deps.internalParams)
					.sandbox.getOrCreate(sandboxKey(c.key[0] ?? "", c.key[1] ?? ""))
					.send(QUEUE.sandbox.cancel, { sessionId });
				return dispatch(c.queue, QUEUE.task.stopSession, { sessionId, actor: actorRefOf(c.conn) });
			},
			renameSession: (c, input: unknown): Promise<Session> =>
				dispatch(c.queue, QUEUE.task.renameSession, { ...parseInput(renameSessionInputSchema, input), actor: actorRefOf(c.conn) }),
			closeSession: (c, input: unknown): Promise<Session> =>
				dispatch(c.queue, QUEUE.task.closeSession, { ...parseInput(sessionRefInputSchema, input), actor: actorRefOf(c.conn) }),
			respondPermission: (c, input: unknown): Promise<{ accepted: true }> =>
				dispatch(c.queue, QUEUE.task.respondPermission, { ...parseInput(respondPermissionInputSchema, input), actor: actorRefOf(c.conn) }),
			sendFollowUps: (c, input: unknown): Promise<{ sent: number }> =>
				dispatch(c.queue, QUEUE.task.sendFollowUps, { ...parseInput(sendFollowUpsInputSchema, input), actor: actorRefOf(c.conn) }),
			// Git actions: results arrive as gitResult events (and lastGitResults).
			push: (c): Promise<{ accepted: true }> => dispatch(c.queue, QUEUE.task.gitAction, { op: "push", actor: actorRefOf(c.conn) }),
			publishPr: (c, input?: unknown): Promise<{ accepted: true }> =>
				dispatch(c.queue, QUEUE.task.gitAction, { op: "publish_pr", pr: parseInput(publishPrInputSchema, input ?? {}), actor: actorRefOf(c.conn) }),
			mergePr: (c, input?: unknown): Promise<{ accepted: true }> =>
				dispatch(c.queue, QUEUE.task.gitAction, { op: "merge_pr", method: parseInput(mergeInputSchema, input ?? {}).method, actor: actorRefOf(c.conn) }),
			revertFile: (c, input: unknown): Promise<{ accepted: true }> =>
				dispatch(c.queue, QUEUE.task.gitAction, { op: "revert_file", path: parseInput(revertFileInputSchema, input).path, actor: actorRefOf(c.conn) }),
			getChanges: (c): Promise<ChangesSummary | null> => readChanges(c.db),
			getDiff: (c, input?: unknown): Promise<Array<{ path: string; diff: string }>> => readDiffs(c.db, parseInput(diffInputSchema, input ?? {}).path),
			lastGitResults: (c): Promise<GitOpResult[]> => lastGitResults(c.db),
			// Presence: this connection has the task open until it closes (the UI's task subscription).
			watch: async (c): Promise<TaskViewer[]> => {
				const { userId, login } = userOf(c.conn);
				if (c.vars.presence.add(c.conn.id, { userId, login })) c.broadcast(EVENT.presenceUpdated, { viewers: c.vars.presence.viewers() });
				return c.vars.presence.viewers();
			},
			kill: (c): Promise<TaskRecord> => {
				const role = roleIn(principalOf(c.conn), c.key[0] ?? "") ?? "member";
				return dispatch(c.queue, QUEUE.task.kill, { actor: actorRefOf(c.conn), actorRole: role });
			},
		},
	});
	return withAccess(def, ACCESS.task, log);
}
