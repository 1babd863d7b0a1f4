// Realtime state in TanStack Query's cache: each hook opens the client's subscription and writes
// every snapshot it delivers into the cache (no polling); unmounting closes it.
import type { ChangesSummary, GitOpResult, ListedFollowUp, OrganizationSnapshot, Session, Subscription, TaskRecord, TaskViewer, TranscriptEvent } from "@foundry/client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { reportConnection } from "./connection-state.ts";
import { account, clientFor, describeError } from "./foundry.ts";

export const keys = {
	org: (orgId: string) => ["org", orgId] as const,
	task: (orgId: string, taskId: string) => ["task", orgId, taskId] as const,
	sessions: (orgId: string, taskId: string) => ["sessions", orgId, taskId] as const,
	changes: (orgId: string, taskId: string) => ["changes", orgId, taskId] as const,
	gitResults: (orgId: string, taskId: string) => ["git", orgId, taskId] as const,
	viewers: (orgId: string, taskId: string) => ["viewers", orgId, taskId] as const,
	followUps: (orgId: string, taskId: string) => ["followUps", orgId, taskId] as const,
};

/** Only what the cache holds (subscriptions fill it); never fetched. */
const heldOnly = { queryFn: () => new Promise<never>(() => undefined), staleTime: Number.POSITIVE_INFINITY } as const;

/** Keeps a subscription open while mounted; errors become the connection banner's state. */
function useSubscription(open: (() => Promise<Pick<Subscription, "close">>) | null, deps: readonly unknown[]): void {
	useEffect(() => {
		if (!open) return;
		let sub: Pick<Subscription, "close"> | null = null;
		let closed = false;
		open()
			.then((s) => {
				if (closed) void s.close();
				else sub = s;
			})
			.catch((err: unknown) => reportConnection({ ok: false, error: describeError(err).message }));
		return () => {
			closed = true;
			void sub?.close();
		};
		// biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what re-opens it.
	}, deps);
}

const onError = (err: { message: string }) => reportConnection({ ok: false, error: err.message });

/** The organization's sidebar state, live. Mount once (the workbench); others use `useOrganizationData`. */
export function useOrganization(orgId: string) {
	const qc = useQueryClient();
	useSubscription(
		() =>
			clientFor(orgId).subscribeOrganization(
				(snapshot) => {
					reportConnection({ ok: true });
					qc.setQueryData(keys.org(orgId), snapshot);
				},
				// The workbench's own connection stands for "the realtime connection" in the banner.
				{ onError, onConnectionChange: (up) => reportConnection(up ? { ok: true } : { ok: false, error: "the connection to the backend was lost" }) },
			),
		[orgId],
	);
	return useOrganizationData(orgId);
}

export function useOrganizationData(orgId: string) {
	return useQuery<OrganizationSnapshot>({ queryKey: keys.org(orgId), ...heldOnly });
}

/**
 * The task page's one subscription: record, sessions, changes, git results and presence (this
 * browser counts as a viewer while the page is open). Mount once per task page; panels read the
 * cache through `useTaskData`.
 */
export function useTaskSubscription(orgId: string, taskId: string): void {
	const qc = useQueryClient();
	useSubscription(
		() =>
			clientFor(orgId).subscribeTask(
				taskId,
				{
					onTask: (task) => qc.setQueryData(keys.task(orgId, taskId), task),
					onSession: (session) =>
						qc.setQueryData<Session[]>(keys.sessions(orgId, taskId), (held = []) => {
							const others = held.filter((s) => s.id !== session.id);
							return [...others, session].sort((a, b) => a.createdAt - b.createdAt);
						}),
					onChanges: (changes) => qc.setQueryData(keys.changes(orgId, taskId), changes),
					onGitResult: (result) => qc.setQueryData<GitOpResult[]>(keys.gitResults(orgId, taskId), (held = []) => [result, ...held].slice(0, 20)),
					onPresence: (viewers) => qc.setQueryData(keys.viewers(orgId, taskId), viewers),
					onFollowUps: (followUps) => qc.setQueryData(keys.followUps(orgId, taskId), followUps),
				},
				{ onError },
			),
		[orgId, taskId],
	);
}

/** One task's state from the cache (fetched once when missing; kept current by the subscription). */
export function useTaskData(orgId: string, taskId: string) {
	const task = useQuery<TaskRecord>({ queryKey: keys.task(orgId, taskId), queryFn: () => clientFor(orgId).tasks.get(taskId) });
	const sessions = useQuery<Session[]>({ queryKey: keys.sessions(orgId, taskId), queryFn: () => clientFor(orgId).sessions.list(taskId) });
	const changes = useQuery<ChangesSummary | null>({ queryKey: keys.changes(orgId, taskId), queryFn: () => clientFor(orgId).git.changes(taskId) });
	const gitResults = useQuery<GitOpResult[]>({ queryKey: keys.gitResults(orgId, taskId), queryFn: () => Promise.resolve([]), staleTime: Number.POSITIVE_INFINITY });
	const viewers = useQuery<TaskViewer[]>({ queryKey: keys.viewers(orgId, taskId), ...heldOnly });
	const followUps = useQuery<ListedFollowUp[]>({ queryKey: keys.followUps(orgId, taskId), ...heldOnly });
	return { task, sessions, changes, gitResults, viewers, followUps };
}

/** A session's transcript: stored events, then live ones (each index once, ascending). */
export function useTranscript(orgId: string, taskId: string, sessionId: string | null): TranscriptEvent[] {
	const [events, setEvents] = useState<TranscriptEvent[]>([]);
	// A session change remounts the pane (keyed by session), so the events start empty.
	useSubscription(
		sessionId
			? () => clientFor(orgId).subscribeSession(taskId, sessionId, (batch) => setEvents((held) => [...held, ...batch]), { onError })
			: null,
		[orgId, taskId, sessionId],
	);
	return events;
}

/** The signed-in user's own events (organizations, notifications, drafts): refetch what they touch. */
export function useUserEvents(): void {
	const qc = useQueryClient();
	useSubscription(
		() =>
			account.subscribeUser(() => {
				void qc.invalidateQueries({ queryKey: ["notifications"] });
				void qc.invalidateQueries({ queryKey: ["profile"] });
				void qc.invalidateQueries({ queryKey: ["unreadTasks"] });
				void qc.invalidateQueries({ queryKey: ["taskState"] });
			}),
		[],
	);
}

/** Tasks with a session that has news for this user (its turn ended since they last looked): the sidebar's dots. */
export function useUnreadTasks(orgId: string): ReadonlySet<string> {
	const unread = useQuery({ queryKey: ["unreadTasks", orgId], queryFn: () => clientFor(orgId).me.unreadTasks() });
	return new Set(unread.data ?? []);
}

/** Whether the page is visible (a session shown in a background tab is not read). */
export function usePageVisible(): boolean {
	const [visible, setVisible] = useState(() => document.visibilityState === "visible");
	useEffect(() => {
		const update = () => setVisible(document.visibilityState === "visible");
		document.addEventListener("visibilitychange", update);
		return () => document.removeEventListener("visibilitychange", update);
	}, []);
	return visible;
}
