// user actor (key: user id): identity (Better Auth user/session/account records), profile,
// organizations the user may enter, API tokens, and per-user multiplayer state. Its events reach
// only this user's own connections.
import {
	ACCESS,
	ACTOR,
	type ApiTokenInfo,
	type CreatedApiToken,
	EVENT,
	type FeedEntry,
	type GitIdentity,
	type Notification,
	type Principal,
	parseInput,
	QUEUE,
	type TaskUserState,
	type UserChange,
	type UserProfile,
	type UserUpdatedEvent,
} from "@foundry/shared";
import { actor, event } from "rivetkit";
import { workflow } from "rivetkit/workflow";
import { z } from "zod";
import type { Row, WhereClause } from "../../auth/where.ts";
import { recordQuerySchema } from "../auth-index/entries.ts";
import { canSubscribe, withAccess } from "../shared/access.ts";
import { runCommandLoop } from "../shared/command-loop.ts";
import { type ActorDeps, declareQueues } from "../shared/deps.ts";
import { dispatch } from "../shared/dispatch.ts";
import { deliverPeerMessage, type Outbox } from "../shared/outbox.ts";
import { peers } from "../shared/peers.ts";
import { QUEUE_LIMITS } from "../shared/queue-limits.ts";
import { createRecord, deleteRecords, findRecords, updateRecords } from "./auth-records.ts";
import { applyMembership, setActiveOrganization, updateProfile } from "./commands/profile.ts";
import { githubToken, refreshOrganizations } from "./commands/refresh-organizations.ts";
import type { UserCommandContext } from "./context.ts";
import { userDatabase } from "./database.ts";
import { readPrincipal, readProfile } from "./profile.ts";
import * as state from "./state.ts";
import { authIndexOf, createApiToken, listApiTokens, revokeApiToken } from "./tokens.ts";

const rowSchema = z.record(z.string(), z.unknown());
const createSchema = z.object({ model: z.string(), data: rowSchema });
const updateSchema = z.object({ model: z.string(), where: z.array(rowSchema), update: rowSchema });
const deleteSchema = z.object({ model: z.string(), where: z.array(rowSchema) });
const asWhere = (w: Record<string, unknown>[]): WhereClause[] => w as unknown as WhereClause[];

interface UserStepLike {
	key: string[];
	db: UserCommandContext["db"];
	client(): unknown;
	broadcast(name: typeof EVENT.userUpdated, payload: UserUpdatedEvent): void;
}

