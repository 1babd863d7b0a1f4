// Starts a real sandbox-agent server (local provider) with the scripted agent installed as `pi`.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { SandboxAgent, type Session, type SessionEvent, type SessionPersistDriver } from "sandbox-agent";
import { local } from "sandbox-agent/local";
import { z } from "zod";
import { installLauncher } from "../src/index.ts";

export interface TestSandbox {
	sdk: SandboxAgent;
	baseUrl: string;
	token: string;
	home: string;
	/** A fresh git repository per call, used as a session cwd. */
	newRepo(): string;
	/** Processes (server and agents) whose environment carries this sandbox's HOME. */
	processes(): number[];
	destroy(): Promise<void>;
}

function freePort(): Promise<number> {
	return new Promise((done, fail) => {
		const server = createServer();
		server.once("error", fail);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			server.close(() => (typeof address === "object" && address ? done(address.port) : fail(new Error("no port"))));
		});
	});
}

/**
 * local() cannot pass `--no-telemetry` (it spawns `server --host --port --token`); a wrapper given as
 * `binaryPath` appends it, so test servers never write a telemetry id or try to send one.
 */
function serverWithoutTelemetry(binDir: string): string {
	const fromCli = createRequire(createRequire(import.meta.url).resolve("@sandbox-agent/cli/package.json"));
	const pkg = `@sandbox-agent/cli-${process.platform}-${process.arch}`;
	const binary = join(dirname(fromCli.resolve(`${pkg}/package.json`)), "bin", "sandbox-agent");
	const wrapper = join(binDir, "sandbox-agent-server");
	writeFileSync(wrapper, `#!/bin/sh\nexec '${binary}' "$@" --no-telemetry\n`);
	chmodSync(wrapper, 0o755);
	return wrapper;
}

/** PIDs whose environment contains `HOME=<home>` (Linux /proc). */
function processesWithHome(home: string): number[] {
	const pids: number[] = [];
	for (const entry of readdirSync("/proc")) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			if (readFileSync(`/proc/${entry}/environ`, "utf8").split("\0").includes(`HOME=${home}`)) pids.push(Number(entry));
		} catch {
			// The process exited while we looked, or is not ours to read: either way not one of ours.
		}
	}
	return pids;
}

export async function startSandbox(options: { persist?: SessionPersistDriver } = {}): Promise<TestSandbox> {
	const home = mkdtempSync(join(tmpdir(), "foundry-test-agent-"));
	const bin = join(home, "bin");
	installLauncher(bin);
	const port = await freePort();
	const token = `test-${Math.random().toString(36).slice(2)}`;
	const env = { HOME: home, PATH: `${bin}:${process.env.PATH ?? ""}` };
	const binaryPath = serverWithoutTelemetry(bin);
	const sdk = await SandboxAgent.start({ persist: options.persist, sandbox: local({ port, token, binaryPath, log: "silent", env }) });
	let repos = 0;
	return {
		sdk,
		baseUrl: `http://127.0.0.1:${port}`,
		token,
		home,
		newRepo() {
			const repo = join(home, `repo-${++repos}`);
			execFileSync("git", ["init", "-q", "-b", "main", repo]);
			return repo;
		},
		processes: () => processesWithHome(home),
		async destroy() {
			// dispose() first closes the ACP connections while the server is up; killing the server with
			// a request in flight makes sandbox-agent's HTTP transport raise an unhandled rejection.
			await sdk.dispose();
			await sdk.destroySandbox();
			await eventually(() => processesWithHome(home).length === 0, 5_000, "sandbox processes to exit");
			rmSync(home, { recursive: true, force: true });
		},
	};
}

export async function eventually(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((done) => setTimeout(done, 25));
	}
}

/** sandbox-agent calls can hang forever (tech guide trap 8): bound every one of them. */
export function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, fail) => {
		timer = setTimeout(() => fail(new Error(`${what} did not settle within ${ms} ms`)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sessionUpdate = z.object({
	method: z.literal("session/update"),
	params: z.object({ update: z.looseObject({ sessionUpdate: z.string() }) }),
});
const textContent = z.object({ type: z.literal("text"), text: z.string() });

export type Update = z.infer<typeof sessionUpdate>["params"]["update"];

/** The `session/update` payload of an event, if it is one. */
export function updateOf(event: SessionEvent): Update | null {
	const parsed = sessionUpdate.safeParse(event.payload);
	return parsed.success ? parsed.data.params.update : null;
}

/**
 * Records a session's events; `texts()` are its agent_message_chunk texts in order.
 * prompt() can resolve before the turn's last session/update reaches the listener (updates come
 * over SSE, the prompt result over the POST response), so wait with `texts(n)` / `updates(n)`.
 */
export function record(session: Session) {
	const events: SessionEvent[] = [];
	session.onEvent((event) => events.push(event));
	const texts = () =>
		events.flatMap((event) => {
			const update = updateOf(event);
			if (update?.sessionUpdate !== "agent_message_chunk") return [];
			const content = textContent.safeParse(update.content);
			return content.success ? [content.data.text] : [];
		});
	const updates = () => events.map(updateOf).filter((update) => update !== null);
	return {
		events,
		texts,
		updates,
		/** Waits until at least n agent_message_chunk texts arrived (5 s). */
		waitTexts: (n: number) => eventually(() => texts().length >= n, 5_000, `${n} message chunks`),
		/** Waits until at least n session/update events arrived (5 s). */
		waitUpdates: (n: number) => eventually(() => updates().length >= n, 5_000, `${n} session updates`),
	};
}

export const text = (value: string) => [{ type: "text" as const, text: value }];
