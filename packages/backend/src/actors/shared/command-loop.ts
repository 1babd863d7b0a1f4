// The one workflow command loop every actor uses: queue → handler table → one step → typed result.
// Handlers never throw out of the step: failures become a typed result, and system failures
// (INTERNAL / UPSTREAM_FAILED) are reported through `onSystemFailure` (a runtime issue).
import type { ErrorPayload } from "@foundry/shared";
import type { Logger } from "pino";
import type { EventSchemaConfig, QueueSchemaConfig } from "rivetkit";
import type { AnyDatabaseProvider } from "rivetkit/db";
import type { WorkflowContext, WorkflowStepContext } from "rivetkit/workflow";
import { type CommandResult, toErrorPayload } from "./errors.ts";

export type CommandHandler<TStep> = (step: TStep, body: unknown) => Promise<unknown>;

export interface CommandLoopSpec<TStep> {
	handlers: Record<string, CommandHandler<TStep>>;
	log: (step: TStep) => Logger;
	onSystemFailure: (step: TStep, failure: { command: string; error: ErrorPayload }) => Promise<void>;
}

interface QueueMessage {
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
	await ctx.loop("commands", async (loop) => {
		// RivetKit types completions per declared queue; ours are all CommandResult, so view it plainly.
		const msg = (await loop.queue.next("next-command", { names, completable: true })) as unknown as QueueMessage;
		const result = await loop.step("run-command", (step) => runOne(spec, step, msg));
		await msg.complete(result);
	});
}

async function runOne<TStep>(
	spec: CommandLoopSpec<TStep>,
	step: TStep,
	msg: QueueMessage,
): Promise<CommandResult<unknown>> {
	const handler = spec.handlers[msg.name];
	const log = spec.log(step);
	if (!handler) {
		return { ok: false, error: { code: "INTERNAL", message: `no handler for ${msg.name}` } };
	}
	try {
		const value = await handler(step, msg.body);
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
		// The failure itself is already logged above; this records that it could not be surfaced.
		log.error({ command, err: reportErr }, "could not record runtime issue");
	}
}
