// The one workflow command loop every actor uses: queue → handler table → one step → typed results.
// Messages are taken in batches (up to BATCH_SIZE) and run in order inside one step. Callers get
// their results as soon as that step is done; the audit events the batch produced are then sent to
// the audit log in a second step (its input is the first step's persisted output, so a crash in
// between replays the delivery, and the audit log de-duplicates by event id). Handlers never throw
// out of a step: failures become typed results, and system failures (INTERNAL / UPSTREAM_FAILED)
// are reported through `onSystemFailure` (a runtime issue).
import type { AuditAppend, ErrorPayload } from "@foundry/shared";
import type { Logger } from "pino";
import type { EventSchemaConfig, QueueSchemaConfig } from "rivetkit";
import type { AnyDatabaseProvider } from "rivetkit/db";
import type { WorkflowContext, WorkflowStepContext } from "rivetkit/workflow";
import { type CommandResult, toErrorPayload } from "./errors.ts";
import { type OrgMessage, Outbox, type PeerMessage, type UserMessage } from "./outbox.ts";

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
}

interface QueueMessage {
	id?: number | bigint;
	name: string;
	body: unknown;
	complete(response: unknown): Promise<void>;
}

export const BATCH_SIZE = 32;
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
	await ctx.loop("commands", async (loop) => {
		// RivetKit types completions per declared queue; ours are all CommandResult, so view them plainly.
		const batch = (await loop.queue.nextBatch("next-commands", {
			names,
			count: BATCH_SIZE,
			completable: true,
		})) as unknown as QueueMessage[];
		// A step past its timeout fails the workflow (RivetKit's default: 30 s, critical). A batch
		// may wait on a peer for up to PEER_WAIT_MS; deliveries retry for DELIVERY_BUDGET_MS.
		const { results, events, userMessages, orgMessages, peerMessages } = await loop.step({
			name: "run-commands",
			timeout: RUN_STEP_TIMEOUT_MS,
			run: (step) => runBatch(spec, step, batch),
		});
		for (const [i, msg] of batch.entries()) await msg.complete(results[i]);
		if ((peerMessages?.length ?? 0) > 0) {
			await loop.step({ name: "tell-peers", timeout: DELIVERY_STEP_TIMEOUT_MS, run: (step) => tellPeers(spec, step, peerMessages ?? []) });
		}
		if (events.length > 0 || (userMessages?.length ?? 0) > 0 || (orgMessages?.length ?? 0) > 0) {
			await loop.step({ name: "flush-audit", timeout: DELIVERY_STEP_TIMEOUT_MS, run: (step) => flushOutbox(spec, step, events, userMessages ?? [], orgMessages ?? []) });
		}
	});
}

async function runBatch<TStep>(
	spec: CommandLoopSpec<TStep>,
	step: TStep,
	batch: QueueMessage[],
): Promise<{
	results: Array<CommandResult<unknown>>;
	events: AuditAppend[];
	userMessages?: UserMessage[];
	orgMessages?: OrgMessage[];
	peerMessages?: PeerMessage[];
}> {
	const outbox = new Outbox();
	const log = spec.log(step);
	const results: Array<CommandResult<unknown>> = [];
	for (const msg of batch) results.push(await runOne(spec, step, msg, outbox, log));
	return {
		results,
		events: outbox.drain(),
		userMessages: outbox.drainUserMessages(),
		orgMessages: outbox.drainOrgMessages(),
		peerMessages: outbox.drainPeerMessages(),
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
 * Delivers the batch's peer messages, each retried (the receiver de-duplicates by the idempotency
 * key its body carries): in order for each receiver, receivers side by side — one receiver that is
 * slow to come up (a new actor the engine has not placed yet: up to ~25 s under load) does not hold
 * up the others. One that still fails is recorded on the entity through this actor's own
 * `onUndelivered` command and reported as a runtime issue — never a caller's timeout.
 */
async function tellPeers<TStep>(spec: CommandLoopSpec<TStep>, step: TStep, messages: PeerMessage[]): Promise<void> {
	const byReceiver = new Map<string, PeerMessage[]>();
	for (const message of messages) {
		const receiver = `${message.actor}:${JSON.stringify(message.key)}`;
		byReceiver.set(receiver, [...(byReceiver.get(receiver) ?? []), message]);
	}
	await Promise.all([...byReceiver.values()].map((inOrder) => tellInOrder(spec, step, inOrder)));
}

async function tellInOrder<TStep>(spec: CommandLoopSpec<TStep>, step: TStep, messages: PeerMessage[]): Promise<void> {
	const log = spec.log(step);
	for (const message of messages) {
		let lastError: unknown;
		try {
			const tell = spec.tellPeer;
			if (!tell) throw new Error("this actor cannot message peers (no tellPeer)");
			await deliver(() => tell(step, message), log, message.queue, spec.deliveryBudgetMs);
			continue;
		} catch (err) {
			lastError = err;
		}
		const error = toErrorPayload(lastError, log, { command: message.queue });
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
