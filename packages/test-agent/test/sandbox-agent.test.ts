// The scripted agent under the real sandbox-agent 0.4.2 server (agent id `pi`).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { AcpRpcError, type SessionPermissionRequest } from "sandbox-agent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCRIPT_ERROR_CODE } from "../src/index.ts";
import { eventually, record, startSandbox, type TestSandbox, text, within } from "./harness.ts";

let sandbox: TestSandbox;

beforeAll(async () => {
	sandbox = await startSandbox();
});

afterAll(async () => {
	await sandbox?.destroy();
	expect(sandbox.processes()).toEqual([]);
});

const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();

async function newSession() {
	const cwd = sandbox.newRepo();
	const session = await within(10_000, sandbox.sdk.createSession({ agent: "pi", cwd }), "createSession");
	return { cwd, session, ...record(session) };
}

describe("scripted agent under sandbox-agent", () => {
	it("is listed as the installed agent `pi`", async () => {
		const { agents } = await within(10_000, sandbox.sdk.listAgents(), "listAgents");
		expect(agents.find((agent) => agent.id === "pi")).toMatchObject({ installed: true });
	});

	it("writes a file and commits it", async () => {
		const { cwd, session, texts, waitTexts } = await newSession();
		const result = await within(10_000, session.prompt(text("write src/hello.txt hello world\ncommit add hello")), "prompt");
		expect(result).toEqual({ stopReason: "end_turn" });
		await waitTexts(2);
		expect(readFileSync(join(cwd, "src/hello.txt"), "utf8")).toBe("hello world\n");
		const [wrote, committed] = texts();
		expect(wrote).toBe("wrote src/hello.txt");
		expect(committed).toBe(`committed ${git(cwd, "rev-parse", "--short", "HEAD")}`);
		expect(git(cwd, "log", "--format=%s")).toBe("add hello");
	});

	it("appends, deletes and echoes, one reply per line", async () => {
		const { cwd, session, texts, waitTexts } = await newSession();
		await within(10_000, session.prompt(text("append notes.md one\nappend notes.md two\n\nwrite gone.txt x\ndelete gone.txt\nhello there")), "prompt");
		await waitTexts(5);
		expect(texts()).toEqual(["appended notes.md", "appended notes.md", "wrote gone.txt", "deleted gone.txt", "echo: hello there"]);
		expect(readFileSync(join(cwd, "notes.md"), "utf8")).toBe("one\ntwo\n");
		expect(existsSync(join(cwd, "gone.txt"))).toBe(false);
	});

	it("streams `slow` chunks and stops within 1 s of a cancel", async () => {
		const { session, texts } = await newSession();
		const turn = session.prompt(text("slow 50"));
		await eventually(() => texts().length > 0, 5_000, "the first chunk");
		const cancelledAt = Date.now();
		// The SDK refuses a manual session/cancel; destroySession() is its cancel (sends session/cancel).
		await sandbox.sdk.destroySession(session.id);
		expect(await within(1_000, turn, "cancelled prompt")).toEqual({ stopReason: "cancelled" });
		expect(Date.now() - cancelledAt).toBeLessThan(1_000);
		expect(texts().length).toBeLessThan(50);
		expect(texts()[0]).toBe("chunk 1/50");
		// destroySession only marks the record: the agent session still takes prompts.
		expect(await within(5_000, session.prompt(text("ping")), "prompt after cancel")).toEqual({ stopReason: "end_turn" });
	});

	it("cancels a pending `sleep`", async () => {
		const { session } = await newSession();
		const turn = session.prompt(text("sleep 30000\nwrite never.txt x"));
		await new Promise((done) => setTimeout(done, 200));
		await sandbox.sdk.destroySession(session.id);
		expect(await within(1_000, turn, "cancelled sleep")).toEqual({ stopReason: "cancelled" });
	});

	it("asks for permission; the SDK answer finishes the turn", async () => {
		const { session, texts, updates, waitTexts, waitUpdates } = await newSession();
		const requests: SessionPermissionRequest[] = [];
		session.onPermissionRequest((request) => {
			requests.push(request);
			void session.respondPermission(request.id, requests.length === 1 ? "once" : "reject");
		});
		const result = await within(10_000, session.prompt(text("ask may I push?\nask and force-push?")), "prompt");
		expect(result).toEqual({ stopReason: "end_turn" });
		await waitTexts(2);
		await waitUpdates(6);
		expect(texts()).toEqual(["permission: allow_once", "permission: reject_once"]);
		expect(requests[0]).toMatchObject({
			availableReplies: ["once", "always", "reject"],
			options: [
				{ optionId: "allow_once", kind: "allow_once" },
				{ optionId: "allow_always", kind: "allow_always" },
				{ optionId: "reject_once", kind: "reject_once" },
			],
			toolCall: { title: "may I push?", status: "pending" },
		});
		const toolUpdates = updates().flatMap((u) => (u.sessionUpdate.startsWith("tool_call") ? [[u.sessionUpdate, u.status]] : []));
		expect(toolUpdates).toEqual([
			["tool_call", "pending"],
			["tool_call_update", "completed"],
			["tool_call", "pending"],
			["tool_call_update", "failed"],
		]);
	});

	it("answers `always` with the allow_always option", async () => {
		const { session, texts, waitTexts } = await newSession();
		session.onPermissionRequest((request) => void session.respondPermission(request.id, "always"));
		await within(10_000, session.prompt(text("ask ok?")), "prompt");
		await waitTexts(1);
		expect(texts()).toEqual(["permission: allow_always"]);
	});

	it("reports `cancelled` when the turn is cancelled while a permission is pending", async () => {
		const { session, texts, waitTexts } = await newSession();
		const asked = new Promise<void>((done) => session.onPermissionRequest(() => done()));
		const turn = session.prompt(text("ask may I?\nwrite never.txt x"));
		await within(5_000, asked, "permission request");
		await sandbox.sdk.destroySession(session.id);
		expect(await within(1_000, turn, "cancelled prompt")).toEqual({ stopReason: "cancelled" });
		await waitTexts(1);
		expect(texts()).toEqual(["permission: cancelled"]);
	});

	it("emits a tool_call / tool_call_update pair for `tool`", async () => {
		const { session, updates, waitUpdates } = await newSession();
		await within(10_000, session.prompt(text("tool grep")), "prompt");
		await waitUpdates(2);
		expect(updates()).toMatchObject([
			{ sessionUpdate: "tool_call", toolCallId: "call_1", title: "grep", status: "in_progress" },
			{ sessionUpdate: "tool_call_update", toolCallId: "call_1", status: "completed" },
		]);
	});

	it("`fail` rejects the prompt with a JSON-RPC error carrying the message", async () => {
		const { session } = await newSession();
		const failed = within(10_000, session.prompt(text("fail the build is broken")), "prompt");
		await expect(failed).rejects.toBeInstanceOf(AcpRpcError);
		await expect(failed).rejects.toMatchObject({ code: SCRIPT_ERROR_CODE, message: "the build is broken", data: { command: "fail" } });
	});

	it("a failing commit replies with git's output and fails the turn", async () => {
		const { session, texts, waitTexts } = await newSession();
		const failed = within(10_000, session.prompt(text("commit nothing here")), "prompt");
		await expect(failed).rejects.toMatchObject({ code: SCRIPT_ERROR_CODE, message: expect.stringContaining("nothing to commit") });
		await waitTexts(1);
		expect(texts()).toEqual([expect.stringContaining("nothing to commit")]);
	});

	it("`read` and `list` reply with what they found or the error, for any path, relative to the cwd", async () => {
		const { cwd, session, texts, waitTexts } = await newSession();
		writeFileSync(join(cwd, "mine.txt"), "my content\n");
		writeFileSync(join(dirname(cwd), "outside.txt"), "outside\n");
		await within(10_000, session.prompt(text(`read mine.txt\nread ../outside.txt\nread nope.txt\nlist .\nlist /no/such/dir`)), "prompt");
		await waitTexts(5);
		const [mine, outside, missing, listed, unlisted] = texts();
		expect([mine, outside]).toEqual(["my content\n", "outside\n"]);
		expect(missing).toMatch(/^read failed: ENOENT: no such file or directory/);
		expect(listed).toBe('listed .: [".git","mine.txt"]');
		expect(unlisted).toMatch(/^list failed: ENOENT/);
	});

	it("`run` runs a shell line in the cwd and replies with its exit code and capped output", async () => {
		const { cwd, session, texts, waitTexts } = await newSession();
		await within(10_000, session.prompt(text("run pwd; echo oops >&2; exit 3\nrun head -c 100000 /dev/zero | tr '\\0' x")), "prompt");
		await waitTexts(2);
		const [first, big] = texts();
		expect(first).toBe(`exit 3\n--- stdout\n${cwd}\n\n--- stderr\noops\n`);
		expect(big).toMatch(/^exit 0\n--- stdout\nx{16384}… \(83616 more bytes\)\n--- stderr\n$/);
	});

	it("a malformed known command is an invalid-params error", async () => {
		const { session } = await newSession();
		await expect(within(10_000, session.prompt(text("slow lots")), "prompt")).rejects.toMatchObject({ code: -32602 });
	});
});
