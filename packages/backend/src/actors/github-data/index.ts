// githubData actor (key: org id): the only code that talks to GitHub about an organization's data.
// Full sync (repositories, open PRs, members) and webhooks; results are pushed to the organization,
// which owns the index. It never creates task actors.
import { ACCESS, ACTOR, type GithubStatus, QUEUE } from "@foundry/shared";
import { actor } from "rivetkit";
import { workflow } from "rivetkit/workflow";
import type { GithubAppApi } from "../../adapters/github-app.ts";
import { withAccess } from "../shared/access.ts";
import { runCommandLoop } from "../shared/command-loop.ts";
import { type ActorDeps, declareQueues } from "../shared/deps.ts";
import { peers, reportRuntimeIssue, sendAuditBatch } from "../shared/peers.ts";
import { startSync, syncMembers, syncPulls } from "./commands/sync.ts";
import { handleWebhook } from "./commands/webhook.ts";
import { type GithubDataContext, readStatus } from "./context.ts";
import { githubDataDatabase } from "./database.ts";

interface StepLike {
	key: string[];
	db: GithubDataContext["db"];
	client(): unknown;
}

export function githubDataActor(deps: ActorDeps & { githubApp: GithubAppApi | null }) {
	const log = deps.logger.child({ actor: ACTOR.githubData });
	const context = (s: StepLike): GithubDataContext => ({
		db: s.db,
		orgId: s.key[0] ?? "",
		peers: peers(s, deps.internalParams),
		log: log.child({ key: s.key }),
		github: deps.githubApp,
	});
	const def = actor({
		db: githubDataDatabase,
		queues: declareQueues(QUEUE.githubData),
		// Webhook payloads (a pull_request event is ~20–30 KB) travel as one message.
		options: { maxQueueMessageSize: 2 * 1024 * 1024 },
		createConnState: (c, params) => deps.principals.resolve(params, () => c.client()),
		run: workflow(async (ctx) =>
			runCommandLoop(ctx, {
				handlers: {
					[QUEUE.githubData.webhook]: (s, body) => handleWebhook(context(s), body),
					[QUEUE.githubData.sync]: (s, body) => startSync(context(s), body),
					[QUEUE.githubData.syncPulls]: (s, body) => syncPulls(context(s), body),
					[QUEUE.githubData.syncMembers]: (s, body) => syncMembers(context(s), body),
				},
				log: (s) => log.child({ key: s.key }),
				flushAudit: (s, events) => sendAuditBatch(peers(s, deps.internalParams), s.key[0] ?? "", events),
				onSystemFailure: (s, failure) =>
					reportRuntimeIssue(peers(s, deps.internalParams), s.key[0] ?? "", { actorName: ACTOR.githubData, actorKey: s.key, ...failure }),
			}),
		),
		actions: {
			getStatus: (c): Promise<GithubStatus> => readStatus(c.db),
			/** Admin: re-sync now (returns at once; watch the organization's `github` status). */
			requestSync: async (c): Promise<{ queued: true }> => {
				await c.queue.send(QUEUE.githubData.sync, { reason: "manual" });
				return { queued: true };
			},
		},
	});
	return withAccess(def, ACCESS.githubData, log);
}
