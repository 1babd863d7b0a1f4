// The one workflow command loop every actor uses: queue → handler table → one step → typed results.
// Messages are taken in batches (up to the actor's batchSize, see queue-limits.ts) and run in order inside one step. Callers get
// their results as soon as that step is done; the audit events the batch produced are then sent to
// the audit log in a second step (its input is the first step's persisted output, so a crash in
// between replays the delivery, and the audit log de-duplicates by event id). Handlers never throw
// out of a step: failures become typed results, and system failures (INTERNAL / UPSTREAM_FAILED)
// are reported through `onSystemFailure` (a runtime issue).

import { randomUUID } from "node:crypto";
import type { AuditAppend, ErrorPayload } from "@foundry/shared";
import type { Logger } from "pino";
import type { EventSchemaConfig, QueueSchemaConfig } from "rivetkit";
import type { AnyDatabaseProvider } from "rivetkit/db";
import type { WorkflowContext, WorkflowStepContext } from "rivetkit/workflow";
import { Loop } from "rivetkit/workflow";
import { type CommandResult, toErrorPayload } from "./errors.ts";
import { type OrgMessage, Outbox, type PeerMessage, type UserMessage } from "./outbox.ts";
import { jsonBytes } from "./queue-limits.ts";

export type CommandHandler<TStep> = (step: TStep, body: unknown, outbox: Outbox) => Promise<unknown>;

export interface CommandLoopSpec<TStep> {
	handlers: Record<string, CommandHandler<TStep>>;
	log: (step: TStep) => Logger;
	onSystemFailure: (step: TStep, failure: { command: string; error: ErrorPayload }) => Promise<void>;
	/** Delivers the batch's audit events (the audit-log actor stores its own directly). */
	flushAudit: (step: TStep, events: AuditAppend[]) => Promise<void>;
	/** Delivers messages to users' actors (feed bumps, notifications); none when omitted. */
	tellUsers?: (step: TStep, messages: UserMessage[]) => Promise<void>;
	/** Delivers messages to the actor's organization, in order; none when omitted. */
	tellOrganization?: (step: TStep, messages: OrgMessage[]) => Promise<void>;
	/** Delivers one message to another actor (Outbox.tell); required when a handler tells peers. */
	tellPeer?: (step: TStep, message: PeerMessage) => Promise<void>;
	/** How long deliveries are retried (DELIVERY_BUDGET_MS unless set; tests shorten it). */
	deliveryBudgetMs?: number;
	/** Runs this actor's own command for a message that could not be delivered (records it on the entity). */
	undelivered?: (step: TStep, command: { queue: string; body: unknown }, error: ErrorPayload) => Promise<void>;
	/** Messages per batch: the actor's QUEUE_LIMITS (its largest message × this fits the history budget). */
	batchSize: number;
}

interface QueueMessage {
	id?: number | bigint;
	name: string;
	body: unknown;
	complete(response: unknown): Promise<void>;
}

const SYSTEM_CODES = new Set(["INTERNAL", "UPSTREAM_FAILED"]);

export async function runCommandLoop<
	S,
	CP,
	CS,
	V,
	I,
	DB extends AnyDatabaseProvider,
	E extends EventSchemaConfig,
	Q extends QueueSchemaConfig,
>(
	ctx: WorkflowContext<S, CP, CS, V, I, DB, E, Q>,
	spec: CommandLoopSpec<WorkflowStepContext<S, CP, CS, V, I, DB, E, Q>>,
): Promise<void> {
	const names = Object.keys(spec.handlers);
	const inFlight: InFlight = new Map();
	try {
		await commandLoop(ctx, spec, names, inFlight);
	} catch (err) {
		// RivetKit logs only "An internal error occurred"; the engine's reason is in the metadata.
		if (!ctx.abortSignal.aborted && !SUSPENSIONS.has((err as Error)?.name)) ctx.log.error({ msg: "command loop failed; this actor runs no command until it restarts", error: String(err), cause: causeOf(err) });
		throw err;
	}
}

/** How the workflow engine suspends a run (waiting for messages, sleeping, evicted): not failures. */
const SUSPENSIONS = new Set(["MessageWaitError", "SleepError", "EvictedError", "RollbackStopError"]);

function causeOf(err: unknown): unknown {
	return err && typeof err === "object" && "metadata" in err ? (err as { metadata: unknown }).metadata : undefined;
}

