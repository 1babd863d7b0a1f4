// Step 5 end to end, against the GitHub simulator and local sandboxes running the scripted agent:
// the flagship flow (task with a prompt → agent commits → PR → merge → archived, all audited),
// stop within a second, permission requests, a sandbox killed from outside, events stored once,
// follow-ups sent to the agent, and the refusals of bad input.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { deriveInternalCredential } from "@foundry/backend/auth/credentials";
import type { FoundryClient } from "@foundry/client";
import { QUEUE, type Session, type TranscriptEvent } from "@foundry/shared";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type RawClient, rawClient } from "./access-matrix.ts";
import { fileAt, octokitAs } from "./github-world.ts";
import { eventually, runCli, spawnCli, startBackend, type TestBackend } from "./harness.ts";

// Agent turns in real sandboxes: on a loaded 2-core CI machine a test can take minutes, and the
// engine sometimes stalls a new actor (~15 s).
vi.setConfig({ testTimeout: 180_000 });

let backend: TestBackend;
let client: FoundryClient;
let raw: RawClient;
let repoId: string;
let cli: Record<string, string>;

beforeAll(async () => {
	// Idle sandboxes pause after 4 s here (10 min by default): later turns resume them transparently.
	// Open turns are checked every 2 s (60 s by default): every turn here, long ones included, is
	// looked at while it runs, and must survive it.
	backend = await startBackend({ env: { FOUNDRY_SANDBOX_IDLE_PAUSE_MS: "4000", FOUNDRY_TURN_CHECK_MS: "2000" } });
	client = backend.client();
	raw = rawClient(backend.engine());
	cli = { FOUNDRY_ENDPOINT: backend.url, FOUNDRY_TOKEN: backend.token, FOUNDRY_ORG: "acme" };
	repoId = (await eventually(async () => (await client.repos.list()).find((r) => r.name === "acme/widgets"), 60_000)).id;
}, 120_000);
// Each test's sandboxes are destroyed after it (a sandbox-agent server and agent per task add up).
const created = new Set<string>();
afterEach(async () => {
	await Promise.allSettled([...created].map((id) => client.tasks.kill(id)));
	created.clear();
});
afterAll(async () => {
	await raw?.dispose();
	await backend?.stop({ cleanup: true });
});

async function codeOf(p: Promise<unknown>): Promise<string> {
	try {
		await p;
		return "ok";
	} catch (err) {
		return String((err as { code?: unknown }).code ?? err);
	}
}

/** Waits until the task's (only or named) session reaches one of `statuses`. */
async function sessionIn(taskId: string, statuses: Session["status"][], sessionId?: string, timeoutMs = 60_000): Promise<Session> {
	return eventually(async () => {
		const all = await client.sessions.list(taskId);
		const s = sessionId ? all.find((x) => x.id === sessionId) : all[0];
		return s && statuses.includes(s.status) ? s : undefined;
	}, timeoutMs);
}

async function transcript(taskId: string, sessionId: string): Promise<TranscriptEvent[]> {
	return client.sessions.fullTranscript(taskId, sessionId);
}

/** Sends a message and waits until that turn ended (a new turn_end in the transcript, session not running). */
async function turn(taskId: string, sessionId: string, text: string, timeoutMs = 10_000): Promise<TranscriptEvent[]> {
	const ends = (events: TranscriptEvent[]) => events.filter((e) => e.kind === "turn_end" || e.kind === "error").length;
	const before = ends(await transcript(taskId, sessionId));
	await client.sessions.send(taskId, sessionId, text);
	return eventually(async () => {
		const events = await transcript(taskId, sessionId);
		const s = (await client.sessions.list(taskId)).find((x) => x.id === sessionId);
		return ends(events) > before && s?.status !== "running" ? events : undefined;
	}, timeoutMs);
}

/** A task without a first session, then a session on it (ready). */
async function taskWithSession(title: string): Promise<{ taskId: string; session: Session }> {
	const task = await client.tasks.create({ repo: repoId, prompt: title, title, startSession: false });
	created.add(task.id);
	const first = await client.sessions.create(task.id, {});
	expect(first.status).toBe("pending_provision");
	return { taskId: task.id, session: await sessionIn(task.id, ["ready", "error"], first.id) };
}