export function userActor(deps: ActorDeps) {
	const log = deps.logger.child({ actor: ACTOR.user });
	const commandContext = (s: UserStepLike, outbox: Outbox): UserCommandContext => ({
		db: s.db,
		userId: s.key[0] ?? "",
		peers: peers(s, deps.internalParams),
		outbox,
		log: log.child({ key: s.key }),
		github: deps.github,
		secrets: deps.secrets,
		principals: deps.principals,
		emit: (change: UserChange) => s.broadcast(EVENT.userUpdated, { change }),
	});
	const def = actor({
		db: userDatabase,
		events: { [EVENT.userUpdated]: event<UserUpdatedEvent>({ canSubscribe: canSubscribe("self") }) },
		queues: declareQueues(QUEUE.user),
		createConnState: (c, params) =>
			deps.principals.resolve(params, () => c.client(), { userId: c.key[0] ?? "", read: () => readPrincipal(c.db) }),
		run: workflow(async (ctx) =>
			runCommandLoop(ctx, {
				batchSize: QUEUE_LIMITS.user.batchSize,
				handlers: {
					[QUEUE.user.refreshOrganizations]: (s, _body, o) => refreshOrganizations(commandContext(s, o)),
					[QUEUE.user.applyMembership]: (s, body, o) => applyMembership(commandContext(s, o), body),
					[QUEUE.user.updateProfile]: (s, body, o) => updateProfile(commandContext(s, o), body),
					[QUEUE.user.setActiveOrganization]: (s, body, o) => setActiveOrganization(commandContext(s, o), body),
					[QUEUE.user.setDraft]: (s, body, o) => state.setDraft(commandContext(s, o), body),
					[QUEUE.user.setActiveSession]: (s, body, o) => state.setActiveSession(commandContext(s, o), body),
					[QUEUE.user.markSessionRead]: (s, body, o) => state.markSessionRead(commandContext(s, o), body),
					[QUEUE.user.markSessionUnread]: (s, body, o) => state.markSessionUnread(commandContext(s, o), body),
					[QUEUE.user.bumpFeed]: (s, body, o) => state.bumpFeed(commandContext(s, o), body),
					[QUEUE.user.notify]: (s, body, o) => state.notify(commandContext(s, o), body),
					[QUEUE.user.markNotificationsRead]: (s, body, o) => state.markNotificationsRead(commandContext(s, o), body),
				},
				log: (s) => log.child({ key: s.key }),
				// User-scoped changes carry no organization audit events.
				flushAudit: async () => undefined,
				tellPeer: (s, message) => deliverPeerMessage(peers(s, deps.internalParams), message),
				onSystemFailure: async (s, failure) => {
					log.error({ key: s.key, ...failure }, "user command failed");
				},
			}),
		),
		actions: {
			getProfile: async (c): Promise<UserProfile | null> => readProfile(c.db),
			updateProfile: (c, input: unknown): Promise<UserProfile> => dispatch(c.queue, QUEUE.user.updateProfile, input),
			setActiveOrganization: (c, input: unknown): Promise<UserProfile> =>
				dispatch(c.queue, QUEUE.user.setActiveOrganization, input),
			/** Enqueues discovery of the user's GitHub organizations; watch the profile for the result. */
			refreshOrganizations: async (c): Promise<{ queued: true }> => {
				await c.queue.send(QUEUE.user.refreshOrganizations, {});
				return { queued: true };
			},
			listApiTokens: (c): Promise<ApiTokenInfo[]> => listApiTokens(c.db),
			createApiToken: (c, input: unknown): Promise<CreatedApiToken> =>
				createApiToken(c.db, authIndexOf(c.client(), deps.internalParams), c.key[0] ?? "", input),
			revokeApiToken: async (c, input: unknown): Promise<{ revoked: string }> => {
				const out = await revokeApiToken(c.db, authIndexOf(c.client(), deps.internalParams), input);
				deps.principals.invalidateUser(c.key[0] ?? "");
				return out;
			},
			getTaskState: (c, input: unknown): Promise<TaskUserState> => state.readTaskState(c.db, input),
			setDraft: (c, input: unknown): Promise<TaskUserState> => dispatch(c.queue, QUEUE.user.setDraft, input),
			setActiveSession: (c, input: unknown): Promise<TaskUserState> => dispatch(c.queue, QUEUE.user.setActiveSession, input),
			markSessionRead: (c, input: unknown): Promise<TaskUserState> => dispatch(c.queue, QUEUE.user.markSessionRead, input),
			listFeed: (c, input?: unknown): Promise<FeedEntry[]> => state.listFeed(c.db, input),
			listUnreadTasks: (c, input: unknown): Promise<string[]> => state.listUnreadTasks(c.db, input),
			listNotifications: (c, input?: unknown): Promise<Notification[]> => state.listNotifications(c.db, input),
			markNotificationsRead: (c, input?: unknown): Promise<{ ids: number[] }> =>
				dispatch(c.queue, QUEUE.user.markNotificationsRead, input ?? {}),
			// Internal: Better Auth storage (see auth/adapter.ts) and principal resolution.
			authCreate: async (c, input: unknown): Promise<Row> => {
				const { model, data } = parseInput(createSchema, input);
				const row = await createRecord(c.db, c.key[0] ?? "", model, data);
				// A new session is a sign-in: discover organizations in the background.
				if (model === "session") await c.queue.send(QUEUE.user.refreshOrganizations, {});
				return row;
			},
			authFind: (c, input: unknown): Promise<Row[]> => {
				const q = parseInput(recordQuerySchema, input);
				return findRecords(c.db, { ...q, where: asWhere(q.where) });
			},
			authUpdate: (c, input: unknown): Promise<Row[]> => {
				const { model, where, update } = parseInput(updateSchema, input);
				return updateRecords(c.db, c.key[0] ?? "", model, asWhere(where), update);
			},
			authDelete: (c, input: unknown): Promise<Row[]> => {
				const { model, where } = parseInput(deleteSchema, input);
				return deleteRecords(c.db, model, asWhere(where));
			},
			principal: (c): Promise<Principal | null> => readPrincipal(c.db),
			/** Internal: the user's default agent and model (new sessions start with them). */
			agentDefaults: async (c): Promise<{ agent: string | null; model: string | null }> => {
				const p = await readProfile(c.db);
				return { agent: p?.defaultAgent ?? null, model: p?.defaultModel ?? null };
			},
			/** Internal: the user's GitHub token and git identity (sandboxes clone and push as the task owner). */
			githubToken: async (c): Promise<GitIdentity> => {
				const token = await githubToken({ db: c.db, secrets: deps.secrets });
				const p = await readProfile(c.db);
				const login = p?.login ?? c.key[0] ?? "foundry";
				return { token, login, name: p?.name || login, email: p?.email || `${login}@users.noreply.github.com` };
			},
		},
	});
	return withAccess(def, ACCESS.user, log);
}
