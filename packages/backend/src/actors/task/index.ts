// task actor (key: org id + task id): one task = one branch. Owns its record and status machine;
// pushes its summary to the organization, never writes the organization's tables.
import {
	ACCESS,
	ACTOR,
	EVENT,
	type FollowUp,
	parseInput,
	QUEUE,
	renameTaskInputSchema,
	setTaskOwnerInputSchema,
	setTaskStatusInputSchema,
	type TaskRecord,
	type TaskUpdatedEvent,
} from "@foundry/shared";
import { actor, event } from "rivetkit";
import { workflow } from "rivetkit/workflow";
import { runCommandLoop } from "../shared/command-loop.ts";
import { type ActorDeps, type CommandEnv, declareQueues } from "../shared/deps.ts";
import { dispatch } from "../shared/dispatch.ts";
import { actorRefOf, canSubscribe, principalOf, roleIn, withAccess } from "../shared/access.ts";
import type { Outbox } from "../shared/outbox.ts";
import { peers, reportRuntimeIssue, sendAuditBatch, tellUsers } from "../shared/peers.ts";
import { archiveTask, unarchiveTask } from "./commands/archive.ts";
import { initializeTask } from "./commands/initialize.ts";
import { renameTask } from "./commands/rename.ts";
import { addFollowUp, listFollowUps } from "./commands/follow-ups.ts";
import { setTaskOwner } from "./commands/set-owner.ts";
import { setTaskStatus } from "./commands/set-status.ts";
import type { TaskCommandContext } from "./context.ts";
import { taskDatabase } from "./database.ts";
import { getStoredTask } from "./reads.ts";

interface TaskStepLike {
	key: string[];
	db: TaskCommandContext["db"];
	client(): unknown;
	broadcast(name: typeof EVENT.taskUpdated, payload: TaskUpdatedEvent): void;
}

function commandContext(s: TaskStepLike, env: CommandEnv, outbox: Outbox): TaskCommandContext {
	const [orgId = "", taskId = ""] = s.key;
	return {
		db: s.db,
		orgId,
		taskId,
		peers: peers(s, env.params),
		outbox,
		log: env.log.child({ key: s.key }),
		broadcast: (name, payload) => s.broadcast(name, payload),
	};
}

export function taskActor(deps: ActorDeps) {
	const log = deps.logger.child({ actor: ACTOR.task });
	const env: CommandEnv = { log, params: deps.internalParams };
	const def = actor({
		db: taskDatabase,
		events: { [EVENT.taskUpdated]: event<TaskUpdatedEvent>({ canSubscribe: canSubscribe("member") }) },
		createConnState: (c, params) => deps.principals.resolve(params, () => c.client()),
		queues: declareQueues(QUEUE.task),
		run: workflow(async (ctx) =>
			runCommandLoop(ctx, {
				handlers: {
					[QUEUE.task.initialize]: (s, body, o) => initializeTask(commandContext(s, env, o), body),
					[QUEUE.task.rename]: (s, body, o) => renameTask(commandContext(s, env, o), body),
					[QUEUE.task.archive]: (s, body, o) => archiveTask(commandContext(s, env, o), body),
					[QUEUE.task.unarchive]: (s, body, o) => unarchiveTask(commandContext(s, env, o), body),
					[QUEUE.task.setStatus]: (s, body, o) => setTaskStatus(commandContext(s, env, o), body),
					[QUEUE.task.setOwner]: (s, body, o) => setTaskOwner(commandContext(s, env, o), body),
					[QUEUE.task.addFollowUp]: (s, body, o) => addFollowUp(commandContext(s, env, o), body),
				},
				log: (s) => log.child({ key: s.key }),
				flushAudit: (s, events) => sendAuditBatch(peers(s, deps.internalParams), s.key[0] ?? "", events),
				tellUsers: (s, messages) => tellUsers(peers(s, deps.internalParams), messages),
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
			listFollowUps: async (c): Promise<FollowUp[]> => {
				// A PR-only task's first read takes over the follow-ups the organization kept for it.
				if (!(await getStoredTask({ db: c.db, taskId: c.key[1] ?? "" }))) await dispatch<TaskRecord>(c.queue, QUEUE.task.initialize, {});
				return listFollowUps({ db: c.db, taskId: c.key[1] ?? "" });
			},
			setOwner: (c, input: unknown): Promise<TaskRecord> => {
				const { userId } = parseInput(setTaskOwnerInputSchema, input);
				const role = roleIn(principalOf(c.conn), c.key[0] ?? "") ?? "member";
				return dispatch(c.queue, QUEUE.task.setOwner, { userId, actor: actorRefOf(c.conn), actorRole: role });
			},
		},
	});
	return withAccess(def, ACCESS.task, log);
}