async function commandLoop<S, CP, CS, V, I, DB extends AnyDatabaseProvider, E extends EventSchemaConfig, Q extends QueueSchemaConfig>(
	ctx: WorkflowContext<S, CP, CS, V, I, DB, E, Q>,
	spec: CommandLoopSpec<WorkflowStepContext<S, CP, CS, V, I, DB, E, Q>>,
	names: string[],
	inFlight: InFlight,
): Promise<void> {
	await ctx.loop({
		name: "commands",
		state: { pending: [] } as LoopState,
		run: async (loop, state) => {
			// Older histories carry no loop state.
			let pending = state?.pending ?? [];
			// Backpressure: while a slow receiver holds this much undelivered, take no new commands.
			if (jsonBytes(pending) > PENDING_BUDGET) return Loop.continue({ pending: await tellPending(loop, spec, pending, [], inFlight) });
			// While peer messages wait for a slow receiver, wake up to retry them even with no command.
			const batch = (await loop.queue.nextBatch("next-commands", {
				names,
				count: spec.batchSize,
				completable: true,
				...(pending.length > 0 ? { timeout: PENDING_RETRY_MS } : {}),
			})) as unknown as QueueMessage[];
			if (batch.length === 0) return Loop.continue({ pending: await tellPending(loop, spec, pending, [], inFlight) });
			// A step's output is recorded in one history write too: a batch whose results and outbox
			// outgrow OUTPUT_BUDGET goes on in a further step ("run-commands-1", …).
			for (let from = 0, part = 0; from < batch.length; part++) {
				const suffix = part === 0 ? "" : `-${part}`;
				// RivetKit types completions per declared queue; ours are all CommandResult, so view them plainly.
				// A step past its timeout fails the workflow (RivetKit's default: 30 s, critical).
				const { results, events, userMessages, orgMessages, peerMessages } = await loop.step({
					name: `run-commands${suffix}`,
					timeout: RUN_STEP_TIMEOUT_MS,
					run: (step) => runBatch(spec, step, batch.slice(from)),
				});
				for (const [i, result] of results.entries()) await batch[from + i]?.complete(result);
				from += Math.max(1, results.length);
				pending = await tellPending(loop, spec, pending, peerMessages ?? [], inFlight, suffix);
				if (events.length > 0 || (userMessages?.length ?? 0) > 0 || (orgMessages?.length ?? 0) > 0) {
					await loop.step({ name: `flush-audit${suffix}`, timeout: DELIVERY_STEP_TIMEOUT_MS, run: (step) => flushOutbox(spec, step, events, userMessages ?? [], orgMessages ?? []) });
				}
			}
			return Loop.continue({ pending });
		},
	});
}

/** Output one run-commands step may record (results and outbox), and undelivered messages held. */
const OUTPUT_BUDGET = 192 * 1024;
const PENDING_BUDGET = 128 * 1024;

/** Runs the tell-peers step when there is anything to tell; returns what still waits. */
async function tellPending<TStep>(
	loop: { step: <T>(config: { name: string; timeout: number; run: (step: TStep) => Promise<T> }) => Promise<T> },
	spec: CommandLoopSpec<TStep>,
	pending: PendingTell[],
	fresh: PendingTell[],
	inFlight: InFlight,
	suffix = "",
): Promise<PendingTell[]> {
	if (pending.length === 0 && fresh.length === 0) return [];
	return loop.step({ name: `tell-peers${suffix}`, timeout: DELIVERY_STEP_TIMEOUT_MS, run: (step) => tellPeers(spec, step, [...pending, ...fresh], inFlight) });
}

/** A peer message waiting for delivery; `tellId` tells two equal messages apart. */
type PendingTell = PeerMessage & { tellId: string };
interface LoopState {
	pending: PendingTell[];
}
/** Deliveries still running in this process, by tellId: a retry joins the attempt under way. */
type InFlight = Map<string, Promise<{ ok: true } | { ok: false; error: unknown }>>;

async function runBatch<TStep>(
	spec: CommandLoopSpec<TStep>,
	step: TStep,
	batch: QueueMessage[],
): Promise<{
	results: Array<CommandResult<unknown>>;
	events: AuditAppend[];
	userMessages?: UserMessage[];
	orgMessages?: OrgMessage[];
	peerMessages?: PendingTell[];
}> {
	const outbox = new Outbox();
	const log = spec.log(step);
	const results: Array<CommandResult<unknown>> = [];
	for (const msg of batch) {
		results.push(await runOne(spec, step, msg, outbox, log));
		// The rest run in the next step (see OUTPUT_BUDGET); one command alone always runs.
		if (jsonBytes(results) + outbox.bytes() > OUTPUT_BUDGET) break;
	}
	return {
		results,
		events: outbox.drain(),
		userMessages: outbox.drainUserMessages(),
		orgMessages: outbox.drainOrgMessages(),
		peerMessages: outbox.drainPeerMessages().map((m) => ({ ...m, tellId: randomUUID() })),
	};
}

