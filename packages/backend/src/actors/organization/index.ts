// organization actor (key: org id): the coordinator. Repository catalog, task index + summaries,
// runtime issues. Children push into its index; its reads never fan out to other actors.
import {
	ACCESS,
	ACTOR,
	type AgentInfo,
	addRepoInputSchema,
	clearRuntimeIssuesInputSchema,
	createTaskInputSchema,
	EVENT,
	LIMITS,
	listRuntimeIssuesInputSchema,
	listTasksInputSchema,
	type OrganizationMember,
	type OrganizationSettings,
	type OrganizationSnapshot,
	type OrganizationUpdatedEvent,
	type PruneResult,
	parseInput,
	pruneInputSchema,
	QUEUE,
	type Repo,
	type RuntimeIssue,
	setRepoCredentialInputSchema,
	type TaskRecord,
	type TaskSummary,
	taskIdSchema,
	updateSettingsInputSchema,
} from "@foundry/shared";
import { actor, event } from "rivetkit";
import { workflow } from "rivetkit/workflow";
import { z } from "zod";
import { DEFAULT_CREDENTIAL_USERNAME, sealCredential } from "../../domain/repo-credential.ts";
import { GithubHost } from "../../domain/repo-url.ts";
import { actorRefOf, canSubscribe, userOf, withAccess } from "../shared/access.ts";
import { runCommandLoop } from "../shared/command-loop.ts";
import { type ActorDeps, type CommandEnv, declareQueues } from "../shared/deps.ts";
import { dispatch } from "../shared/dispatch.ts";
import { deliverPeerMessage, Outbox } from "../shared/outbox.ts";
import { peers, sendAuditBatch, tellUsers } from "../shared/peers.ts";
import { QUEUE_LIMITS } from "../shared/queue-limits.ts";
import type { BillingEnv } from "./billing.ts";
import { type BillingDeps, billingActions } from "./billing-actions.ts";
import { addRepo } from "./commands/add-repo.ts";
import { applyTaskSummary } from "./commands/apply-task-summary.ts";
import { applyStripeEvent, applySubscription, setSpendCap, setStripeCustomer } from "./commands/billing.ts";
import { applyBranchPush } from "./commands/branch-push.ts";
import { createTask } from "./commands/create-task.ts";
import { applyReviewDecision, recordFollowUp } from "./commands/follow-ups.ts";
import { applyGithubRepos, applyGithubStatus } from "./commands/github-repos.ts";
import { reconcileMembers, removeMember, syncMember } from "./commands/members.ts";
import { admitTurn, checkTurns, enforceCap, markUsageReported, recordUsage } from "./commands/metering.ts";
import { pruneTasks } from "./commands/prune.ts";
import { applyPullRequests, claimTask } from "./commands/pull-requests.ts";
import { readRepoCredential, setRepoCredential } from "./commands/repo-credential.ts";
import { clearRuntimeIssues, recordRuntimeIssue } from "./commands/runtime-issues.ts";
import { updateSettings } from "./commands/settings.ts";
import type { OrganizationCommandContext } from "./context.ts";
import { organizationDatabase } from "./database.ts";
import { getMember, getSnapshot, getTaskSummary, listMembers, listRepos, listRuntimeIssues, listTasks } from "./reads.ts";
import { readTaskSeed } from "./task-seed.ts";

interface OrganizationStepLike {
	key: string[];
	db: OrganizationCommandContext["db"];
	client(): unknown;
	broadcast(name: typeof EVENT.organizationUpdated, payload: OrganizationUpdatedEvent): void;
}

interface OrgEnv extends CommandEnv {
	billing: BillingEnv;
	githubHost: () => GithubHost;
}

function commandContext(s: OrganizationStepLike, env: OrgEnv, outbox: Outbox): OrganizationCommandContext {
	return {
		db: s.db,
		orgId: s.key[0] ?? "",
		peers: peers(s, env.params),
		outbox,
		log: env.log.child({ key: s.key }),
		billing: env.billing,
		githubHost: env.githubHost(),
		broadcast: (name, payload) => s.broadcast(name, payload),
	};
}