describe("the flagship flow", () => {
	it("task with a prompt → the agent commits → PR → merge through the CLI → archived, every step audited in order", async () => {
		const prompt = "write notes/hello.md Hello from the agent\ncommit Add a hello note";
		const task = await client.tasks.create({ repo: repoId, prompt, title: "Hello note" });
		const [first] = await eventually(async () => {
			const s = await client.sessions.list(task.id);
			return s.length > 0 ? s : undefined;
		});
		expect(first?.agent).toBe("pi");
		const done = await sessionIn(task.id, ["idle", "error"], first?.id);
		expect(done.status).toBe("idle");
		const events = await transcript(task.id, done.id);
		expect(events.find((e) => e.kind === "user_message")?.text).toBe(prompt);
		const said = events.filter((e) => e.kind === "agent_message").map((e) => e.text).join("");
		expect(said).toContain("wrote notes/hello.md");
		expect(said).toMatch(/committed [0-9a-f]{7}/);
		expect(events.map((e) => e.index)).toEqual(events.map((_, i) => i + 1));
		// The owner hears that the agent finished; the changes are cached on the task.
		await eventually(async () => ((await client.me.notifications()).some((n) => n.taskId === task.id && n.kind === "agent_finished") ? true : undefined));
		const changes = await eventually(async () => (await client.git.changes(task.id)) ?? undefined);
		expect(changes.files.map((f) => f.path)).toEqual(["notes/hello.md"]);
		expect(changes.ahead).toBe(1);
		expect((await client.git.diff(task.id, "notes/hello.md"))[0]?.diff).toContain("+Hello from the agent");

		await client.git.publishPr(task.id, { title: "Add a hello note" });
		const gh = await octokitAs(backend.sim, "octocat");
		const pr = await eventually(async () => {
			const { data } = await gh.rest.pulls.list({ owner: "acme", repo: "widgets", state: "open", head: `acme:${task.branch}` });
			return data[0];
		}, 60_000);
		// The PR's head is the agent's commit.
		expect(await fileAt(backend.sim, "octocat", "acme", "widgets", pr.head.sha, "notes/hello.md")).toBe("Hello from the agent\n");
		const opened = await eventually(async () => (await client.tasks.list()).find((t) => t.id === task.id && t.prNumber === pr.number));
		expect(opened.prState).toBe("open");

		const merged = await runCli(["task", "merge", task.id, "--method", "squash"], cli);
		expect(merged.stderr).toBe("");
		expect(merged.code).toBe(0);
		expect(merged.stdout).toMatch(/merged #\d+/);
		await eventually(async () => ((await client.tasks.get(task.id)).status === "archived" ? true : undefined), 60_000);
		const audit = await eventually(async () => {
			const page = await client.audit.list({ taskId: task.id, order: "asc", limit: 100 });
			const kinds = page.events.map((e) => e.kind);
			return kinds.includes("task.archived") && kinds.includes("sandbox.released") ? page.events : undefined;
		});
		const kinds: string[] = audit.map((e) => e.kind);
		const order: string[] = ["task.created", "session.created", "sandbox.provisioned", "session.ready", "session.message_sent", "session.turn_ended", "task.git_action", "task.archived"];
		const steps = kinds.filter((k) => order.includes(k));
		expect(steps.indexOf("task.created")).toBe(0);
		for (let i = 1; i < order.length; i++) {
			if (order[i] === "session.message_sent") continue; // the first prompt is part of session creation
			expect(steps.indexOf(order[i] as string), `${order[i]} after ${order[i - 1]}`).toBeGreaterThan(steps.indexOf(order[i - 1] as string));
		}
		const git = audit.filter((e) => e.kind === "task.git_action").map((e) => e.payload);
		expect(git.map((p) => [p.op, p.ok])).toEqual([
			["publish_pr", true],
			["merge_pr", true],
		]);
		expect(kinds).toContain("sandbox.released");
	});
});

describe("turns", () => {
	it("stop interrupts a long turn within a second and the session is usable again", async () => {
		const { taskId, session } = await taskWithSession("Stop me");
		expect(session.status).toBe("ready");
		await client.sessions.send(taskId, session.id, "slow 200 100");
		await sessionIn(taskId, ["running"], session.id, 10_000);
		await eventually(async () => ((await transcript(taskId, session.id)).some((e) => e.text.startsWith("chunk 3/")) ? true : undefined));
		const asked = Date.now();
		await client.sessions.stop(taskId, session.id);
		const returned = Date.now() - asked;
		// The agent's turn ends (cancelled) within a second of the request; the session is idle after.
		const ended = await eventually(async () => (await transcript(taskId, session.id)).find((e) => e.kind === "turn_end"), 5_000);
		console.log(`stop returned in ${returned} ms; turn ended ${ended.at - asked} ms after the request`);
		expect(returned).toBeLessThan(5_000);
		expect(ended.text).toBe("cancelled");
		// Measured 0.4–0.8 s on an idle 2-core machine (the goal is a second); the bound here only
		// proves the turn was interrupted, not left to run its 20 s (timing belongs in benchmarks).
		expect(ended.at - asked).toBeLessThan(5_000);
		await sessionIn(taskId, ["idle"], session.id, 5_000);
		const events = await transcript(taskId, session.id);
		expect(events.filter((e) => e.text.startsWith("chunk ")).length).toBeLessThan(50);
		expect(events.some((e) => e.kind === "turn_end" && e.text === "cancelled")).toBe(true);
		// The stopped session takes the next message.
		expect((await turn(taskId, session.id, "ping")).some((e) => e.text === "echo: ping")).toBe(true);
	});

	it("a message while a turn runs is refused at once; one that reaches the sandbox anyway does not orphan the running turn", async () => {
		const { taskId, session } = await taskWithSession("Double send");
		const before = await client.billing.usage();
		await client.sessions.send(taskId, session.id, "slow 40 100");
		// The task counts the session running from the first message on, before the sandbox reports.
		expect(await codeOf(client.sessions.send(taskId, session.id, "ping"))).toBe("CONFLICT");
		await sessionIn(taskId, ["running"], session.id, 10_000);
		// A prompt the task let through on a view behind the sandbox's (here: sent to the sandbox
		// directly, under a turn id of its own): refused, and the running turn keeps its id.
		const secret = readFileSync(join(backend.dataDir, "auth-secret"), "utf8").trim();
		const sandbox = raw.handle("sandbox", ["acme", taskId], { internal: deriveInternalCredential(secret) });
		const late = await sandbox.send(QUEUE.sandbox.prompt, { sessionId: session.id, text: "ping", turnId: `${session.id}:late` }, { wait: true, timeout: 10_000 });
		expect(late).toMatchObject({ response: { ok: false, error: { code: "CONFLICT" } } });
		const events = await eventually(async () => {
			const all = await transcript(taskId, session.id);
			return all.some((e) => e.kind === "turn_end") ? all : undefined;
		}, 30_000);
		expect(events.some((e) => e.kind === "error" && e.text.startsWith("message not sent: the agent is still working"))).toBe(true);
		expect(events.some((e) => e.text === "echo: ping")).toBe(false);
		// The running turn ended and was metered: nothing is left open.
		const after = await eventually(async () => {
			const u = await client.billing.usage();
			return u.running === before.running && u.turns === before.turns + 1 ? u : undefined;
		});
		expect(after.minutes - before.minutes).toBeGreaterThan(0.04);
		await sessionIn(taskId, ["idle"], session.id, 10_000);
	});

	it("a turn admitted for a message that never left its task is closed by the turn check; the session is untouched", async () => {
		const { taskId, session } = await taskWithSession("Never sent");
		const before = await client.billing.usage();
		// What a task step cut off by a crash right after its admission leaves: an open turn nobody sent.
		const secret = readFileSync(join(backend.dataDir, "auth-secret"), "utf8").trim();
		const org = raw.handle("organization", ["acme"], { internal: deriveInternalCredential(secret) });
		const admitted = await org.send(
			QUEUE.organization.admitTurn,
			{ turnId: `${session.id}:lost`, sessionId: session.id, taskId, userId: session.createdBy, login: "octocat" },
			{ wait: true, timeout: 10_000 },
		);
		expect(admitted).toMatchObject({ response: { ok: true } });
		expect((await client.billing.usage()).running).toBe(before.running + 1);
		const after = await eventually(async () => {
			const u = await client.billing.usage();
			return u.running === before.running ? u : undefined;
		}, 30_000);
		expect(after.turns).toBe(before.turns + 1);
		expect(after.minutes).toBe(before.minutes);
		expect((await turn(taskId, session.id, "ping")).some((e) => e.text === "echo: ping")).toBe(true);
	});

	it("a permission request shows on the transcript, the task needs input, and a member's answer resumes the turn", async () => {
		const { taskId, session } = await taskWithSession("Ask me");
		await client.sessions.send(taskId, session.id, "ask may I delete the cache?");
		await sessionIn(taskId, ["needs_input"], session.id);
		expect((await client.tasks.get(taskId)).status).toBe("needs_input");
		const request = await eventually(async () => (await transcript(taskId, session.id)).find((e) => e.kind === "permission_request"));
		expect(request.text).toContain("may I delete the cache?");
		const requestId = (request.data as { requestId: string }).requestId;
		expect(await codeOf(client.sessions.respondPermission(taskId, session.id, requestId, "bogus" as "once"))).toBe("INVALID_INPUT");
		await client.sessions.respondPermission(taskId, session.id, requestId, "always");
		await eventually(async () => ((await transcript(taskId, session.id)).some((e) => e.text.includes("permission: allow_always")) ? true : undefined));
		await sessionIn(taskId, ["idle"], session.id);
		expect((await client.tasks.get(taskId)).status).toBe("idle");
	});

	it("an agent error lands on the session and the transcript; the owner is notified; the session stays usable", async () => {
		const { taskId, session } = await taskWithSession("Fail me");
		await client.sessions.send(taskId, session.id, "fail the build is on fire");
		const failed = await eventually(async () => {
			const s = (await client.sessions.list(taskId)).find((x) => x.id === session.id);
			return s?.status === "idle" && s.error ? s : undefined;
		});
		expect(failed.error).toContain("the build is on fire");
		expect((await client.tasks.get(taskId)).status).toBe("error");
		expect((await transcript(taskId, session.id)).some((e) => e.kind === "error" && e.text.includes("the build is on fire"))).toBe(true);
		await eventually(async () => ((await client.me.notifications()).some((n) => n.taskId === taskId && n.kind === "agent_error") ? true : undefined));
		expect((await turn(taskId, session.id, "ping")).some((e) => e.text === "echo: ping")).toBe(true);
		expect((await client.sessions.list(taskId)).find((x) => x.id === session.id)?.error).toBeNull();
		expect((await client.tasks.get(taskId)).status).toBe("idle");
	});
});

describe("long turns", () => {
	// Before the per-actor queue limits, a turn of ~300 tool calls sent transcript batches that the
	// sandbox's workflow could not record in one history write: its command loop died and the
	// session stayed "running" for ever.
	it("a turn of 1,000 tool calls ends idle with every event stored, in transcript order", async () => {
		const { taskId, session } = await taskWithSession("Many tools");
		const prompt = Array.from({ length: 1_000 }, (_, i) => `tool t${i}`).join("\n");
		// ~5 s on an idle machine; a loaded CI core is several times slower.
		await turn(taskId, session.id, prompt, 120_000);
		expect((await client.sessions.list(taskId)).find((x) => x.id === session.id)?.status).toBe("idle");
		// sandbox-agent may hand over the turn's last updates after its end: they are stored as they come.
		const events = await eventually(async () => {
			const all = await transcript(taskId, session.id);
			return all.filter((e) => e.kind === "tool_update").length >= 1_000 ? all : undefined;
		}, 30_000);
		expect(events.filter((e) => e.kind === "tool_call")).toHaveLength(1_000);
		expect(events.filter((e) => e.kind === "tool_update")).toHaveLength(1_000);
		expect(events.map((e) => e.index)).toEqual(events.map((_, i) => i + 1));
	});

	it("an event larger than a transcript message is kept with its long texts cut, and the turn goes on", async () => {
		const { taskId, session } = await taskWithSession("Huge tool");
		const name = `big${"x".repeat(30_000)}`;
		const events = await turn(taskId, session.id, `tool ${name}\nsay after`);
		const call = events.find((e) => e.kind === "tool_call");
		expect(JSON.stringify(call?.data)).toContain("more characters not kept");
		expect(JSON.stringify(call?.data).length).toBeLessThan(20_000);
		expect(events.some((e) => e.text.includes("after"))).toBe(true);
	});
});

describe("sandboxes", () => {
	/** The sandbox-agent server whose working directory is this task's sandbox. */
	function serverPid(taskId: string): number | null {
		const root = join(backend.dataDir, "sandboxes");
		for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
			try {
				const cwd = readlinkSync(`/proc/${entry}/cwd`);
				if (cwd.startsWith(root) && cwd.includes(taskId) && readFileSync(`/proc/${entry}/cmdline`, "utf8").includes("server")) return Number(entry);
			} catch {
				// not ours, or gone
			}
		}
		return null;
	}

	it("a sandbox killed from outside is surfaced as expired; the next message continues the session in a new sandbox", async () => {
		const { taskId, session } = await taskWithSession("Kill my sandbox");
		const pid = serverPid(taskId);
		expect(pid).not.toBeNull();
		process.kill(pid as number, "SIGKILL");
		const events = await turn(taskId, session.id, "ping");
		expect(events.some((e) => e.text === "echo: ping")).toBe(true);
		expect(events.some((e) => e.sender === "foundry" && e.text.startsWith("sandbox expired (the sandbox stopped answering): the next message continues in a new sandbox"))).toBe(true);
		expect(events.some((e) => e.text === "continuing in a new sandbox (generation 2)")).toBe(true);
		expect(await client.sandbox.get(taskId)).toMatchObject({ state: "ready", generation: 2 });
		// The task's session index follows the sandbox by a peer message: the transcript can show the
		// turn's end before the index has left "expired" → "running" (seen on a busy 2-core machine).
		const settled = await eventually(async () => {
			const s = (await client.sessions.list(taskId)).find((x) => x.id === session.id);
			return s?.status === "idle" ? s : undefined;
		});
		expect(settled.error).toBeNull();
		expect(serverPid(taskId)).not.toBe(pid);
	});

	it("a sandbox killed mid-turn: the turn closes as interrupted, metered to its last event; the session takes the next message", async () => {
		const { taskId, session } = await taskWithSession("Kill me mid-turn");
		const before = await client.billing.usage();
		await client.sessions.send(taskId, session.id, "slow 200 100");
		await eventually(async () => ((await transcript(taskId, session.id)).some((e) => e.text.startsWith("chunk 3/")) ? true : undefined));
		process.kill(serverPid(taskId) as number, "SIGKILL");
		const idle = await sessionIn(taskId, ["idle"], session.id, 30_000);
		expect(idle.error).toBe("turn interrupted: the sandbox stopped answering");
		const events = await transcript(taskId, session.id);
		expect(events.some((e) => e.kind === "error" && e.text === idle.error)).toBe(true);
		const after = await eventually(async () => {
			const u = await client.billing.usage();
			return u.running === before.running && u.turns === before.turns + 1 ? u : undefined;
		});
		// Metered to the last chunk seen: well under the 20 s the turn would have taken.
		expect(after.minutes - before.minutes).toBeLessThan(0.2);
		expect((await turn(taskId, session.id, "ping")).some((e) => e.text === "echo: ping")).toBe(true);
	});

	it("an idle sandbox is paused (its processes stopped) and resumed by the next message", async () => {
		const { taskId, session } = await taskWithSession("Pause me");
		await turn(taskId, session.id, "ping");
		const pid = serverPid(taskId) as number;
		await eventually(async () => ((await client.sandbox.get(taskId)).state === "paused" ? true : undefined), 20_000);
		const state = () => readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
		expect(state()).toBe("T");
		expect((await turn(taskId, session.id, "ping again")).some((e) => e.text === "echo: ping again")).toBe(true);
		expect(state()).not.toBe("T");
		const kinds = (await client.audit.list({ taskId, limit: 100 })).events.map((e) => e.kind);
		expect(kinds).toEqual(expect.arrayContaining(["sandbox.paused", "sandbox.resumed"]));
	});

	it("replayed sandbox events are stored once (idempotent on session + event index)", async () => {
		const { taskId, session } = await taskWithSession("Replays");
		await turn(taskId, session.id, "ping");
		const before = await transcript(taskId, session.id);
		const secret = readFileSync(join(backend.dataDir, "auth-secret"), "utf8").trim();
		const sandbox = raw.handle("sandbox", ["acme", taskId], { internal: deriveInternalCredential(secret) });
		const info = await client.sandbox.get(taskId);
		const replay = { sessionId: session.id, sdkIndex: 1, at: Date.now(), sender: "client", payload: { eventIndex: 1, payload: { method: "session/prompt", params: { prompt: [] } } } };
		for (let i = 0; i < 3; i++) {
			await sandbox.send(QUEUE.sandbox.recordEvents, { generation: info.generation, events: [replay, replay], records: [] }, { wait: true, timeout: 10_000 });
		}
		expect(await transcript(taskId, session.id)).toEqual(before);
	});

	it("kill destroys the sandbox at once; archive releases it; prune deletes old archived tasks (dry run first)", async () => {
		const { taskId, session } = await taskWithSession("Kill and prune");
		expect(serverPid(taskId)).not.toBeNull();
		const killed = await runCli(["task", "kill", taskId], cli);
		expect(killed.code).toBe(0);
		await eventually(async () => (serverPid(taskId) === null ? true : undefined), 10_000);
		expect((await client.sandbox.get(taskId)).state).toBe("destroyed");
		expect((await sessionIn(taskId, ["closed"], session.id)).status).toBe("closed");
		await client.tasks.archive(taskId);
		const dry = await client.tasks.prune({ olderThanDays: 0, dryRun: true });
		expect(dry.taskIds).toContain(taskId);
		expect((await client.tasks.list({ includeArchived: true })).some((t) => t.id === taskId)).toBe(true);
		const pruned = await runCli(["prune", "--older-than", "0d", "--yes"], cli);
		expect(pruned.code).toBe(0);
		expect((await client.tasks.list({ includeArchived: true })).some((t) => t.id === taskId)).toBe(false);
		const audit = await client.audit.list({ kind: "task.pruned", taskId });
		expect(audit.events).toHaveLength(1);
	});
});

