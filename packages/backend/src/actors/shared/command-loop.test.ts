// The shared loop's contract, driven through a minimal workflow host (the loop is the unit here).
import { FoundryError } from "@foundry/shared";
import pino from "pino";
import type { WorkflowContext } from "rivetkit/workflow";
import { describe, expect, it } from "vitest";
import { type CommandLoopSpec, runCommandLoop } from "./command-loop.ts";

interface Msg {
	name: string;
	body: unknown;
	completed?: unknown;
	complete(r: unknown): Promise<void>;
}

function message(name: string, body: unknown = {}): Msg {
	const m: Msg = {
		name,
		body,
		complete: async (r) => {
			m.completed = r;
		},
	};
	return m;
}

/** A promise the test resolves when it chooses (a receiver that answers late). */
function gate(): { wait: Promise<void>; release: () => void } {
	let release: () => void = () => undefined;
	const wait = new Promise<void>((r) => {
		release = r;
	});
	return { wait, release };
}

/**
 * Runs the loop over `batch`, then as many empty passes as it asks for (it waits with a timeout
 * while peer messages are still pending) — until nothing is pending. Returns what the loop did.
 */
async function runOnce(batch: Msg[], spec: CommandLoopSpec<object>, later: Msg[][] = []) {
	const steps: string[] = [];
	let iterations = 0;
	const host = {
		loop: async (config: { state: unknown; run: (loop: unknown, state: unknown) => Promise<{ state: { pending: unknown[] } }> }) => {
			let state = config.state;
			let pending = true;
			while (pending && iterations < 100) {
				const next = iterations === 0 ? batch : (later[iterations - 1] ?? []);
				const loop = {
					queue: { nextBatch: async () => next },
					step: async (nameOrConfig: string | { name: string; run: (s: object) => Promise<unknown> }, fn?: (s: object) => Promise<unknown>) => {
						const name = typeof nameOrConfig === "string" ? nameOrConfig : nameOrConfig.name;
						const run = typeof nameOrConfig === "string" ? fn : nameOrConfig.run;
						steps.push(name);
						return run?.({});
					},
				};
				iterations++;
				const result = await config.run(loop, state);
				state = result.state;
				pending = result.state.pending.length > 0 || iterations <= later.length;
			}
		},
	};
	await runCommandLoop(host as unknown as WorkflowContext<unknown, unknown, unknown, unknown, unknown, never, never, never>, spec);
	return { steps, iterations };
}

