// Paths stay in the repository, credentials go only to their host, local-path repositories work:
// revert/diff with paths that leave the clone (`..`, absolute, through a symlink the agent made),
// a repository on another host (the owner's GitHub token never reaches it; an admin-set credential
// does, and is never read back), no token in any sandbox file or the agent's environment after a
// GitHub push, and a local bare repository end to end. Real backend, simulator, sandboxes, agent.
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FoundryClient, GitOp, GitOpResult, Session } from "@foundry/client";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { fileAt } from "./github-world.ts";
import { eventually, REPO_ROOT, runCli, startBackend, type TestBackend } from "./harness.ts";

vi.setConfig({ testTimeout: 180_000 });

let backend: TestBackend;
let client: FoundryClient;
let repoId: string;
let cli: Record<string, string>;
const created = new Set<string>();

beforeAll(async () => {
	backend = await startBackend();
	client = backend.client();
	cli = { FOUNDRY_ENDPOINT: backend.url, FOUNDRY_TOKEN: backend.token, FOUNDRY_ORG: "acme" };
	repoId = (await eventually(async () => (await client.repos.list()).find((r) => r.name === "acme/widgets"), 60_000)).id;
}, 120_000);
afterEach(async () => {
	await Promise.allSettled([...created].map((id) => client.tasks.kill(id)));
	created.clear();
});
afterAll(async () => {
	await backend?.stop({ cleanup: true });
});

const codeOf = (p: Promise<unknown>): Promise<string> => p.then(
	() => "ok",
	(err: unknown) => String((err as { code?: unknown }).code ?? err),
);

/** A task whose first session runs `prompt`; resolves when that turn ended (idle) or failed (error). */
async function taskAfterTurn(repo: string, prompt: string, title: string): Promise<{ taskId: string; session: Session }> {
	const task = await client.tasks.create({ repo, prompt, title });
	created.add(task.id);
	const session = await eventually(async () => {
		const s = (await client.sessions.list(task.id))[0];
		return s && (s.status === "idle" || s.status === "error") ? s : undefined;
	}, 90_000);
	return { taskId: task.id, session };
}

/** The result of the next `op` on the task (sent by `send`). */
async function gitResult(taskId: string, op: GitOp, send: () => Promise<unknown>): Promise<GitOpResult> {
	const since = Date.now();
	await send();
	return eventually(async () => (await client.git.results(taskId)).find((r) => r.op === op && r.at >= since), 90_000);
}

/** The task's sandbox directory on this machine (local provider, under the data dir). */
function sandboxRoot(taskId: string): string {
	const dir = join(backend.dataDir, "sandboxes");
	const found = readdirSync(dir).find((d) => d.includes(taskId));
	if (!found) throw new Error(`no sandbox directory for ${taskId}`);
	return join(dir, found);
}

/** Every regular file under `dir` that contains one of `needles` (symlinks are not followed). */
function filesContaining(dir: string, needles: string[]): string[] {
	const hits: string[] = [];
	const walk = (d: string) => {
		for (const entry of readdirSync(d, { withFileTypes: true })) {
			const path = join(d, entry.name);
			if (entry.isDirectory()) walk(path);
			else if (entry.isFile()) {
				const content = readFileSync(path);
				if (needles.some((n) => content.includes(n))) hits.push(path);
			}
		}
	};
	walk(dir);
	return hits;
}

/** Every token the simulator issued to octocat (the personal one and the OAuth ones Foundry holds). */
async function octocatTokens(): Promise<string[]> {
	const issued = (await (await backend.sim.control("GET", "/tokens?login=octocat")).json()) as Array<{ token: string }>;
	expect(issued.length).toBeGreaterThan(1);
	return issued.map((t) => t.token);
}