describe("sessions", () => {
	it("agents and models come from sandbox-agent's catalog; a session runs the model asked for", async () => {
		const agents = await client.agents.list();
		expect(agents.find((a) => a.id === "pi")).toMatchObject({ installed: true, scripted: true });
		const listed = await runCli(["agents"], cli);
		expect(listed.code).toBe(0);
		expect(listed.stdout).toMatch(/pi/);
		const task = await client.tasks.create({ repo: repoId, prompt: "models", title: "Models", startSession: false });
		const chosen = await client.sessions.create(task.id, { model: "test-model-b" });
		expect(await sessionIn(task.id, ["ready"], chosen.id)).toMatchObject({ model: "test-model-b", agent: "pi" });
		const bad = await client.sessions.create(task.id, { model: "no-such-model" });
		const failed = await sessionIn(task.id, ["error"], bad.id);
		expect(failed.error).toMatch(/no-such-model/);
	});

	it("the sender becomes the task's owner; sessions are renamed and closed; closing the last one leaves the task idle", async () => {
		const { taskId, session } = await taskWithSession("Hand over");
		const hubot = backend.clientFor((await backend.signIn("hubot")).sessionToken, "acme");
		await eventually(async () => ((await hubot.me.profile()).organizations.some((o) => o.orgId === "acme") ? true : undefined), 30_000);
		await hubot.sessions.send(taskId, session.id, "ping");
		const task = await eventually(async () => {
			const t = await client.tasks.get(taskId);
			return t.ownerLogin === "hubot" ? t : undefined;
		});
		expect(task.ownerLogin).toBe("hubot");
		await sessionIn(taskId, ["idle"], session.id);
		// The feed is bumped by a message from the task to hubot's user actor after its own commit:
		// eventually consistent (under load it lands after the session is idle).
		await eventually(async () => ((await hubot.me.feed()).some((f) => f.taskId === taskId) ? true : undefined), 30_000);
		expect((await client.sessions.rename(taskId, session.id, "Main work")).name).toBe("Main work");
		const closed = await client.sessions.close(taskId, session.id);
		expect(closed.status).toBe("closed");
		expect((await client.sessions.list(taskId)).map((x) => [x.name, x.status])).toEqual([["Main work", "closed"]]);
		expect((await client.tasks.get(taskId)).status).toBe("idle");
		expect(await codeOf(client.sessions.send(taskId, session.id, "ping"))).toBe("PRECONDITION_FAILED");
	});

	it("transcripts are read in pages with a cursor, without a cap", async () => {
		const { taskId, session } = await taskWithSession("Long transcript");
		const events = await turn(taskId, session.id, "slow 260 1");
		expect(events.length).toBeGreaterThan(260);
		const pages: number[][] = [];
		let after: number | undefined;
		do {
			const page = await client.sessions.transcript(taskId, { sessionId: session.id, after, limit: 100 });
			pages.push(page.events.map((e) => e.index));
			after = page.next ?? undefined;
		} while (after !== undefined);
		expect(pages.length).toBe(Math.ceil(events.length / 100));
		expect(pages.flat()).toEqual(events.map((e) => e.index));
		expect(events.filter((e) => e.text.startsWith("chunk ")).length).toBe(260);
	});

	it("`foundry task watch` streams a turn live and ends with it", async () => {
		const { taskId, session } = await taskWithSession("Watch me");
		await client.sessions.send(taskId, session.id, "slow 5 200");
		const watching = spawnCli(["task", "watch", taskId], cli);
		await watching.waitFor(/chunk 1\/5/, 20_000);
		const done = await watching.exited;
		expect(done.code).toBe(0);
		expect(done.stdout).toMatch(/chunk 5\/5/);
	});

	it("revert restores one file in the sandbox; the changes summary follows", async () => {
		const task = await client.tasks.create({ repo: repoId, prompt: "write keep.txt keep\nwrite drop.txt drop", title: "Revert one" });
		await sessionIn(task.id, ["idle"]);
		await eventually(async () => ((await client.git.changes(task.id))?.files.length === 2 ? true : undefined));
		const res = await runCli(["task", "revert", task.id, "drop.txt"], cli);
		expect(res.code).toBe(0);
		const after = await eventually(async () => {
			const c = await client.git.changes(task.id);
			return c?.files.length === 1 ? c : undefined;
		});
		expect(after.files.map((f) => [f.path, f.status])).toEqual([["keep.txt", "untracked"]]);
		const diff = await runCli(["task", "diff", task.id, "--file", "keep.txt"], cli);
		expect(diff.stdout).toContain("+keep");
	});
});

