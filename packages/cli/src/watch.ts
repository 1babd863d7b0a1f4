// `foundry task watch`: a session's transcript live in the terminal until its turn ends (or Ctrl-C).
// The task subscription reports the session's status, the session subscription its transcript
// (stored backlog first). A status update can overtake the last transcript events (two actors), so
// the stored transcript is read once more before the command ends.
import { FoundryError, type Session, type Subscription } from "@foundry/client";
import { positional, sessionFlag } from "./args.ts";
import type { Output } from "./commands.ts";
import type { CliContext } from "./context.ts";
import { pickSession } from "./session-commands.ts";
import { TranscriptPrinter, type WatchEnd, WatchState } from "./transcript-view.ts";
import { Latch } from "./wait.ts";

type Ended = WatchEnd & { interrupted?: true };

export async function watchCommand(ctx: CliContext): Promise<Output> {
	const taskId = positional(ctx.args.command, 2, "task id");
	const client = ctx.client();
	// Without --session: an active session first, else the latest one (a failed one too: watch reports it).
	const session = await pickSession(client, taskId, sessionFlag(ctx.args.flags), ["running", "needs_input", "pending_provision"], ["closed"]);
	const printer = new TranscriptPrinter(taskId, (s) => void ctx.io.out.write(s), ctx.json);
	const state = new WatchState(session, taskId);
	const ending = new Latch<Ended>();
	let subscribed = false;
	const onError = (err: FoundryError) => {
		if (!subscribed) ending.reject(err);
		else ctx.notice(`(${err.code}: ${err.message}; retrying)`);
	};
	const stopInterrupt = ctx.io.onInterrupt?.(() => ending.resolve({ code: 0, message: null, interrupted: true }));
	const subs: Subscription[] = [];
	try {
		const onSession = (s: Session) => {
			if (s.id !== session.id) return;
			const end = state.update(s);
			if (end) ending.resolve(end);
		};
		subs.push(await client.subscribeTask(taskId, { onSession }, { onError }));
		subs.push(await client.subscribeSession(taskId, session.id, (events) => printer.print(events), { onError }));
		if (await ending.ready(subs)) {
			subscribed = true;
			const atStart = state.start(printer.turnPending);
			if (atStart) ending.resolve(atStart);
		}
		const end = await ending.promise;
		if (!end.interrupted) {
			// Whatever was stored but not yet pushed to us (the status can overtake the events).
			await client.sessions
				.fullTranscript(taskId, session.id, printer.last)
				.then((events) => printer.print(events))
				.catch((err: unknown) => ctx.notice(`(could not read the rest of the transcript: ${err instanceof Error ? err.message : String(err)})`));
		}
		printer.finish();
		if (end.code === 1) throw new FoundryError("UPSTREAM_FAILED", end.message ?? `session ${session.id} failed`);
		return { json: { sessionId: session.id, status: state.session.status }, text: end.message ?? "" };
	} finally {
		stopInterrupt?.();
		await Promise.allSettled(subs.map((s) => s.close()));
	}
}