describe("runCommandLoop", () => {
	it("runs a batch in order, completes each message with a typed result, reports only system failures", async () => {
		const order: string[] = [];
		const failures: string[] = [];
		const flushed: unknown[][] = [];
		const spec: CommandLoopSpec<object> = {
			batchSize: 32,
			handlers: {
				ok: async (_s, body, outbox) => {
					order.push("ok");
					outbox.audit({ kind: "repo.added", actor: "a", repoId: null, taskId: null, payload: { body } });
					return { done: true };
				},
				bad: async () => {
					order.push("bad");
					throw new FoundryError("INVALID_INPUT", "nope");
				},
				boom: async () => {
					order.push("boom");
					throw new Error("disk on fire");
				},
			},
			log: () => pino({ level: "silent" }),
			onSystemFailure: async (_s, f) => void failures.push(`${f.command}:${f.error.code}`),
			flushAudit: async (_s, events) => void flushed.push(events),
		};
		const batch = [message("ok", 1), message("bad"), message("boom"), message("ok", 2)];
		const { steps } = await runOnce(batch, spec);
		expect(order).toEqual(["ok", "bad", "boom", "ok"]);
		expect(batch.map((m) => m.completed)).toEqual([
			{ ok: true, value: { done: true } },
			{ ok: false, error: { code: "INVALID_INPUT", message: "nope" } },
			{ ok: false, error: { code: "INTERNAL", message: "internal error (see server logs)" } },
			{ ok: true, value: { done: true } },
		]);
		expect(failures).toEqual(["boom:INTERNAL"]);
		expect(steps).toEqual(["run-commands", "flush-audit"]);
		expect(flushed).toHaveLength(1);
		expect(flushed[0]?.map((e) => (e as { payload: unknown }).payload)).toEqual([{ body: 1 }, { body: 2 }]);
	});

	it("records a runtime issue when audit delivery fails, and skips the flush when nothing was audited", async () => {
		const failures: string[] = [];
		const spec: CommandLoopSpec<object> = {
			batchSize: 32,
			handlers: {
				audited: async (_s, _b, outbox) => outbox.audit({ kind: "repo.added", actor: "a", repoId: null, taskId: null, payload: {} }),
				quiet: async () => 1,
			},
			log: () => pino({ level: "silent" }),
			onSystemFailure: async (_s, f) => void failures.push(`${f.command}:${f.error.message}`),
			flushAudit: async () => {
				throw new FoundryError("UPSTREAM_FAILED", "audit log unreachable");
			},
			deliveryBudgetMs: 300,
		};
		expect((await runOnce([message("quiet")], spec)).steps).toEqual(["run-commands"]);
		await runOnce([message("audited")], spec);
		expect(failures).toEqual(["audit.flush:audit delivery failed: audit log unreachable"]);
	});

	it("tells peers only after every caller has its result; a message that keeps failing lands on the entity", async () => {
		const trace: string[] = [];
		let attempts = 0;
		const batch = [message("create")];
		const spec: CommandLoopSpec<object> = {
			batchSize: 32,
			handlers: {
				create: async (_s, _b, outbox) => {
					outbox.tell({ actor: "sandbox", key: ["acme", "t1"], queue: "sandbox.openSession", body: { id: "s1" }, onUndelivered: { queue: "task.sessionUndelivered", body: { sessionId: "s1" } } });
					outbox.tell({ actor: "sandbox", key: ["acme", "t1"], queue: "sandbox.prompt", body: {} });
					return "created";
				},
			},
			log: () => pino({ level: "silent" }),
			onSystemFailure: async (_s, f) => void trace.push(`issue:${f.command}`),
			flushAudit: async () => undefined,
			tellPeer: async (_s, m) => {
				trace.push(`tell:${m.queue}:${batch[0]?.completed ? "after-reply" : "before-reply"}`);
				if (m.queue === "sandbox.openSession") {
					attempts++;
					throw new FoundryError("UPSTREAM_FAILED", "sandbox actor not reachable");
				}
			},
			undelivered: async (_s, command, error) => void trace.push(`undelivered:${command.queue}:${error.message}`),
			deliveryBudgetMs: 1_000,
		};
		const { steps } = await runOnce(batch, spec);
		expect(batch[0]?.completed).toEqual({ ok: true, value: "created" });
		expect(steps).toEqual(["run-commands", "tell-peers"]);
		// Retried with backoff (250, 500 ms) within the budget, then recorded on the entity.
		expect(attempts).toBe(3);
		expect(trace.filter((t) => t.startsWith("tell:")).every((t) => t.endsWith("after-reply"))).toBe(true);
		expect(trace.slice(-3)).toEqual([
			"issue:sandbox.openSession",
			"undelivered:task.sessionUndelivered:sandbox.openSession not delivered: sandbox actor not reachable",
			"tell:sandbox.prompt:after-reply",
		]);
	}, 20_000);

	it("a slow receiver does not hold up the batch's messages to others; each receiver gets its own in order", async () => {
		const trace: string[] = [];
		const { wait: slow, release: releaseSlow } = gate();
		const spec: CommandLoopSpec<object> = {
			batchSize: 32,
			handlers: {
				join: async (_s, _b, outbox) => {
					outbox.tell({ actor: "organization", key: ["hubot"], queue: "organization.syncMember", body: { n: 1 } });
					outbox.tell({ actor: "organization", key: ["acme"], queue: "organization.syncMember", body: { n: 2 } });
					outbox.tell({ actor: "organization", key: ["acme"], queue: "organization.removeMember", body: { n: 3 } });
					outbox.tell({ actor: "organization", key: ["hubot"], queue: "organization.removeMember", body: { n: 4 } });
				},
			},
			log: () => pino({ level: "silent" }),
			onSystemFailure: async () => undefined,
			flushAudit: async () => undefined,
			tellPeer: async (_s, m) => {
				// The personal organization is being created: it answers only once acme got both.
				if (m.key[0] === "hubot" && (m.body as { n: number }).n === 1) await slow;
				trace.push(`${m.key[0]}:${(m.body as { n: number }).n}`);
				if (trace.filter((t) => t.startsWith("acme:")).length === 2) releaseSlow();
			},
		};
		await runOnce([message("join")], spec);
		expect(trace).toEqual(["acme:2", "acme:3", "hubot:1", "hubot:4"]);
	});

	it("a receiver slow to come up does not hold the loop: later commands run meanwhile, its messages follow in order", async () => {
		const trace: string[] = [];
		const { wait: slow, release: releaseSlow } = gate();
		const spec: CommandLoopSpec<object> = {
			batchSize: 32,
			handlers: {
				join: async (_s, _b, outbox) => {
					outbox.tell({ actor: "organization", key: ["hubot"], queue: "organization.syncMember", body: { n: 1 } });
				},
				revoke: async (_s, _b, outbox) => {
					// The user's own command (a revocation) must not wait for the personal organization.
					trace.push("revoke");
					releaseSlow();
					outbox.tell({ actor: "organization", key: ["hubot"], queue: "organization.removeMember", body: { n: 2 } });
				},
			},
			log: () => pino({ level: "silent" }),
			onSystemFailure: async () => undefined,
			flushAudit: async () => undefined,
			tellPeer: async (_s, m) => {
				const n = (m.body as { n: number }).n;
				if (n === 1) await slow;
				trace.push(`hubot:${n}`);
			},
		};
		const revoke = message("revoke");
		const { steps } = await runOnce([message("join")], spec, [[revoke]]);
		expect(revoke.completed).toEqual({ ok: true, value: null });
		expect(trace).toEqual(["revoke", "hubot:1", "hubot:2"]);
		expect(steps).toEqual(["run-commands", "tell-peers", "run-commands", "tell-peers"]);
	}, 20_000);

	it("retries audit delivery until the audit log answers (it is unreachable for a while after a crash)", async () => {
		let calls = 0;
		const delivered: string[] = [];
		const issues: string[] = [];
		const spec: CommandLoopSpec<object> = {
			batchSize: 32,
			handlers: {
				change: async (_s, _b, outbox) => {
					outbox.audit({ kind: "task.renamed", actor: "u1", repoId: null, taskId: "t1", payload: {} });
					return "ok";
				},
			},
			log: () => pino({ level: "silent" }),
			onSystemFailure: async (_s, f) => void issues.push(f.command),
			flushAudit: async (_s, events) => {
				calls++;
				if (calls < 3) throw new FoundryError("UPSTREAM_FAILED", "internal_error");
				delivered.push(...events.map((e) => e.kind));
			},
			deliveryBudgetMs: 5_000,
		};
		await runOnce([message("change")], spec);
		expect(calls).toBe(3);
		expect(delivered).toEqual(["task.renamed"]);
		expect(issues).toEqual([]);
	});

	it("records a batch whose output outgrows one history write in further steps, every message answered in order", async () => {
		const ran: number[] = [];
		const spec: CommandLoopSpec<object> = {
			batchSize: 32,
			// Each result is ~100 KB: one step's recorded output may hold about two.
			handlers: {
				big: async (_s, body) => {
					ran.push((body as { i: number }).i);
					return "x".repeat(100_000);
				},
			},
			log: () => pino({ level: "silent" }),
			onSystemFailure: async () => undefined,
			flushAudit: async () => undefined,
		};
		const batch = [0, 1, 2, 3, 4].map((i) => message("big", { i }));
		const { steps } = await runOnce(batch, spec);
		expect(ran).toEqual([0, 1, 2, 3, 4]);
		expect(steps).toEqual(["run-commands", "run-commands-1", "run-commands-2"]);
		expect(batch.every((m) => (m.completed as { ok: boolean }).ok)).toBe(true);
	});
});