describe("follow-ups to the agent", () => {
	it("review comments on the task's PR become one prompt with one action", async () => {
		const task = await client.tasks.create({ repo: repoId, prompt: "write FEEDBACK.md v1\ncommit v1", title: "Feedback loop" });
		const first = await sessionIn(task.id, ["idle", "error"]);
		expect(first.status).toBe("idle");
		await client.git.publishPr(task.id, {});
		// hubot comments as a member of acme (signed in, membership synced): a trusted follow-up.
		await backend.signIn("hubot");
		await eventually(async () => ((await client.members.list()).some((m) => m.login === "hubot") ? true : undefined), 60_000);
		const gh = await octokitAs(backend.sim, "hubot");
		const number = (await eventually(async () => (await client.tasks.list()).find((t) => t.id === task.id && t.prNumber !== null), 120_000)).prNumber as number;
		await gh.rest.issues.createComment({ owner: "acme", repo: "widgets", issue_number: number, body: "Please also update the README" });
		const [recorded] = await eventually(async () => {
			const all = await client.tasks.followUps(task.id);
			return all.length === 1 ? all : undefined;
		});
		expect(recorded).toMatchObject({ author: "hubot", trusted: true });
		expect(await client.sessions.sendFollowUps(task.id, first.id)).toEqual({ sent: 1 });
		const events = await eventually(async () => {
			const all = await transcript(task.id, first.id);
			return all.filter((e) => e.kind === "turn_end").length >= 2 ? all : undefined;
		});
		expect(events.filter((e) => e.kind === "user_message").at(-1)?.text).toContain("Please also update the README");
		expect(await codeOf(client.sessions.sendFollowUps(task.id, first.id))).toBe("PRECONDITION_FAILED");
		// With the organization's auto-send on, the next comment goes to the agent by itself.
		await client.settings.update({ autoSendFollowUps: true });
		try {
			await gh.rest.issues.createComment({ owner: "acme", repo: "widgets", issue_number: number, body: "And bump the version" });
			await eventually(async () => {
				const all = await transcript(task.id, first.id);
				return all.some((e) => e.kind === "user_message" && e.text.includes("And bump the version")) ? true : undefined;
			}, 30_000);
		} finally {
			await client.settings.update({ autoSendFollowUps: false });
		}
	});
});

