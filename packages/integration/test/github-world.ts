// Building GitHub state in the simulator the way GitHub users would: repositories through the
// control API (real commits and branches), pull requests and merges through the REST API with a
// user's token (Octokit), webhooks signed by the simulator.
import type { RunningSim } from "@foundry/github-sim/harness";
import { Octokit } from "@octokit/rest";

export async function userToken(sim: RunningSim, login: string): Promise<string> {
	const world = await sim.world();
	const token = world.users.find((u) => u.login === login)?.token;
	if (!token) throw new Error(`no token for ${login} in the simulator`);
	return token;
}

export async function octokitAs(sim: RunningSim, login: string): Promise<Octokit> {
	return new Octokit({ auth: await userToken(sim, login), baseUrl: sim.api });
}

async function ok(res: Response, what: string): Promise<void> {
	if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
}

/** Creates `owner/name` with a README on main and the given branches. */
export async function createRepo(sim: RunningSim, owner: string, name: string, branches: string[] = []): Promise<void> {
	await ok(await sim.control("POST", "/repos", { owner, name, files: { "README.md": `# ${name}\n` }, branches }), `create ${owner}/${name}`);
}

/** Opens a PR from `head` (an existing branch) into main. */
export async function openPull(gh: Octokit, owner: string, repo: string, head: string, title = `Change ${head}`): Promise<number> {
	const { data } = await gh.rest.pulls.create({ owner, repo, head, base: "main", title });
	return data.number;
}

/** Points the App's webhooks somewhere else (null: nowhere), e.g. to build a world quietly. */
export async function setWebhook(sim: RunningSim, url: string | null): Promise<void> {
	const { app } = await sim.world();
	await ok(await sim.control("PUT", "/app", { webhookUrl: url, webhookSecret: app.webhookSecret }), "set webhook");
}

/** Waits until the simulator has delivered every queued webhook. */
export async function deliveriesIdle(sim: RunningSim): Promise<void> {
	await ok(await sim.control("POST", "/deliveries/idle"), "deliveries idle");
}

/** `repos` repositories × `pulls` open PRs under `owner`, built with webhooks off (then restored). */
export async function buildWorld(sim: RunningSim, opts: { owner: string; repos: number; pulls: number; prefix?: string; webhookUrl: string | null }): Promise<void> {
	await setWebhook(sim, null);
	const gh = await octokitAs(sim, "octocat");
	const prefix = opts.prefix ?? "svc";
	for (let r = 0; r < opts.repos; r++) {
		const name = `${prefix}-${String(r).padStart(3, "0")}`;
		const branches = Array.from({ length: opts.pulls }, (_, p) => `feature/${p}`);
		await createRepo(sim, opts.owner, name, branches);
		await Promise.all(branches.map((b) => openPull(gh, opts.owner, name, b)));
	}
	await setWebhook(sim, opts.webhookUrl);
}

/** How many actors of a kind exist in the backend's engine (the engine's own API). */
/** Actors of a kind, asked of the engine the way only the backend can (loopback, admin token). */
export async function actorCount(engine: { url: string; token: string }, name: string): Promise<number> {
	let cursor: string | null = null;
	let total = 0;
	do {
		const url: string = `${engine.url}/actors?namespace=default&name=${name}${cursor ? `&cursor=${cursor}` : ""}`;
		const res = await fetch(url, { headers: { authorization: `Bearer ${engine.token}` } });
		const body = (await res.json()) as { actors: unknown[]; pagination: { cursor: string | null } };
		total += body.actors.length;
		cursor = body.pagination.cursor;
	} while (cursor);
	return total;
}

/** Clones `owner/repo` as `login`, commits `file` on `branch` and pushes it (git smart-HTTP). Returns the new head. */
export async function pushCommit(sim: RunningSim, login: string, owner: string, repo: string, branch: string, file: string): Promise<string> {
	const { execFileSync } = await import("node:child_process");
	const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
	const { tmpdir } = await import("node:os");
	const { join } = await import("node:path");
	const url = await cloneUrlAs(sim, login, owner, repo);
	const dir = mkdtempSync(join(tmpdir(), "foundry-push-"));
	const git = (...args: string[]) => execFileSync("git", ["-C", dir, "-c", `user.name=${login}`, "-c", `user.email=${login}@example.com`, ...args], { encoding: "utf8" }).trim();
	try {
		execFileSync("git", ["clone", "--quiet", "--branch", branch, url.toString(), dir]);
		writeFileSync(join(dir, file), `${file} at ${Date.now()}\n`);
		git("add", file);
		git("commit", "--quiet", "-m", `change ${file}`);
		git("push", "--quiet", "origin", branch);
		return git("rev-parse", "HEAD");
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** A file's content at `ref` in the simulator's repository (read with git, as a user would). */
export async function fileAt(sim: RunningSim, login: string, owner: string, repo: string, ref: string, file: string): Promise<string> {
	const { execFileSync } = await import("node:child_process");
	const { mkdtempSync, rmSync } = await import("node:fs");
	const { tmpdir } = await import("node:os");
	const { join } = await import("node:path");
	const url = await cloneUrlAs(sim, login, owner, repo);
	const dir = mkdtempSync(join(tmpdir(), "foundry-read-"));
	try {
		execFileSync("git", ["clone", "--quiet", "--no-checkout", url.toString(), dir]);
		return execFileSync("git", ["-C", dir, "show", `${ref}:${file}`], { encoding: "utf8" });
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** The repository's clone URL with `login`'s token in it (as git over HTTPS takes it). */
async function cloneUrlAs(sim: RunningSim, login: string, owner: string, repo: string): Promise<URL> {
	const found = (await sim.world()).repos.find((r) => r.fullName === `${owner}/${repo}`);
	if (!found) throw new Error(`no repository ${owner}/${repo} in the simulator`);
	const url = new URL(found.cloneUrl);
	url.username = "x-access-token";
	url.password = await userToken(sim, login);
	return url;
}