describe("paths stay in the repository", () => {
	it("revert and diff refuse `..`, absolute and backslash paths with INVALID_INPUT before anything is queued; nothing outside is removed", async () => {
		const { taskId } = await taskAfterTurn(repoId, "write keep.txt keep", "Paths");
		const root = sandboxRoot(taskId);
		const sentinel = join(root, "sentinel.txt"); // outside the clone (<root>/repo), reachable from the sandbox
		writeFileSync(sentinel, "still here\n");
		for (const path of ["../sentinel.txt", "../../../auth-secret", sentinel, "/etc/passwd", "..\\sentinel.txt", "repo/../../sentinel.txt", ".git/config"]) {
			expect(await codeOf(client.git.revert(taskId, path)), path).toBe("INVALID_INPUT");
			expect(await codeOf(client.git.diff(taskId, path)), path).toBe("INVALID_INPUT");
		}
		const revert = await runCli(["task", "revert", taskId, "../sentinel.txt"], cli);
		expect(revert.code).toBe(2);
		expect(revert.stderr).toMatch(/INVALID_INPUT: path: path must not contain a '\.\.' segment/);
		const diff = await runCli(["task", "diff", taskId, "--file", "/etc/passwd"], cli);
		expect(diff.code).toBe(2);
		expect(diff.stderr).toContain("INVALID_INPUT");
		// Nothing was queued to the sandbox: no git result, no git audit event; the files are intact.
		expect(await client.git.results(taskId)).toEqual([]);
		const kinds = (await client.audit.list({ taskId, limit: 200 })).events.map((e) => e.kind);
		expect(kinds).not.toContain("task.git_action");
		expect(readFileSync(sentinel, "utf8")).toBe("still here\n");
		expect(existsSync(join(backend.dataDir, "auth-secret"))).toBe(true);
		expect(readFileSync(join(root, "repo", "keep.txt"), "utf8")).toBe("keep\n");
	});

	it("a symlink the agent made to outside the clone: revert through it is refused in the sandbox (INVALID_INPUT, CLI exit 2) and nothing is removed", async () => {
		const { taskId, session } = await taskAfterTurn(repoId, "run ln -s .. escape && ln -s ../sentinel.txt leak && ln -s .git dotgit\nwrite inside.txt inside", "Symlinks");
		expect(session.status).toBe("idle");
		const root = sandboxRoot(taskId);
		expect(readlinkSync(join(root, "repo", "escape"))).toBe("..");
		const sentinel = join(root, "sentinel.txt");
		writeFileSync(sentinel, "still here\n");
		for (const path of ["escape/sentinel.txt", "leak", "dotgit/config"]) {
			const result = await gitResult(taskId, "revert_file", () => client.git.revert(taskId, path));
			expect(result, path).toMatchObject({ ok: false, code: "INVALID_INPUT" });
			expect(result.message).toContain("resolves outside the repository");
		}
		const viaCli = await runCli(["task", "revert", taskId, "escape/sentinel.txt"], cli);
		expect(viaCli.code).toBe(2);
		expect(viaCli.stderr).toMatch(/INVALID_INPUT: path escape\/sentinel\.txt resolves outside/);
		expect(readFileSync(sentinel, "utf8")).toBe("still here\n");
		expect(existsSync(join(root, "repo", ".git", "config"))).toBe(true);
		// A path inside still reverts (the new file goes), so the refusal is about where it leads.
		expect(await gitResult(taskId, "revert_file", () => client.git.revert(taskId, "inside.txt"))).toMatchObject({ ok: true });
		expect(existsSync(join(root, "repo", "inside.txt"))).toBe(false);
	});
});

/** A git host on another origin that asks for credentials (401) and records every Authorization it gets. */
async function captureHost(): Promise<{ server: Server; url: string; seen: string[]; requests: () => number }> {
	const seen: string[] = [];
	let requests = 0;
	const server = createServer((req, res) => {
		requests++;
		if (req.headers.authorization) seen.push(req.headers.authorization);
		if (req.headers.authorization) res.writeHead(403).end("forbidden");
		else res.writeHead(401, { "www-authenticate": 'Basic realm="capture"' }).end("who are you?");
	});
	await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
	return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, requests: () => requests };
}

/** `foundry repo credential set <repo> --token-stdin`, the token written to its standard input. */
function setCredentialViaCli(repo: string, token: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
	const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "packages/cli/src/bin.ts"), "repo", "credential", "set", repo, "--token-stdin"], {
		cwd: REPO_ROOT,
		env: { ...process.env, ...cli },
		stdio: ["pipe", "pipe", "pipe"],
	});
	let stdout = "";
	let stderr = "";
	child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
	child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
	child.stdin.end(`${token}\n`);
	return new Promise((done) => child.on("close", (code) => done({ code, stdout, stderr })));
}