describe("bad input", () => {
	it("is refused with a typed error and nothing is half-written", async () => {
		const { taskId, session } = await taskWithSession("Bad input");
		expect(await codeOf(client.sessions.send(taskId, session.id, "   "))).toBe("INVALID_INPUT");
		// Under 32,000 characters but over 40 KiB of UTF-8 (a queue message must hold it).
		expect(await codeOf(client.sessions.send(taskId, session.id, "漢".repeat(20_000)))).toBe("INVALID_INPUT");
		expect(await codeOf(client.tasks.create({ repo: repoId, prompt: "漢".repeat(20_000) }))).toBe("INVALID_INPUT");
		expect(await codeOf(client.sessions.send(taskId, "s_0000000000", "hi"))).toBe("NOT_FOUND");
		expect(await codeOf(client.sessions.send(taskId, "nope", "hi"))).toBe("INVALID_INPUT");
		expect(await codeOf(client.sessions.create(taskId, { agent: "" }))).toBe("INVALID_INPUT");
		expect(await codeOf(client.sessions.rename(taskId, session.id, ""))).toBe("INVALID_INPUT");
		expect(await codeOf(client.git.merge(taskId, { method: "fast" as "merge" }))).toBe("INVALID_INPUT");
		expect(await codeOf(client.git.revert(taskId, ""))).toBe("INVALID_INPUT");
		expect(await codeOf(client.tasks.prune({ olderThanDays: -1 }))).toBe("INVALID_INPUT");
		expect((await client.sessions.list(taskId)).length).toBe(1);
		// An agent the sandbox does not offer: the session fails with the reason, on the session.
		const wrong = await client.sessions.create(taskId, { agent: "no-such-agent" });
		const failed = await sessionIn(taskId, ["error"], wrong.id);
		expect(failed.error).toMatch(/agent 'no-such-agent' is not offered/);
		expect(await codeOf(client.sessions.send(taskId, wrong.id, "hi"))).toBe("PRECONDITION_FAILED");
	});

	it("a member without write permission on GitHub cannot push through Foundry: git's stderr reaches the task", async () => {
		// An organization whose members may only read; hubot is one of them.
		await backend.sim.control("POST", "/orgs", { login: "readers", basePermission: "read" });
		await backend.sim.control("PUT", "/orgs/readers/members/octocat", { role: "admin" });
		await backend.sim.control("PUT", "/orgs/readers/members/hubot", { role: "member" });
		await backend.sim.control("POST", "/repos", { owner: "readers", name: "app", files: { "README.md": "# app\n" } });
		await backend.sim.control("POST", "/installations", { account: "readers" });
		const hubot = backend.clientFor((await backend.signIn("hubot")).sessionToken, "readers");
		const repo = await eventually(async () => (await hubot.repos.list()).find((r) => r.name === "readers/app"), 60_000);
		const task = await hubot.tasks.create({ repo: repo.id, prompt: "write a.txt hello\ncommit add a", title: "Read only" });
		await eventually(async () => {
			const s = (await hubot.sessions.list(task.id))[0];
			return s && (s.status === "idle" || s.status === "error") ? s : undefined;
		}, 60_000);
		await hubot.git.push(task.id);
		const result = await eventually(async () => (await hubot.git.results(task.id)).find((r) => r.op === "push"), 60_000);
		expect(result.ok).toBe(false);
		expect(result.message).toMatch(/git push failed: .*(denied|403)/s);
	}, 180_000); // a new GitHub organization: sign-in discovery, installation and sync come first
});
