// auditLog actor (key: org id): append-only record of every significant mutation in the organization.
import { ACCESS, ACTOR, listAuditInputSchema, parseInput, QUEUE } from "@foundry/shared";
import { actor } from "rivetkit";
import { workflow } from "rivetkit/workflow";
import { withAccess } from "../shared/access.ts";
import { runCommandLoop } from "../shared/command-loop.ts";
import { type ActorDeps, declareQueues } from "../shared/deps.ts";
import { peers, reportRuntimeIssue } from "../shared/peers.ts";
import { QUEUE_LIMITS } from "../shared/queue-limits.ts";
import { appendEvents } from "./commands/append.ts";
import { auditLogDatabase } from "./database.ts";
import { listEvents } from "./reads.ts";

export function auditLogActor(deps: ActorDeps) {
	const log = deps.logger.child({ actor: ACTOR.auditLog });
	const def = actor({
		db: auditLogDatabase,
		createConnState: (c, params) => deps.principals.resolve(params, () => c.client(), undefined, c.key[0]),
		queues: declareQueues(QUEUE.auditLog),
		// One message carries a whole batch of events.
		options: { maxQueueMessageSize: QUEUE_LIMITS.auditLog.maxMessageBytes},
		run: workflow(async (ctx) =>
			runCommandLoop(ctx, {
				batchSize: QUEUE_LIMITS.auditLog.batchSize,
				handlers: { [QUEUE.auditLog.append]: (s, body) => appendEvents(s.db, body) },
				flushAudit: (s, events) => appendEvents(s.db, { events }).then(() => undefined),
				log: (s) => log.child({ key: s.key }),
				onSystemFailure: (s, failure) =>
					reportRuntimeIssue(peers(s, deps.internalParams), s.key[0] ?? "", { actorName: ACTOR.auditLog, actorKey: s.key, ...failure }),
			}),
		),
		actions: {
			list: (c, input?: unknown) => listEvents(c.db, parseInput(listAuditInputSchema, input ?? {})),
		},
	});
	return withAccess(def, ACCESS.auditLog, log);
}