/**
 * How long a delivery is retried before it counts as failed. After a crash the engine answers for
 * the dead backend's actors only once it gives up on its runner (~15-20 s), and calls to them fail
 * meanwhile: a shorter budget dropped audit events and turn ends in the soak.
 */
export const DELIVERY_BUDGET_MS = 60_000;
const DELIVERY_STEP_TIMEOUT_MS = DELIVERY_BUDGET_MS * 4;
const RUN_STEP_TIMEOUT_MS = 120_000;

/**
 * Longest pause between two delivery attempts. Short: the receiver comes back all at once (the
 * engine hands a dead backend's actors over after ~20 s), and a longer pause only adds to recovery.
 */
const DELIVERY_MAX_DELAY_MS = 2_000;

/** Runs `send` until it succeeds or the budget is spent (then throws its last error). */
export async function deliver(send: () => Promise<void>, log: Logger, what: string, budgetMs = DELIVERY_BUDGET_MS): Promise<void> {
	const deadline = Date.now() + budgetMs;
	for (let attempt = 1, delay = 250; ; attempt++, delay = Math.min(delay * 2, DELIVERY_MAX_DELAY_MS)) {
		try {
			await send();
			return;
		} catch (err) {
			if (Date.now() + delay > deadline) throw err;
			log.warn({ what, attempt, err: err instanceof Error ? err.message : String(err) }, "not delivered yet; retrying");
			await new Promise((r) => setTimeout(r, delay));
		}
	}
}

/**
 * How long one pass waits on a receiver before the loop moves on to its next commands. A receiver
 * that answers later (a new actor the engine has not placed yet: up to ~25 s under load) keeps its
 * messages in the loop's state: they are retried on the next pass (at least every PENDING_RETRY_MS),
 * ahead of any newer message to the same receiver.
 */
const PEER_HOLD_MS = 2_000;
const PENDING_RETRY_MS = 500;

/**
 * Delivers peer messages, each retried (the receiver de-duplicates by the idempotency key its body
 * carries): in order for each receiver, receivers side by side, and none holds the sender's loop
 * for more than PEER_HOLD_MS — returns those still waiting. One that still fails after the budget
 * is recorded on the entity through this actor's own `onUndelivered` command and reported as a
 * runtime issue — never a caller's timeout.
 */
async function tellPeers<TStep>(spec: CommandLoopSpec<TStep>, step: TStep, messages: PendingTell[], inFlight: InFlight): Promise<PendingTell[]> {
	const byReceiver = new Map<string, PendingTell[]>();
	for (const message of messages) {
		const receiver = `${message.actor}:${JSON.stringify(message.key)}`;
		byReceiver.set(receiver, [...(byReceiver.get(receiver) ?? []), message]);
	}
	const hold = Date.now() + PEER_HOLD_MS;
	const left = await Promise.all([...byReceiver.values()].map((inOrder) => tellInOrder(spec, step, inOrder, inFlight, hold)));
	return left.flat();
}

async function tellInOrder<TStep>(spec: CommandLoopSpec<TStep>, step: TStep, messages: PendingTell[], inFlight: InFlight, hold: number): Promise<PendingTell[]> {
	const log = spec.log(step);
	for (const [i, message] of messages.entries()) {
		const attempt = inFlight.get(message.tellId) ?? startDelivery(spec, step, message, log);
		inFlight.set(message.tellId, attempt);
		const outcome = await settledBy(attempt, hold);
		if (outcome === "waiting") return messages.slice(i);
		inFlight.delete(message.tellId);
		if (outcome.ok) continue;
		const error = toErrorPayload(outcome.error, log, { command: message.queue });
		const failure = { ...error, code: "UPSTREAM_FAILED" as const, message: `${message.queue} not delivered: ${error.message}` };
		await reportFailure(spec, step, log, message.queue, failure);
		if (message.onUndelivered && spec.undelivered) {
			try {
				await spec.undelivered(step, message.onUndelivered, failure);
			} catch (err) {
				log.error({ queue: message.onUndelivered.queue, err }, "could not record an undelivered message on its entity");
			}
		}
	}
	return [];
}

