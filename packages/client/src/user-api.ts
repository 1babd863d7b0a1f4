// The signed-in user's API: profile, organizations, per-user task state, feed, notifications and
// personal API tokens (the user's own actor). FoundryClient wires it to its connection params.
import type { AppRegistry } from "@foundry/backend/registry";
import { type ApiTokenInfo, type CreatedApiToken, type FeedEntry, FoundryError, type Notification, type TaskUserState, type UserProfile } from "@foundry/shared";
import type { Client } from "rivetkit/client";

export type UserHandle = ReturnType<Client<AppRegistry>["user"]["getOrCreate"]>;

export interface UserActors {
	call<T>(run: () => Promise<T>): Promise<T>;
	user(): Promise<UserHandle>;
	orgId(): Promise<string>;
	/** Records the organization the client now acts in. */
	useOrg(orgId: string | null): void;
}

export function meApi(a: UserActors) {
	return {
		profile: (): Promise<UserProfile> =>
			a.call(async () => {
				const p = await (await a.user()).getProfile();
				if (!p) throw new FoundryError("NOT_FOUND", "no profile for this user");
				return p;
			}),
		update: (input: { defaultAgent?: string | null; defaultModel?: string | null }): Promise<UserProfile> =>
			a.call(async () => (await a.user()).updateProfile(input)),
		useOrganization: async (orgId: string): Promise<UserProfile> => {
			const profile = await a.call(async () => (await a.user()).setActiveOrganization({ orgId }));
			a.useOrg(profile.activeOrgId);
			return profile;
		},
		refreshOrganizations: (): Promise<{ queued: true }> => a.call(async () => (await a.user()).refreshOrganizations()),
		taskState: (taskId: string): Promise<TaskUserState> =>
			a.call(async () => (await a.user()).getTaskState({ orgId: await a.orgId(), taskId })),
		setDraft: (taskId: string, sessionId: string, text: string): Promise<TaskUserState> =>
			a.call(async () => (await a.user()).setDraft({ orgId: await a.orgId(), taskId, sessionId, text })),
		setActiveSession: (taskId: string, sessionId: string | null): Promise<TaskUserState> =>
			a.call(async () => (await a.user()).setActiveSession({ orgId: await a.orgId(), taskId, sessionId })),
		markSessionRead: (taskId: string, sessionId: string): Promise<TaskUserState> =>
			a.call(async () => (await a.user()).markSessionRead({ orgId: await a.orgId(), taskId, sessionId })),
		/** Tasks of the current organization with a session that has news for this user. */
		unreadTasks: async (): Promise<string[]> => a.call(async () => (await a.user()).listUnreadTasks({ orgId: await a.orgId() })),
		feed: (opts: { orgId?: string; limit?: number } = {}): Promise<FeedEntry[]> =>
			a.call(async () => (await a.user()).listFeed(opts)),
		notifications: (opts: { unreadOnly?: boolean; limit?: number } = {}): Promise<Notification[]> =>
			a.call(async () => (await a.user()).listNotifications(opts)),
		markNotificationsRead: (ids?: number[]): Promise<{ ids: number[] }> =>
			a.call(async () => (await a.user()).markNotificationsRead(ids ? { ids } : {})),
	};
}

export function tokensApi(a: UserActors) {
	return {
		create: (name: string, opts: { expiresInDays?: number } = {}): Promise<CreatedApiToken> =>
			a.call(async () => (await a.user()).createApiToken({ name, ...opts })),
		list: (): Promise<ApiTokenInfo[]> => a.call(async () => (await a.user()).listApiTokens()),
		revoke: (id: string): Promise<{ revoked: string }> => a.call(async () => (await a.user()).revokeApiToken({ id })),
	};
}
