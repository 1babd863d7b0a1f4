// organization actor (key: org id): the coordinator. Repository catalog, task index + summaries,
// runtime issues. Children push into its index; its reads never fan out to other actors.
import {
	ACTOR,
	addRepoInputSchema,
	clearRuntimeIssuesInputSchema,
	createTaskInputSchema,
	EVENT,
	listRuntimeIssuesInputSchema,
	listTasksInputSchema,
	type OrganizationSnapshot,
	type OrganizationUpdatedEvent,
	parseInput,
	QUEUE,
	type Repo,
	type RuntimeIssue,
	type TaskRecord,
	type TaskSummary,
	taskIdSchema,
} from "@foundry/shared";
import type { Logger } from "pino";
import { actor, event } from "rivetkit";
import { workflow } from "rivetkit/workflow";
import { runCommandLoop } from "../shared/command-loop.ts";
import { type ActorDeps, declareQueues } from "../shared/deps.ts";
import { dispatch } from "../shared/dispatch.ts";
import { guarded } from "../shared/errors.ts";
import { callerOf } from "../shared/identity.ts";
import { Outbox } from "../shared/outbox.ts";
import { peers, sendAuditBatch } from "../shared/peers.ts";
import { addRepo } from "./commands/add-repo.ts";
import { applyTaskSummary } from "./commands/apply-task-summary.ts";
import { createTask } from "./commands/create-task.ts";
import { clearRuntimeIssues, recordRuntimeIssue } from "./commands/runtime-issues.ts";
import type { OrganizationCommandContext } from "./context.ts";
import { organizationDatabase } from "./database.ts";
import { readTaskSeed } from "./task-seed.ts";
import { getSnapshot, getTaskSummary, listRepos, listRuntimeIssues, listTasks } from "./reads.ts";

interface OrganizationStepLike {
	key: string[];
	db: OrganizationCommandContext["db"];
	client(): unknown;
	broadcast(name: typeof EVENT.organizationUpdated, payload: OrganizationUpdatedEvent): void;
}

function commandContext(s: OrganizationStepLike, log: Logger, outbox: Outbox): OrganizationCommandContext {
	return {
		db: s.db,
		orgId: s.key[0] ?? "",
		peers: peers(s),
		outbox,
		log: log.child({ key: s.key }),
		broadcast: (name, payload) => s.broadcast(name, payload),
	};
}

export function organizationActor(deps: ActorDeps) {
	const log = deps.logger.child({ actor: ACTOR.organization });
	return actor({
		db: organizationDatabase,
		events: { [EVENT.organizationUpdated]: event<OrganizationUpdatedEvent>() },
		queues: declareQueues(QUEUE.organization),
		// createTask bodies carry the prompt (≤ 32,000 characters, up to 4 bytes each in UTF-8).
		options: { maxQueueMessageSize: 256 * 1024 },
		run: workflow(async (ctx) =>
			runCommandLoop(ctx, {
				handlers: {
					[QUEUE.organization.addRepo]: (s, body, o) => addRepo(commandContext(s, log, o), body),
					[QUEUE.organization.createTask]: (s, body, o) => createTask(commandContext(s, log, o), body),
					[QUEUE.organization.applyTaskSummary]: (s, body, o) => applyTaskSummary(commandContext(s, log, o), body),
					[QUEUE.organization.recordRuntimeIssue]: (s, body, o) => recordRuntimeIssue(commandContext(s, log, o), body),
					[QUEUE.organization.clearRuntimeIssues]: (s, body, o) => clearRuntimeIssues(commandContext(s, log, o), body),
				},
				log: (s) => log.child({ key: s.key }),
				flushAudit: (s, events) => sendAuditBatch(peers(s), s.key[0] ?? "", events),
				// The organization is where runtime issues live: record its own failures locally.
				onSystemFailure: async (s, failure) => {
					await recordRuntimeIssue(commandContext(s, log, new Outbox()), {
						actorName: ACTOR.organization,
						actorKey: s.key,
						command: failure.command,
						code: failure.error.code,
						message: failure.error.message,
						occurredAt: Date.now(),
					});
				},
			}),
		),
		actions: {
			addRepo: (c, input: unknown): Promise<Repo> =>
				guarded(log, "addRepo", () => {
					const { url } = parseInput(addRepoInputSchema, input);
					return dispatch(c.queue, QUEUE.organization.addRepo, { url, actor: callerOf(c.conn) });
				}),
			createTask: (c, input: unknown): Promise<TaskRecord> =>
				guarded(log, "createTask", () => {
					const parsed = parseInput(createTaskInputSchema, input);
					return dispatch(c.queue, QUEUE.organization.createTask, { input: parsed, actor: callerOf(c.conn) });
				}),
			clearRuntimeIssues: (c, input?: unknown): Promise<{ cleared: number }> =>
				guarded(log, "clearRuntimeIssues", () => {
					const parsed = parseInput(clearRuntimeIssuesInputSchema, input ?? {});
					return dispatch(c.queue, QUEUE.organization.clearRuntimeIssues, { ...parsed, actor: callerOf(c.conn) });
				}),
			listRepos: (c): Promise<Repo[]> => guarded(log, "listRepos", () => listRepos(c.db)),
			listTasks: (c, input?: unknown): Promise<TaskSummary[]> =>
				guarded(log, "listTasks", () => listTasks(c.db, parseInput(listTasksInputSchema, input ?? {}))),
			getTaskSummary: (c, taskId: unknown): Promise<TaskSummary> =>
				guarded(log, "getTaskSummary", () => getTaskSummary(c.db, parseInput(taskIdSchema, taskId, "task id"))),
			getSnapshot: (c): Promise<OrganizationSnapshot> =>
				guarded(log, "getSnapshot", () => getSnapshot(c.db, c.key[0] ?? "")),
			listRuntimeIssues: (c, input?: unknown): Promise<RuntimeIssue[]> =>
				guarded(log, "listRuntimeIssues", () => {
					const { includeCleared } = parseInput(listRuntimeIssuesInputSchema, input ?? {});
					return listRuntimeIssues(c.db, includeCleared ?? false);
				}),
			/** Internal: the seed a task actor initialises itself from. */
			getTaskSeed: (c, taskId: unknown): Promise<TaskRecord> =>
				guarded(log, "getTaskSeed", () =>
					readTaskSeed(c.db, c.key[0] ?? "", parseInput(taskIdSchema, taskId, "task id")),
				),
			ping: (): string => "pong",
		},
	});
}
