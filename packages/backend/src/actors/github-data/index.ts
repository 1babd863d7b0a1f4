// githubData actor (key: org id): the only code that talks to GitHub about an organization's data.
// Full sync (repositories, open PRs, members) and webhooks; results are pushed to the organization,
// which owns the index. It never creates task actors.
import { ACCESS, ACTOR, type GithubStatus, organizationKey, parseInput, QUEUE } from "@foundry/shared";
import { actor } from "rivetkit";
import { workflow } from "rivetkit/workflow";
import { z } from "zod";
import type { GithubAppApi } from "../../adapters/github-app.ts";
import { withAccess } from "../shared/access.ts";
import { runCommandLoop } from "../shared/command-loop.ts";
import { type ActorDeps, declareQueues } from "../shared/deps.ts";
import { peers, reportRuntimeIssue, sendAuditBatch } from "../shared/peers.ts";
import { QUEUE_LIMITS } from "../shared/queue-limits.ts";
import { createPullRequest, mergePullRequest } from "./commands/pulls.ts";
import { startSync, syncMembers, syncPulls } from "./commands/sync.ts";
import { handleWebhook } from "./commands/webhook.ts";
import { type GithubDataContext, readResume, readStatus } from "./context.ts";
import { githubDataDatabase } from "./database.ts";
import { mergeOrgMessages } from "./merge.ts";

const scheduleSchema = z.object({ at: z.number().int().positive(), reason: z.string().max(200) });

interface StepLike {
	key: string[];
	db: GithubDataContext["db"];
	client(): unknown;
}

export function githubDataActor(deps: ActorDeps & { githubApp: GithubAppApi | null; syncIntervalMs: number }) {
	const log = deps.logger.child({ actor: ACTOR.githubData });
	const context = (s: StepLike): GithubDataContext => ({
		db: s.db,
		orgId: s.key[0] ?? "",
		peers: peers(s, deps.internalParams),
		log: log.child({ key: s.key }),
		github: deps.githubApp,
		userApi: deps.github,
		syncIntervalMs: deps.syncIntervalMs,
	});
	const def = actor({
		db: githubDataDatabase,
		queues: declareQueues(QUEUE.githubData),
		// Webhook payloads (a pull_request event is ~20–30 KB) travel as one message.
		// A burst of webhooks must never be refused: the queue holds far more than GitHub sends at once.
		options: { maxQueueMessageSize: QUEUE_LIMITS.githubData.maxMessageBytes, maxQueueSize: 100_000 },
		createConnState: (c, params) => deps.principals.resolve(params, () => c.client(), undefined, c.key[0]),
		run: workflow(async (ctx) =>
			runCommandLoop(ctx, {
				batchSize: QUEUE_LIMITS.githubData.batchSize,
				handlers: {
					[QUEUE.githubData.webhook]: (s, body, o) => handleWebhook(context(s), body, o),
					[QUEUE.githubData.sync]: (s, body) => startSync(context(s), body),
					[QUEUE.githubData.syncPulls]: (s, body) => syncPulls(context(s), body),
					[QUEUE.githubData.syncMembers]: (s, body) => syncMembers(context(s), body),
					[QUEUE.githubData.createPullRequest]: (s, body) => createPullRequest(context(s), body),
					[QUEUE.githubData.mergePullRequest]: (s, body) => mergePullRequest(context(s), body),
				},
				log: (s) => log.child({ key: s.key }),
				flushAudit: (s, events) => sendAuditBatch(peers(s, deps.internalParams), s.key[0] ?? "", events),
				tellOrganization: async (s, messages) => {
					const org = peers(s, deps.internalParams).organization.getOrCreate(organizationKey(s.key[0] ?? ""));
					for (const m of mergeOrgMessages(messages)) await org.send(m.queue, m.body);
				},
				onSystemFailure: (s, failure) =>
					reportRuntimeIssue(peers(s, deps.internalParams), s.key[0] ?? "", { actorName: ACTOR.githubData, actorKey: s.key, ...failure }),
			}),
		),
		actions: {
			getStatus: (c): Promise<GithubStatus> => readStatus(c.db),
			/** Admin: re-sync now (returns at once; watch the organization's `github` status). */
			/** Internal: run a sync at `at` (periodic reconciliation, or after a rate-limit reset). */
			scheduleSync: async (c, input: unknown): Promise<void> => {
				const { at, reason } = parseInput(scheduleSchema, input);
				await c.schedule.at(at, "scheduledSync", reason);
			},
			/** Runs when a schedule fires; stale schedules (superseded by a later plan) do nothing. */
			scheduledSync: async (c, reason: unknown): Promise<void> => {
				const status = await readStatus(c.db);
				if (status.nextSyncAt !== null && status.nextSyncAt > Date.now() + 1_000) return;
				// After a rate limit, continue where the sync stopped; otherwise start a full sync.
				const resume = status.phase === "rate_limited" ? await readResume(c.db) : null;
				if (resume) await c.queue.send(resume.name as typeof QUEUE.githubData.syncPulls, resume.body);
				else await c.queue.send(QUEUE.githubData.sync, { reason: typeof reason === "string" ? reason : "scheduled" });
			},
			requestSync: async (c): Promise<{ queued: true }> => {
				await c.queue.send(QUEUE.githubData.sync, { reason: "manual" });
				return { queued: true };
			},
		},
	});
	return withAccess(def, ACCESS.githubData, log);
}