/** Starts one message's delivery (retried for the whole budget); it never rejects. */
function startDelivery<TStep>(spec: CommandLoopSpec<TStep>, step: TStep, message: PendingTell, log: Logger): Promise<{ ok: true } | { ok: false; error: unknown }> {
	const tell = spec.tellPeer;
	const run = tell ? deliver(() => tell(step, message), log, message.queue, spec.deliveryBudgetMs) : Promise.reject(new Error("this actor cannot message peers (no tellPeer)"));
	return run.then(
		() => ({ ok: true as const }),
		(error: unknown) => ({ ok: false as const, error }),
	);
}

/** The attempt's outcome if it settles before `deadline`, else "waiting" (it goes on in the background). */
async function settledBy<T>(attempt: Promise<T>, deadline: number): Promise<T | "waiting"> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const waiting = new Promise<"waiting">((resolve) => {
		timer = setTimeout(() => resolve("waiting"), Math.max(0, deadline - Date.now()));
	});
	try {
		return await Promise.race([attempt, waiting]);
	} finally {
		clearTimeout(timer);
	}
}

async function flushOutbox<TStep>(
	spec: CommandLoopSpec<TStep>,
	step: TStep,
	events: AuditAppend[],
	messages: UserMessage[],
	orgMessages: OrgMessage[],
): Promise<void> {
	if (orgMessages.length > 0 && spec.tellOrganization) {
		try {
			const tell = spec.tellOrganization;
			await deliver(() => tell(step, orgMessages), spec.log(step), "organization.messages", spec.deliveryBudgetMs);
		} catch (err) {
			const log = spec.log(step);
			const error = toErrorPayload(err, log, { command: "organization.messages" });
			await reportFailure(spec, step, log, "organization.messages", { ...error, message: `organization not told: ${error.message}` });
		}
	}
	if (events.length > 0) await flushAudit(spec, step, events);
	if (messages.length > 0 && spec.tellUsers) {
		try {
			const tell = spec.tellUsers;
			await deliver(() => tell(step, messages), spec.log(step), "user.messages", spec.deliveryBudgetMs);
		} catch (err) {
			// Per-user state (feed, notifications) is derived; losing it is reported, not fatal.
			const log = spec.log(step);
			const error = toErrorPayload(err, log, { command: "user.messages" });
			await reportFailure(spec, step, log, "user.messages", { ...error, message: `user messages not delivered: ${error.message}` });
		}
	}
}

async function flushAudit<TStep>(spec: CommandLoopSpec<TStep>, step: TStep, events: AuditAppend[]): Promise<void> {
	const log = spec.log(step);
	try {
		await deliver(() => spec.flushAudit(step, events), log, "audit.flush", spec.deliveryBudgetMs);
	} catch (err) {
		// The mutations are committed; losing their audit trail must not pass unnoticed.
		const error = toErrorPayload(err, log, { command: "audit.flush" });
		log.error({ lost: events.map((e) => e.kind), err }, "audit events could not be delivered");
		await reportFailure(spec, step, log, "audit.flush", { ...error, message: `audit delivery failed: ${error.message}` });
	}
}

async function runOne<TStep>(
	spec: CommandLoopSpec<TStep>,
	step: TStep,
	msg: QueueMessage,
	outbox: Outbox,
	log: Logger,
): Promise<CommandResult<unknown>> {
	const handler = spec.handlers[msg.name];
	if (!handler) return { ok: false, error: { code: "INTERNAL", message: `no handler for ${msg.name}` } };
	const started = performance.now();
	outbox.startCommand(msg.id === undefined ? null : String(msg.id));
	try {
		const value = await handler(step, msg.body, outbox);
		log.debug({ command: msg.name, durationMs: Math.round(performance.now() - started) }, "command done");
		return { ok: true, value: value ?? null };
	} catch (err) {
		const error = toErrorPayload(err, log, { command: msg.name });
		if (SYSTEM_CODES.has(error.code)) {
			log.error({ command: msg.name, code: error.code, message: error.message }, "command failed");
			await reportFailure(spec, step, log, msg.name, error);
		}
		return { ok: false, error };
	}
}

async function reportFailure<TStep>(
	spec: CommandLoopSpec<TStep>,
	step: TStep,
	log: Logger,
	command: string,
	error: ErrorPayload,
) {
	try {
		await spec.onSystemFailure(step, { command, error });
	} catch (reportErr) {
		// The failure itself is already logged; this records that it could not be surfaced.
		log.error({ command, err: reportErr }, "could not record runtime issue");
	}
}
