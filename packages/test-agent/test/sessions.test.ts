// sandbox-agent SDK session facts the backend relies on (docs/sandbox-agent-notes.md), pinned by
// running them against the scripted agent.
import { InMemorySessionPersistDriver, SandboxAgent, UnsupportedSessionValueError } from "sandbox-agent";
import { local } from "sandbox-agent/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_MODELS } from "../src/index.ts";
import { record, startSandbox, type TestSandbox, text, within } from "./harness.ts";

const persist = new InMemorySessionPersistDriver();
let sandbox: TestSandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ persist });
});

afterAll(async () => {
	await sandbox?.destroy();
	expect(sandbox.processes()).toEqual([]);
});

describe("sandbox-agent sessions with the scripted agent", () => {
	it("picks a model through the session's `model` config option", async () => {
		const cwd = sandbox.newRepo();
		const session = await within(10_000, sandbox.sdk.createSession({ agent: "pi", cwd, model: TEST_MODELS[1] }), "createSession");
		expect(session.toRecord().configOptions).toMatchObject([{ id: "model", category: "model", currentValue: TEST_MODELS[1] }]);
		await expect(sandbox.sdk.createSession({ agent: "pi", cwd, model: "nope" })).rejects.toBeInstanceOf(UnsupportedSessionValueError);
	});

	it("numbers events 1..n per session, both directions, turn end = the prompt response", async () => {
		const session = await within(10_000, sandbox.sdk.createSession({ agent: "pi", cwd: sandbox.newRepo() }), "createSession");
		const { waitTexts } = record(session);
		await within(10_000, session.prompt(text("tool t\nping")), "prompt");
		await waitTexts(1);
		const { items } = await sandbox.sdk.getEvents({ sessionId: session.id, limit: 100 });
		expect(items.map((e) => e.eventIndex)).toEqual(items.map((_, i) => i + 1));
		expect(items.slice(0, 3).map((e) => [e.sender, e.payload])).toMatchObject([
			["client", { method: "session/new" }],
			["agent", { result: { sessionId: session.agentSessionId } }],
			["client", { method: "session/prompt", params: { prompt: text("tool t\nping") } }],
		]);
		// JSON-RPC ids are per ACP connection (shared by its sessions): pair request and response by id.
		const promptId = items[2] && "id" in items[2].payload ? items[2].payload.id : undefined;
		const end = items.find((e) => JSON.stringify(e.payload).includes("stopReason"));
		expect(end?.payload).toEqual({ jsonrpc: "2.0", id: promptId, result: { stopReason: "end_turn" } });
		// The prompt result (POST response) and the updates (SSE) race, so the turn's tail is in
		// arrival order: compare it as a set.
		const kind = (payload: unknown) => JSON.stringify(payload).match(/"sessionUpdate":"(\w+)"|"(stopReason)"/)?.slice(1).join("");
		expect(items.slice(3).map((e) => `${e.sender}:${kind(e.payload)}`).sort()).toEqual(
			["agent:tool_call", "agent:tool_call_update", "agent:agent_message_chunk", "agent:stopReason"].sort(),
		);
		const page = await sandbox.sdk.getEvents({ sessionId: session.id, limit: 2, cursor: "2" });
		expect(page.items.map((e) => e.eventIndex)).toEqual([3, 4]);
		expect(page.nextCursor).toBe("4");
	});

	it("resumes a session from a new SDK object sharing the persist driver, replaying history", async () => {
		const session = await within(10_000, sandbox.sdk.createSession({ agent: "pi", cwd: sandbox.newRepo() }), "createSession");
		await within(10_000, session.prompt(text("write a.txt first")), "prompt");
		const other = await SandboxAgent.connect({ baseUrl: sandbox.baseUrl, token: sandbox.token, persist });
		try {
			const resumed = await within(10_000, other.resumeSession(session.id), "resumeSession");
			expect(resumed.id).toBe(session.id);
			expect(resumed.agentSessionId).not.toBe(session.agentSessionId); // a new agent session (session/new)
			const { texts, waitTexts } = record(resumed);
			await within(10_000, resumed.prompt(text("ping")), "prompt");
			await waitTexts(2);
			// The SDK prepended its replay block (the agent counts its envelope lines).
			expect(texts()).toEqual([expect.stringMatching(/^history: \d+ events$/), "echo: ping"]);
			const indexes = (await other.getEvents({ sessionId: session.id, limit: 1000 })).items.map((e) => e.eventIndex);
			expect(indexes).toEqual(indexes.map((_, i) => i + 1)); // continues the numbering from the store
		} finally {
			await other.dispose();
		}
	});

	it("without the persist driver a new SDK object cannot find the session", async () => {
		const session = await within(10_000, sandbox.sdk.createSession({ agent: "pi", cwd: sandbox.newRepo() }), "createSession");
		const other = await SandboxAgent.connect({ baseUrl: sandbox.baseUrl, token: sandbox.token });
		try {
			expect(await other.getSession(session.id)).toBeNull();
			await expect(other.resumeSession(session.id)).rejects.toThrow(/not found/);
		} finally {
			await other.dispose();
		}
	});

	it("reattaches to the running server by sandbox id + token", async () => {
		const sandboxId = sandbox.sdk.sandboxId;
		expect(sandboxId).toBe(`local/${new URL(sandbox.baseUrl).host}`);
		// Same process: local() keeps spawned servers in a module-level map, so destroySandbox() on this
		// object would kill the server; only dispose() it.
		const again = await SandboxAgent.start({ sandbox: local({ token: sandbox.token }), sandboxId });
		try {
			expect((await within(5_000, again.getHealth(), "health")).status).toBe("ok");
			const session = await within(10_000, again.createSession({ agent: "pi", cwd: sandbox.newRepo() }), "createSession");
			expect(await within(10_000, session.prompt(text("ping")), "prompt")).toEqual({ stopReason: "end_turn" });
		} finally {
			await again.dispose();
		}
	});

	it("a wrong token is a 401 SandboxAgentError, even for health", async () => {
		const wrong = await SandboxAgent.connect({ baseUrl: sandbox.baseUrl, token: "wrong", skipHealthCheck: true });
		await expect(wrong.getHealth()).rejects.toMatchObject({ name: "SandboxAgentError", status: 401 });
		await wrong.dispose();
	});
});
