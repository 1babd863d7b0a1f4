// The watch view: how transcript events look in the terminal, and when a watch ends.
import type { Session, TranscriptEvent } from "@foundry/client";
import { describe, expect, it } from "vitest";
import { TranscriptPrinter, WatchState } from "./transcript-view.ts";

let index = 0;
const ev = (kind: TranscriptEvent["kind"], text: string, data: unknown = null): TranscriptEvent => ({
	sessionId: "s_aaaaaaaaaa", index: ++index, at: index, sender: kind === "user_message" ? "client" : "agent", kind, text, data,
});

function printer(json = false) {
	let out = "";
	const p = new TranscriptPrinter("t_1", (s) => (out += s), json);
	return { p, out: () => out };
}

describe("TranscriptPrinter", () => {
	it("streams agent text without breaks and puts everything else on lines of its own", () => {
		const { p, out } = printer();
		p.print([ev("user_message", "hello\nthere"), ev("agent_message", "Hel"), ev("agent_message", "lo."), ev("tool_call", "Read file")]);
		p.print([ev("agent_thought", "hmm"), ev("tool_update", "done"), ev("agent_message", "Done"), ev("turn_end", "end_turn")]);
		p.print([ev("error", "boom"), ev("notice", "stop requested"), ev("other", "x")]);
		expect(out()).toBe("> hello\n> there\nHello.\n⚙ Read file\nDone\nerror: boom\nnote: stop requested\n");
	});

	it("shows how to answer a permission request", () => {
		const { p, out } = printer();
		p.print([ev("agent_message", "May I?"), ev("permission_request", "Write a.txt", { requestId: "perm-7", options: [] })]);
		p.print([ev("permission_request", "Run rm", { nothing: true })]);
		expect(out()).toBe(
			"May I?\n? Write a.txt (answer: foundry task allow t_1 perm-7 [--always|--reject])\n? Run rm (answer: foundry task allow t_1 <request id> [--always|--reject])\n",
		);
	});

	it("prints each index once, ends a streamed line on finish, and tracks a pending turn", () => {
		const { p, out } = printer();
		const user = ev("user_message", "go");
		const chunk = ev("agent_message", "working");
		p.print([user, chunk]);
		expect(p.turnPending).toBe(true);
		p.print([chunk, user]);
		p.finish();
		p.finish();
		expect(out()).toBe("> go\nworking\n");
		p.print([ev("turn_end", "end_turn")]);
		expect(p.turnPending).toBe(false);
		expect(p.last).toBe(index);
	});

	it("writes one JSON line per event in JSON mode", () => {
		const { p, out } = printer(true);
		const e = ev("agent_message", "hi");
		p.print([e, e]);
		expect(out()).toBe(`${JSON.stringify(e)}\n`);
	});
});

const session = (status: Session["status"], error: string | null = null): Session => ({
	id: "s_aaaaaaaaaa", taskId: "t_1", name: "n", agent: "pi", model: null, status, error, createdBy: "u", createdAt: 0, updatedAt: 0, version: 1,
});

describe("WatchState", () => {
	it("follows a running session until it is idle or ready again", () => {
		const w = new WatchState(session("running"), "t_1");
		expect(w.start(false)).toBeNull();
		expect(w.update(session("running"))).toBeNull();
		expect(w.update(session("idle"))).toEqual({ code: 0, message: null });
		const r = new WatchState(session("running"), "t_1");
		r.start(false);
		expect(r.update(session("ready"))).toEqual({ code: 0, message: null });
	});

	it("waits through provisioning for a sent message, and ends only after the turn ran", () => {
		const w = new WatchState(session("pending_provision"), "t_1");
		expect(w.start(true)).toBeNull();
		expect(w.update(session("ready"))).toBeNull();
		expect(w.update(session("running"))).toBeNull();
		expect(w.update(session("idle"))).toEqual({ code: 0, message: null });
	});

	it("ends at once when nothing runs after the transcript was printed", () => {
		for (const status of ["idle", "ready", "pending_provision"] as const) {
			expect(new WatchState(session(status), "t_1").start(false)).toEqual({ code: 0, message: null });
		}
		expect(new WatchState(session("closed"), "t_1").start(true)).toEqual({ code: 0, message: "session s_aaaaaaaaaa was closed" });
		expect(new WatchState(session("error", "agent crashed"), "t_1").start(false)).toEqual({ code: 1, message: "session s_aaaaaaaaaa failed: agent crashed" });
		expect(new WatchState(session("needs_input"), "t_1").start(false)?.message).toMatch(/needs input.*foundry task allow t_1/);
	});

	it("ends on needs_input (with a hint), error (exit 1) and closed while watching", () => {
		const cases: Array<[Session, number, RegExp | null]> = [
			[session("needs_input"), 0, /needs input/],
			[session("error", "rate limited"), 1, /failed: rate limited/],
			[session("closed"), 0, /was closed/],
		];
		for (const [next, code, message] of cases) {
			const w = new WatchState(session("running"), "t_1");
			w.start(false);
			const end = w.update(next);
			expect(end?.code).toBe(code);
			expect(end?.message ?? null).toMatch(message ?? /^$/);
		}
	});

	it("records updates before the start and judges the latest state then", () => {
		const w = new WatchState(session("ready"), "t_1");
		expect(w.update(session("running"))).toBeNull();
		expect(w.update(session("idle"))).toBeNull();
		expect(w.start(false)).toEqual({ code: 0, message: null });
		expect(w.session.status).toBe("idle");
	});
});
