// task actor (key: org id + task id): one task = one branch. Owns its record and status machine;
// pushes its summary to the organization, never writes the organization's tables.
import {
	ACTOR,
	EVENT,
	parseInput,
	QUEUE,
	renameTaskInputSchema,
	setTaskStatusInputSchema,
	type TaskRecord,
	type TaskUpdatedEvent,
} from "@foundry/shared";
import { actor, event } from "rivetkit";
import { workflow } from "rivetkit/workflow";
import type { Logger } from "pino";
import { runCommandLoop } from "../shared/command-loop.ts";
import { type ActorDeps, declareQueues } from "../shared/deps.ts";
import { dispatch } from "../shared/dispatch.ts";
import { guarded } from "../shared/errors.ts";
import { callerOf } from "../shared/identity.ts";
import type { Outbox } from "../shared/outbox.ts";
import { peers, reportRuntimeIssue, sendAuditBatch } from "../shared/peers.ts";
import { archiveTask, unarchiveTask } from "./commands/archive.ts";
import { initializeTask } from "./commands/initialize.ts";
import { renameTask } from "./commands/rename.ts";
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

function commandContext(s: TaskStepLike, log: Logger, outbox: Outbox): TaskCommandContext {
	const [orgId = "", taskId = ""] = s.key;
	return {
		db: s.db,
		orgId,
		taskId,
		peers: peers(s),
		outbox,
		log: log.child({ key: s.key }),
		broadcast: (name, payload) => s.broadcast(name, payload),
	};
}

export function taskActor(deps: ActorDeps) {
	const log = deps.logger.child({ actor: ACTOR.task });
	return actor({
		db: taskDatabase,
		events: { [EVENT.taskUpdated]: event<TaskUpdatedEvent>() },
		queues: declareQueues(QUEUE.task),
		run: workflow(async (ctx) =>
			runCommandLoop(ctx, {
				handlers: {
					[QUEUE.task.initialize]: (s, body, o) => initializeTask(commandContext(s, log, o), body),
					[QUEUE.task.rename]: (s, body, o) => renameTask(commandContext(s, log, o), body),
					[QUEUE.task.archive]: (s, body, o) => archiveTask(commandContext(s, log, o), body),
					[QUEUE.task.unarchive]: (s, body, o) => unarchiveTask(commandContext(s, log, o), body),
					[QUEUE.task.setStatus]: (s, body, o) => setTaskStatus(commandContext(s, log, o), body),
				},
				log: (s) => log.child({ key: s.key }),
				flushAudit: (s, events) => sendAuditBatch(peers(s), s.key[0] ?? "", events),
				onSystemFailure: (s, failure) =>
					reportRuntimeIssue(peers(s), s.key[0] ?? "", { actorName: ACTOR.task, actorKey: s.key, ...failure }),
			}),
		),
		actions: {
			get: (c): Promise<TaskRecord> =>
				guarded(log, "get", async () => {
					const record = await getStoredTask({ db: c.db, taskId: c.key[1] ?? "" });
					// First use of a lazily created task: initialise through the queue (it writes).
					return record ?? dispatch<TaskRecord>(c.queue, QUEUE.task.initialize, {});
				}),
			rename: (c, input: unknown): Promise<TaskRecord> =>
				guarded(log, "rename", () => {
					const { title } = parseInput(renameTaskInputSchema, input);
					return dispatch(c.queue, QUEUE.task.rename, { title, actor: callerOf(c.conn) });
				}),
			archive: (c): Promise<TaskRecord> =>
				guarded(log, "archive", () => dispatch(c.queue, QUEUE.task.archive, { actor: callerOf(c.conn) })),
			unarchive: (c): Promise<TaskRecord> =>
				guarded(log, "unarchive", () => dispatch(c.queue, QUEUE.task.unarchive, { actor: callerOf(c.conn) })),
			setStatus: (c, input: unknown): Promise<TaskRecord> =>
				guarded(log, "setStatus", () => {
					const { status } = parseInput(setTaskStatusInputSchema, input);
					return dispatch(c.queue, QUEUE.task.setStatus, { status, actor: callerOf(c.conn) });
				}),
		},
	});
}
