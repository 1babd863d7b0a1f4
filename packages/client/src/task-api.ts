// A task's agent sessions, transcripts, sandbox and git actions: typed calls to the task actor and
// the task's sandbox actor. FoundryClient wires them to its connection params and error mapping.
import type { AppRegistry } from "@foundry/backend/registry";
import {
	type ChangesSummary,
	type CreateSessionInput,
	type GitOpResult,
	type mergeInputSchema,
	parseInput,
	type publishPrInputSchema,
	type SandboxInfo,
	type Session,
	sessionIdSchema,
	type TranscriptEvent,
	type TranscriptPage,
} from "@foundry/shared";
import type { Client } from "rivetkit/client";
import { readTranscript, TRANSCRIPT_PAGE } from "./transcript.ts";

type Rivet = Client<AppRegistry>;
export type TaskHandle = ReturnType<Rivet["task"]["getOrCreate"]>;
export type SandboxHandle = ReturnType<Rivet["sandbox"]["getOrCreate"]>;

/** What a zod schema accepts (its input type). */
export type InputOf<S extends { _zod: { input: unknown } }> = S["_zod"]["input"];
export type PublishPrInput = InputOf<typeof publishPrInputSchema>;
export type MergeInput = InputOf<typeof mergeInputSchema>;
export type PermissionReply = "once" | "always" | "reject";

/** How the API reaches a task's actors (the task's existence is checked first). */
export interface TaskActors {
	call<T>(run: () => Promise<T>): Promise<T>;
	task(taskId: string): Promise<TaskHandle>;
	sandbox(taskId: string): Promise<SandboxHandle>;
}

/** Runs `run` against the task's actor, with the client's error mapping. */
const taskCall =
	(a: TaskActors) =>
	<T>(taskId: string, run: (task: TaskHandle) => Promise<T>): Promise<T> =>
		a.call(async () => run(await a.task(taskId)));

const sessionRef = (sessionId: string) => parseInput(sessionIdSchema, sessionId, "session id");

export function sessionsApi(a: TaskActors) {
	const onTask = taskCall(a);
	return {
		list: (taskId: string): Promise<Session[]> => onTask(taskId, (t) => t.listSessions()),
		create: (taskId: string, input: CreateSessionInput = {}): Promise<Session> => onTask(taskId, (t) => t.createSession(input)),
		send: (taskId: string, sessionId: string, text: string): Promise<Session> =>
			onTask(taskId, (t) => t.sendMessage({ sessionId: sessionRef(sessionId), text })),
		stop: (taskId: string, sessionId: string): Promise<Session> =>
			onTask(taskId, (t) => t.stopSession({ sessionId: sessionRef(sessionId) })),
		rename: (taskId: string, sessionId: string, name: string): Promise<Session> =>
			onTask(taskId, (t) => t.renameSession({ sessionId: sessionRef(sessionId), name })),
		close: (taskId: string, sessionId: string): Promise<Session> =>
			onTask(taskId, (t) => t.closeSession({ sessionId: sessionRef(sessionId) })),
		respondPermission: (taskId: string, sessionId: string, requestId: string, reply: PermissionReply): Promise<{ accepted: true }> =>
			onTask(taskId, (t) => t.respondPermission({ sessionId: sessionRef(sessionId), requestId, reply })),
		/** Sends the task's follow-ups (all, or the ones named) to the session as one message. */
		sendFollowUps: (taskId: string, sessionId: string, followUpIds?: string[]): Promise<{ sent: number }> =>
			onTask(taskId, (t) => t.sendFollowUps(followUpIds ? { sessionId: sessionRef(sessionId), followUpIds } : { sessionId: sessionRef(sessionId) })),
		/** One page of a session's stored transcript: events with an index greater than `after`. */
		transcript: (taskId: string, input: { sessionId: string; after?: number; limit?: number }): Promise<TranscriptPage> =>
			a.call(async () => (await a.sandbox(taskId)).transcript({ ...input, sessionId: sessionRef(input.sessionId) })),
		/** The whole stored transcript (after `after`), read page by page. */
		fullTranscript: (taskId: string, sessionId: string, after = 0): Promise<TranscriptEvent[]> =>
			a.call(async () => {
				const sandbox = await a.sandbox(taskId);
				const id = sessionRef(sessionId);
				return readTranscript((from) => sandbox.transcript({ sessionId: id, after: from, limit: TRANSCRIPT_PAGE }), after);
			}),
	};
}

export function sandboxApi(a: TaskActors) {
	return {
		get: (taskId: string): Promise<SandboxInfo> => a.call(async () => (await a.sandbox(taskId)).getSandbox()),
	};
}

/** Git actions answer `{ accepted: true }` at once; their outcome arrives later as a `gitResult` event. */
export function gitApi(a: TaskActors) {
	const onTask = taskCall(a);
	return {
		push: (taskId: string): Promise<{ accepted: true }> => onTask(taskId, (t) => t.push()),
		publishPr: (taskId: string, input: PublishPrInput = {}): Promise<{ accepted: true }> => onTask(taskId, (t) => t.publishPr(input)),
		merge: (taskId: string, input: MergeInput = {}): Promise<{ accepted: true }> => onTask(taskId, (t) => t.mergePr(input)),
		revert: (taskId: string, path: string): Promise<{ accepted: true }> => onTask(taskId, (t) => t.revertFile({ path })),
		/** The changes summary computed after the last turn (null before the first turn). */
		changes: (taskId: string): Promise<ChangesSummary | null> => onTask(taskId, (t) => t.getChanges()),
		/** Cached per-file diffs, all or one file's. */
		diff: (taskId: string, path?: string): Promise<Array<{ path: string; diff: string }>> =>
			onTask(taskId, (t) => t.getDiff(path === undefined ? {} : { path })),
		results: (taskId: string): Promise<GitOpResult[]> => onTask(taskId, (t) => t.lastGitResults()),
	};
}
