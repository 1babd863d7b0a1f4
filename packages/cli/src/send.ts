// `foundry task send`: picks (or starts) a session, waits until it can take a message (a new session
// provisions first), sends, and returns once the turn started — so `foundry task watch` right after
// follows it, and a session that fails to start or run is reported here (exit 1).
import { FoundryError, type Session } from "@foundry/client";
import { positional, restText, sessionFlag } from "./args.ts";
import type { Output } from "./commands.ts";
import type { CliContext } from "./context.ts";
import { defaultSession } from "./session-commands.ts";
import { deadline, Latch } from "./wait.ts";

export const SESSION_START_TIMEOUT_MS = 300_000;
export const TURN_START_TIMEOUT_MS = 60_000;

type Verdict = "wait" | "yes" | FoundryError;

const closed = (s: Session) => new FoundryError("PRECONDITION_FAILED", `session ${s.id} is closed; start a new one with foundry task session new ${s.taskId}`);

/** Whether a message can be sent now (a busy session is left to the backend, which says so). */
export function canTakeMessage(s: Session): Verdict {
	if (s.status === "pending_provision") return "wait";
	if (s.status === "closed") return closed(s);
	return "yes";
}

/** Whether the turn of a message sent at session version `baseline` has started (or already ended). */
export function turnStarted(s: Session, baseline: number): Verdict {
	if (s.status === "running" || s.status === "needs_input") return "yes";
	if (s.version <= baseline || s.status === "pending_provision") return "wait";
	if (s.status === "error") return new FoundryError("UPSTREAM_FAILED", `session ${s.id} failed: ${s.error ?? "unknown error"}`);
	if (s.status === "closed") return closed(s);
	return "yes";
}

export async function sendCommand(ctx: CliContext): Promise<Output> {
	const taskId = positional(ctx.args.command, 2, "task id");
	const text = restText(ctx.args.command, 3, "message text");
	const flag = sessionFlag(ctx.args.flags);
	const client = ctx.client();
	const sessions = await client.sessions.list(taskId);
	let session = flag === undefined ? defaultSession(sessions) : (sessions.find((s) => s.id === flag) ?? null);
	if (!session && flag !== undefined) throw new FoundryError("NOT_FOUND", `task ${taskId} has no session ${flag} (see foundry task sessions ${taskId})`);
	if (!session) {
		session = await client.sessions.create(taskId, {});
		ctx.notice(`started session ${session.id}`);
	}
	const id = session.id;

	let latest = session;
	let gate = new Latch<void>();
	let check: (s: Session) => Verdict = canTakeMessage;
	let subscribed = false;
	const evaluate = () => {
		const verdict = check(latest);
		if (verdict === "yes") gate.resolve();
		else if (verdict instanceof FoundryError) gate.reject(verdict);
	};
	const onSession = (s: Session) => {
		if (s.id !== id) return;
		latest = s;
		evaluate();
	};
	const onError = (err: FoundryError) => {
		// Before the subscription is up an error ends the command; later ones are retried by the client.
		if (!subscribed) gate.reject(err);
	};
	const sub = await client.subscribeTask(taskId, { onSession }, { onError });
	try {
		const timeout = (what: string, ms: number) => () => new FoundryError("UPSTREAM_FAILED", `session ${id} ${what} within ${ms / 1000} s`);
		await deadline(gate.ready([sub]), SESSION_START_TIMEOUT_MS, timeout("did not connect", SESSION_START_TIMEOUT_MS));
		subscribed = true;
		evaluate();
		if (latest.status === "pending_provision") ctx.notice(`waiting for session ${id} to start…`);
		await deadline(gate.promise, SESSION_START_TIMEOUT_MS, timeout("did not start", SESSION_START_TIMEOUT_MS));

		const baseline = latest.version;
		gate = new Latch<void>();
		check = (s) => turnStarted(s, baseline);
		await client.sessions.send(taskId, id, text);
		evaluate();
		const slow = new FoundryError("UPSTREAM_FAILED", `session ${id} did not begin the turn within ${TURN_START_TIMEOUT_MS / 1000} s`);
		await deadline(gate.promise, TURN_START_TIMEOUT_MS, () => slow).catch((err: unknown) => {
			if (err !== slow) throw err;
			// The message was accepted; a slow start is reported, not failed (watch shows what happens).
			ctx.notice(`${slow.message}; follow it with foundry task watch ${taskId} --session ${id}`);
		});
		return { json: latest, text: id };
	} finally {
		await sub.close();
	}
}