export function organizationActor(deps: ActorDeps & BillingDeps & { agents: () => Promise<AgentInfo[]> }) {
	const log = deps.logger.child({ actor: ACTOR.organization });
	const env: OrgEnv = { log, params: deps.internalParams, billing: deps.billingEnv, githubHost: GithubHost.lazy(() => deps.github.webUrl) };
	const billingApiActions = billingActions(deps, (c) => actorRefOf(c.conn as Parameters<typeof actorRefOf>[0]));
	const def = actor({
		db: organizationDatabase,
		events: { [EVENT.organizationUpdated]: event<OrganizationUpdatedEvent>({ canSubscribe: canSubscribe("member") }) },
		createConnState: (c, params) => deps.principals.resolve(params, () => c.client(), undefined, c.key[0]),
		queues: declareQueues(QUEUE.organization),
		// A new instance (after a sleep, or a restart that cut steps off mid-way) looks at every open
		// turn: the tasks that admitted them are woken and close those nobody runs.
		onWake: (c) => {
			void c.queue.send(QUEUE.organization.checkTurns, { all: true }).catch((err: unknown) => log.error({ err, key: c.key }, "open turns could not be checked on wake"));
		},
		// createTask bodies carry the prompt (≤ 32,000 characters, up to 4 bytes each in UTF-8).
		options: { maxQueueMessageSize: QUEUE_LIMITS.organization.maxMessageBytes, maxQueueSize: 100_000 },
		run: workflow(async (ctx) =>
			runCommandLoop(ctx, {
				batchSize: QUEUE_LIMITS.organization.batchSize,
				handlers: {
					[QUEUE.organization.addRepo]: (s, body, o) => addRepo(commandContext(s, env, o), body),
					[QUEUE.organization.setRepoCredential]: (s, body, o) => setRepoCredential(commandContext(s, env, o), body),
					[QUEUE.organization.createTask]: (s, body, o) => createTask(commandContext(s, env, o), body),
					[QUEUE.organization.applyTaskSummary]: (s, body, o) => applyTaskSummary(commandContext(s, env, o), body),
					[QUEUE.organization.recordRuntimeIssue]: (s, body, o) => recordRuntimeIssue(commandContext(s, env, o), body),
					[QUEUE.organization.clearRuntimeIssues]: (s, body, o) => clearRuntimeIssues(commandContext(s, env, o), body),
					[QUEUE.organization.syncMember]: (s, body, o) => syncMember(commandContext(s, env, o), body),
					[QUEUE.organization.removeMember]: (s, body, o) => removeMember(commandContext(s, env, o), body),
					[QUEUE.organization.reconcileMembers]: (s, body, o) => reconcileMembers(commandContext(s, env, o), body),
					[QUEUE.organization.applyGithubRepos]: (s, body, o) => applyGithubRepos(commandContext(s, env, o), body),
					[QUEUE.organization.applyPullRequests]: (s, body, o) => applyPullRequests(commandContext(s, env, o), body),
					[QUEUE.organization.applyGithubStatus]: (s, body, o) => applyGithubStatus(commandContext(s, env, o), body),
					[QUEUE.organization.recordFollowUp]: (s, body, o) => recordFollowUp(commandContext(s, env, o), body),
					[QUEUE.organization.applyReviewDecision]: (s, body, o) => applyReviewDecision(commandContext(s, env, o), body),
					[QUEUE.organization.claimTask]: (s, body, o) => claimTask(commandContext(s, env, o), body),
					[QUEUE.organization.applyBranchPush]: (s, body, o) => applyBranchPush(commandContext(s, env, o), body),
					[QUEUE.organization.updateSettings]: (s, body, o) => updateSettings(commandContext(s, env, o), body),
					[QUEUE.organization.pruneTasks]: (s, body, o) => pruneTasks(commandContext(s, env, o), body),
					[QUEUE.organization.applyStripeEvent]: (s, body, o) => applyStripeEvent(commandContext(s, env, o), body),
					[QUEUE.organization.applySubscription]: (s, body, o) => applySubscription(commandContext(s, env, o), body),
					[QUEUE.organization.setStripeCustomer]: (s, body, o) => setStripeCustomer(commandContext(s, env, o), body),
					[QUEUE.organization.setSpendCap]: (s, body, o) => setSpendCap(commandContext(s, env, o), body),
					[QUEUE.organization.admitTurn]: (s, body, o) => admitTurn(commandContext(s, env, o), body),
					[QUEUE.organization.recordUsage]: (s, body, o) => recordUsage(commandContext(s, env, o), body),
					[QUEUE.organization.enforceCap]: (s, body, o) => enforceCap(commandContext(s, env, o), body),
					[QUEUE.organization.markUsageReported]: (s, body, o) => markUsageReported(commandContext(s, env, o), body),
					[QUEUE.organization.checkTurns]: (s, body, o) => checkTurns(commandContext(s, env, o), body),
				},
				log: (s) => log.child({ key: s.key }),
				flushAudit: (s, events) => sendAuditBatch(peers(s, deps.internalParams), s.key[0] ?? "", events),
				tellUsers: (s, messages) => tellUsers(peers(s, deps.internalParams), messages),
				tellPeer: (s, message) => deliverPeerMessage(peers(s, deps.internalParams), message),
				// The organization is where runtime issues live: record its own failures locally.
				onSystemFailure: async (s, failure) => {
					await recordRuntimeIssue(commandContext(s, env, new Outbox()), {
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
			addRepo: (c, input: unknown): Promise<Repo> => {
				const { url } = parseInput(addRepoInputSchema, input);
				return dispatch(c.queue, QUEUE.organization.addRepo, { url, actor: actorRefOf(c.conn) });
			},
			setRepoCredential: async (c, input: unknown): Promise<Repo> => {
				const { repo, token, username } = parseInput(setRepoCredentialInputSchema, input);
				// Sealed here: the token is never in a queue message or the workflow's history in the clear.
				const sealed = token === null ? null : await sealCredential(deps.secrets, { username: username ?? DEFAULT_CREDENTIAL_USERNAME, token });
				return dispatch(c.queue, QUEUE.organization.setRepoCredential, { repo, sealed, actor: actorRefOf(c.conn) });
			},
			/** Internal: the sealed credential of a repository on another host, for the sandbox's git. */
			getRepoCredential: (c, url: unknown): Promise<{ credential: string | null }> =>
				readRepoCredential(c.db, parseInput(z.string().min(1).max(LIMITS.REPO_URL_MAX), url, "repository URL")),
			createTask: (c, input: unknown): Promise<TaskRecord> => {
				const parsed = parseInput(createTaskInputSchema, input);
				const user = userOf(c.conn);
				return dispatch(c.queue, QUEUE.organization.createTask, { input: parsed, actor: user.userId, actorLogin: user.login });
			},
			clearRuntimeIssues: (c, input?: unknown): Promise<{ cleared: number }> => {
				const parsed = parseInput(clearRuntimeIssuesInputSchema, input ?? {});
				return dispatch(c.queue, QUEUE.organization.clearRuntimeIssues, { ...parsed, actor: actorRefOf(c.conn) });
			},
			listRepos: (c): Promise<Repo[]> => listRepos(c.db),
			listTasks: (c, input?: unknown): Promise<TaskSummary[]> => listTasks(c.db, parseInput(listTasksInputSchema, input ?? {})),
			getTaskSummary: (c, taskId: unknown): Promise<TaskSummary> =>
				getTaskSummary(c.db, parseInput(taskIdSchema, taskId, "task id")),
			getSnapshot: (c): Promise<OrganizationSnapshot> => getSnapshot(c.db, c.key[0] ?? "", deps.billingEnv),
			// Step 6: billing and metering (see billing-actions.ts).
			getBilling: (c) => billingApiActions.getBilling(c),
			getUsage: (c, input?: unknown) => billingApiActions.getUsage(c, input),
			startCheckout: (c, input?: unknown) => billingApiActions.startCheckout(c, input),
			finalizeCheckout: (c, input: unknown) => billingApiActions.finalizeCheckout(c, input),
			openBillingPortal: (c) => billingApiActions.openBillingPortal(c),
			cancelSubscription: (c) => billingApiActions.cancelSubscription(c),
			resumeSubscription: (c) => billingApiActions.resumeSubscription(c),
			setSpendCap: (c, input: unknown) => billingApiActions.setSpendCap(c, input),
			flushUsage: (c) => billingApiActions.flushUsage(c),
			scheduleUsageFlush: (c) => billingApiActions.scheduleUsageFlush(c),
			scheduleCapCheck: (c, input: unknown) => billingApiActions.scheduleCapCheck(c, input),
			capCheck: (c) => billingApiActions.capCheck(c),
			scheduleTurnCheck: (c, input: unknown) => billingApiActions.scheduleTurnCheck(c, input),
			turnCheck: (c) => billingApiActions.turnCheck(c),
			listRuntimeIssues: (c, input?: unknown): Promise<RuntimeIssue[]> => {
				const { includeCleared } = parseInput(listRuntimeIssuesInputSchema, input ?? {});
				return listRuntimeIssues(c.db, includeCleared ?? false);
			},
			listMembers: (c): Promise<OrganizationMember[]> => listMembers(c.db),
			updateSettings: (c, input: unknown): Promise<OrganizationSettings> => {
				const patch = parseInput(updateSettingsInputSchema, input);
				return dispatch(c.queue, QUEUE.organization.updateSettings, { patch, actor: actorRefOf(c.conn) });
			},
			prune: (c, input: unknown): Promise<PruneResult> =>
				dispatch(c.queue, QUEUE.organization.pruneTasks, { input: parseInput(pruneInputSchema, input), actor: actorRefOf(c.conn) }),
			/** sandbox-agent's catalog: agents offered for sessions, installed and credentialed or not, with models. */
			listAgents: (): Promise<AgentInfo[]> => deps.agents(),
			/** Internal: the seed a task actor initialises itself from. */
			getTaskSeed: (c, taskId: unknown): Promise<TaskRecord> =>
				readTaskSeed(c.db, c.key[0] ?? "", parseInput(taskIdSchema, taskId, "task id")),
			/** Internal: one member (task ownership changes check the new owner with it). */
			getMember: (c, userId: unknown): Promise<OrganizationMember | null> =>
				getMember(c.db, parseInput(z.string().min(1).max(200), userId, "user id")),
			ping: async (): Promise<string> => "pong",
		},
	});
	return withAccess(def, ACCESS.organization, log);
}