describe("credentials go only to their host", () => {
	it("a repository on another host never gets the owner's GitHub token; an admin-set credential goes to it alone and is never read back; no token is written under the data dir", async () => {
		const tokens = await octocatTokens();
		const host = await captureHost();
		try {
			const invalid = await client.repos.add("https://git.example.invalid/acme/x");
			const foreign = await client.repos.add(`${host.url}/acme/x`);
			expect(foreign.credentialSet).toBe(false);
			const first = await taskAfterTurn(foreign.id, "write a.txt a", "Foreign host");
			expect(first.session.status).toBe("error");
			expect(first.session.error).toMatch(/git clone failed/);
			expect(host.requests()).toBeGreaterThan(0);
			expect(host.seen).toEqual([]); // asked for credentials, offered none
			const other = await taskAfterTurn(invalid.id, "write a.txt a", "Invalid host");
			expect(other.session.error).toMatch(/git clone failed/);

			// An admin's credential: read from standard input, sealed, shown only as credentialSet.
			const repoSecret = `repo-secret-${Math.random().toString(36).slice(2)}`;
			const set = await setCredentialViaCli(foreign.id, repoSecret);
			expect(set.stderr).toBe("");
			expect(set.code).toBe(0);
			expect(set.stdout).toContain("(credential set)");
			expect(set.stdout).not.toContain(repoSecret);
			const listed = (await client.repos.list()).find((r) => r.id === foreign.id);
			expect(listed?.credentialSet).toBe(true);
			expect(JSON.stringify(await client.repos.list())).not.toContain(repoSecret);
			expect(await codeOf(client.repos.setCredential(repoId, "x"))).toBe("PRECONDITION_FAILED"); // GitHub: the owner's token
			const hubot = backend.clientFor((await backend.signIn("hubot")).sessionToken, "acme");
			await eventually(async () => ((await hubot.me.profile()).organizations.some((o) => o.orgId === "acme") ? true : undefined), 30_000);
			expect(await codeOf(hubot.repos.setCredential(foreign.id, "x"))).toBe("FORBIDDEN");

			const second = await taskAfterTurn(foreign.id, "write a.txt a", "Foreign host with a credential");
			expect(second.session.status).toBe("error");
			expect(host.seen).toEqual([`Basic ${Buffer.from(`x-access-token:${repoSecret}`).toString("base64")}`]);
			const audit = await eventually(async () => {
				const events = (await client.audit.list({ repoId: foreign.id, limit: 50 })).events;
				return events.some((e) => e.kind === "repo.credential_set") ? events : undefined;
			});
			expect(JSON.stringify(audit)).not.toContain(repoSecret);
			expect((await client.repos.setCredential(foreign.id, null)).credentialSet).toBe(false);

			for (const taskId of [first.taskId, second.taskId, other.taskId]) {
				expect(existsSync(join(sandboxRoot(taskId), "git-credentials"))).toBe(false);
			}
			expect(filesContaining(backend.dataDir, [...tokens, repoSecret])).toEqual([]);
			for (const t of tokens) expect(host.seen.join(" ")).not.toContain(Buffer.from(`x-access-token:${t}`).toString("base64"));
		} finally {
			host.server.close();
		}
	});

	it("after a GitHub turn and push no token is in any sandbox file, the clone's config or the agent's environment; a planted pre-push hook does not run; an old clone's credential helper is removed", async () => {
		const tokens = await octocatTokens();
		const { taskId, session } = await taskAfterTurn(repoId, "write pushed.txt from the agent\ncommit Add pushed.txt", "Push without a trace");
		expect(session.status).toBe("idle");
		const root = sandboxRoot(taskId);
		const clone = join(root, "repo");
		// What an earlier version left in a clone, and what an agent could plant to catch the next push.
		execFileSync("git", ["-C", clone, "config", "credential.helper", `store --file=${join(root, "git-credentials")}`]);
		writeFileSync(join(root, "git-credentials"), "http://x-access-token:legacy@127.0.0.1\n", { mode: 0o600 });
		mkdirSync(join(clone, ".git", "hooks"), { recursive: true });
		writeFileSync(join(clone, ".git", "hooks", "pre-push"), `#!/bin/sh\nenv > ${join(root, "hook-env.txt")}\n`);
		chmodSync(join(clone, ".git", "hooks", "pre-push"), 0o755);

		const pushed = await gitResult(taskId, "push", () => client.git.push(taskId));
		expect(pushed).toMatchObject({ ok: true });
		const task = await client.tasks.get(taskId);
		const sha = execFileSync("git", ["-C", clone, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
		expect(pushed.message).toContain(sha.slice(0, 12));
		expect(await fileAt(backend.sim, "octocat", "acme", "widgets", `origin/${task.branch}`, "pushed.txt")).toBe("from the agent\n");

		expect(existsSync(join(root, "hook-env.txt"))).toBe(false);
		expect(existsSync(join(root, "git-credentials"))).toBe(false);
		const config = execFileSync("git", ["-C", clone, "config", "--list", "--local"], { encoding: "utf8" });
		expect(config).not.toMatch(/credential/i);
		expect(config).toContain(`remote.origin.url=${backend.sim.url}/acme/widgets.git`);
		expect(filesContaining(root, tokens)).toEqual([]);
		// The agent's processes (sandbox-agent server, the agent) never had it in their environment.
		let checked = 0;
		for (const pid of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
			let environ: string;
			try {
				if (!readlinkSync(`/proc/${pid}/cwd`).startsWith(root)) continue;
				environ = readFileSync(`/proc/${pid}/environ`, "utf8");
			} catch {
				continue; // gone, or not ours to read
			}
			checked++;
			for (const t of tokens) expect(environ).not.toContain(t);
		}
		expect(checked).toBeGreaterThan(0);
	});
});

describe("local-path repositories", () => {
	it("work end to end: added (checked to be a git repository), the agent commits, push lands in the bare repository; PRs and credentials are refused", async () => {
		const dir = mkdtempSync(join(tmpdir(), "foundry-local-repo-"));
		const bare = join(dir, "tools.git");
		const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=Self Hoster", "-c", "user.email=self@example.com", ...args], { encoding: "utf8" }).trim();
		try {
			git("init", "--quiet", "--bare", "--initial-branch=main", bare);
			const seed = join(dir, "seed");
			git("clone", "--quiet", bare, seed);
			writeFileSync(join(seed, "README.md"), "# tools\n");
			git("-C", seed, "add", "README.md");
			git("-C", seed, "commit", "--quiet", "-m", "initial");
			git("-C", seed, "push", "--quiet", "origin", "HEAD:main");

			expect(await codeOf(client.repos.add(join(dir, "missing.git")))).toBe("INVALID_INPUT");
			expect(await codeOf(client.repos.add(join(dir, "seed", "README.md")))).toBe("INVALID_INPUT");
			mkdirSync(join(dir, "plain"));
			expect(await codeOf(client.repos.add(join(dir, "plain")))).toBe("INVALID_INPUT");
			const repo = await client.repos.add(bare);
			expect(repo).toMatchObject({ kind: "local", url: bare, name: "tools", credentialSet: false });
			expect(await codeOf(client.repos.add(`file://${bare}/`))).toBe("CONFLICT");
			expect(await codeOf(client.repos.setCredential(repo.id, "x"))).toBe("PRECONDITION_FAILED");

			const { taskId, session } = await taskAfterTurn(repo.id, "write local.txt from the agent\ncommit Add local.txt", "Local repo");
			expect(session.error).toBeNull();
			expect(session.status).toBe("idle");
			const task = await client.tasks.get(taskId);
			const pushed = await gitResult(taskId, "push", () => client.git.push(taskId));
			expect(pushed).toMatchObject({ ok: true });
			expect(git("--git-dir", bare, "log", "-1", "--format=%s", `refs/heads/${task.branch}`)).toBe("Add local.txt");
			expect(git("--git-dir", bare, "show", `${task.branch}:local.txt`)).toBe("from the agent");
			expect(git("--git-dir", bare, "rev-parse", "main")).toBe(git("-C", seed, "rev-parse", "HEAD"));
			expect(await codeOf(client.git.publishPr(taskId, {}))).toBe("PRECONDITION_FAILED");
			expect(await codeOf(client.git.merge(taskId, {}))).toBe("PRECONDITION_FAILED");
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
