// End-to-end flows against a running simulator with real clients: the OAuth web flow over plain
// HTTP, GitHub App JWT → installation token, git clone/push with tokens, signed webhooks, merges.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Octokit } from "@octokit/rest";
import { verify } from "@octokit/webhooks-methods";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateAppKeyPair, signAppJwt } from "../src/auth/app-jwt.ts";
import { type Receiver, type RunningSim, type SimWorld, startReceiver, startSim } from "./sim-harness.ts";

const exec = promisify(execFile);
let sim: RunningSim;
let world: SimWorld;
let receiver: Receiver;
const tmp = mkdtempSync(join(tmpdir(), "github-sim-flows-"));
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const gitEnv = { ...process.env, HOME: tmp, GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0", GIT_AUTHOR_NAME: "T", GIT_AUTHOR_EMAIL: "t@x", GIT_COMMITTER_NAME: "T", GIT_COMMITTER_EMAIL: "t@x" };
const git = (args: string[], cwd = tmp) => exec("git", args, { cwd, env: gitEnv });
const tokenOf = (login: string) => world.users.find((u) => u.login === login)?.token ?? "";
const cloneUrl = (token: string | null, repo = "acme/widgets") => {
	const u = new URL(`${sim.url}/${repo}.git`);
	if (token) {
		u.username = "x-access-token";
		u.password = token;
	}
	return u.toString();
};
const eventsOf = (name: string) => receiver.events(name);

beforeAll(async () => {
	receiver = await startReceiver();
	sim = await startSim(["--demo"]);
	await sim.control("PUT", "/app", { webhookUrl: receiver.url, webhookSecret: "s3cret" });
	world = await sim.world();
});

afterAll(async () => {
	await sim?.stop();
	await receiver?.close();
	rmSync(tmp, { recursive: true, force: true });
});

describe("OAuth web flow", () => {
	it("authorize → code → token → /user; a code works once", async () => {
		const page = await fetch(`${sim.url}/login/oauth/authorize?client_id=${world.app.clientId}&redirect_uri=http://127.0.0.1:9/cb&state=abc`);
		expect(await page.text()).toContain("Sign in as octocat");
		const auth = await fetch(`${sim.url}/login/oauth/authorize?client_id=${world.app.clientId}&redirect_uri=http://127.0.0.1:9/cb&state=abc&scope=read:user,user:email&login=octocat`, { redirect: "manual" });
		expect(auth.status).toBe(302);
		const location = new URL(auth.headers.get("location") ?? "");
		expect(location.searchParams.get("state")).toBe("abc");
		const code = location.searchParams.get("code") ?? "";
		const exchange = (accept: string) =>
			fetch(`${sim.url}/login/oauth/access_token`, {
				method: "POST",
				headers: { accept, "content-type": "application/x-www-form-urlencoded" },
				body: new URLSearchParams({ client_id: world.app.clientId, client_secret: world.app.clientSecret, code, redirect_uri: "http://127.0.0.1:9/cb" }),
			});
		const token = (await (await exchange("application/json")).json()) as { access_token: string; scope: string };
		expect(token.access_token).toMatch(/^gho_[A-Za-z0-9]{36}$/);
		const user = await new Octokit({ auth: token.access_token, baseUrl: sim.api, log: silent }).rest.users.getAuthenticated();
		expect(user.data.login).toBe("octocat");
		expect(user.headers["x-oauth-scopes"]).toBe("read:user, user:email");
		expect(new URLSearchParams(await (await exchange("*/*")).text()).get("error")).toBe("bad_verification_code");
	});
});

describe("GitHub App", () => {
	it("JWT → installations → installation token → installation repositories; a foreign key is refused", async () => {
		const jwt = signAppJwt(world.app.id, world.app.privateKeyPem);
		const asApp = new Octokit({ auth: jwt, baseUrl: sim.api, log: silent });
		expect((await asApp.rest.apps.getAuthenticated()).data?.id).toBe(world.app.id);
		const installations = await asApp.rest.apps.listInstallations();
		expect(installations.data.map((i) => i.account?.login)).toEqual(["acme"]);
		const token = await asApp.rest.apps.createInstallationAccessToken({ installation_id: installations.data[0]!.id });
		expect(token.data.token).toMatch(/^ghs_/);
		const asInstallation = new Octokit({ auth: token.data.token, baseUrl: sim.api, log: silent });
		const repos = await asInstallation.paginate(asInstallation.rest.apps.listReposAccessibleToInstallation, { per_page: 1 });
		expect(repos.map((r) => r.full_name).sort()).toEqual(["acme/docs", "acme/widgets"]);
		const forged = signAppJwt(world.app.id, generateAppKeyPair().privateKeyPem);
		const status = await new Octokit({ auth: forged, baseUrl: sim.api, log: silent }).rest.apps.getAuthenticated().then(() => 200, (e: { status: number }) => e.status);
		expect(status).toBe(401);
	});
});

describe("App install page", () => {
	it("lists accounts without the App, installs on one (installation created webhook), refuses a second install", async () => {
		await sim.control("POST", "/orgs", { login: "newco" });
		const path = `${sim.url}/apps/${world.app.slug}/installations/new`;
		const page = await (await fetch(path)).text();
		expect(page).toContain("Install on newco");
		expect(page).not.toContain("Install on acme");
		const install = () => fetch(path, { method: "POST", body: new URLSearchParams({ account: "newco" }) });
		const first = await install();
		expect(first.status).toBe(200);
		expect(await first.text()).toContain("Installed");
		try {
			await sim.control("POST", "/deliveries/idle");
			const created = eventsOf("installation").find((e) => e.action === "created" && (e.installation as { account?: { login?: string } }).account?.login === "newco");
			expect(created).toBeDefined();
			expect((await install()).status).toBe(422);
			expect((await fetch(`${sim.url}/apps/nope/installations/new`)).status).toBe(404);
		} finally {
			const id = (await sim.world()).installations.find((i) => i.account === "newco")?.id;
			if (id !== undefined) await sim.control("DELETE", `/installations/${id}`);
		}
	});
});

describe("git over smart HTTP, webhooks and merges", () => {
	it("clones and pushes with tokens, refuses without, and emits signed push + synchronize events", async () => {
		await git(["clone", "--quiet", cloneUrl(tokenOf("hubot")), "widgets"]);
		expect(readFileSync(join(tmp, "widgets", "README.md"), "utf8")).toBe("# widgets\n");
		await expect(git(["clone", "--quiet", cloneUrl(null), "anon"])).rejects.toThrow();
		await expect(git(["clone", "--quiet", cloneUrl("ghp_wrong"), "wrong"])).rejects.toThrow();
		expect(existsSync(join(tmp, "anon"))).toBe(false);
		// <login>:<token> works as well as x-access-token:<token>, as on GitHub.
		const asLogin = new URL(cloneUrl(tokenOf("hubot")));
		asLogin.username = "hubot";
		await git(["clone", "--quiet", asLogin.toString(), "as-login"]);
		expect(existsSync(join(tmp, "as-login", "README.md"))).toBe(true);

		const repoDir = join(tmp, "widgets");
		await git(["checkout", "--quiet", "-b", "feature/gears"], repoDir);
		writeFileSync(join(repoDir, "gears.ts"), "export const gears = 1;\n");
		await git(["add", "."], repoDir);
		await git(["commit", "--quiet", "-m", "gears"], repoDir);
		await git(["push", "--quiet", "origin", "feature/gears"], repoDir);

		const o = new Octokit({ auth: tokenOf("hubot"), baseUrl: sim.api, log: silent });
		const pr = await o.rest.pulls.create({ owner: "acme", repo: "widgets", title: "Gears", head: "feature/gears", base: "main" });
		writeFileSync(join(repoDir, "gears.ts"), "export const gears = 2;\n");
		await git(["commit", "--quiet", "-am", "more gears"], repoDir);
		await git(["push", "--quiet", "origin", "feature/gears"], repoDir);
		await sim.control("POST", "/deliveries/idle");

		const pushes = eventsOf("push");
		expect(pushes.map((p) => p.ref)).toEqual(["refs/heads/feature/gears", "refs/heads/feature/gears"]);
		expect(pushes[0]).toMatchObject({ created: true, repository: { full_name: "acme/widgets" }, installation: { id: world.installations[0]!.id } });
		const sync = eventsOf("pull_request").filter((e) => e.action === "synchronize");
		expect(sync).toHaveLength(1);
		expect(sync[0]).toMatchObject({ number: pr.data.number, pull_request: { head: { ref: "feature/gears" } } });
		for (const r of receiver.received) {
			expect(await verify("s3cret", r.body, r.headers["x-hub-signature-256"] ?? "")).toBe(true);
			expect(await verify("wrong", r.body, r.headers["x-hub-signature-256"] ?? "")).toBe(false);
			expect(r.headers["x-github-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
		}

		const merged = await o.rest.pulls.merge({ owner: "acme", repo: "widgets", pull_number: pr.data.number, merge_method: "squash" });
		expect(merged.data.merged).toBe(true);
		const main = await o.rest.repos.getBranch({ owner: "acme", repo: "widgets", branch: "main" }).catch(() => null);
		const branches = await o.rest.repos.listBranches({ owner: "acme", repo: "widgets" });
		expect(branches.data.find((b) => b.name === "main")?.commit.sha ?? main?.data.commit.sha).toBe(merged.data.sha);
		await git(["fetch", "--quiet", "origin"], repoDir);
		const { stdout } = await git(["show", "origin/main:gears.ts"], repoDir);
		expect(stdout).toBe("export const gears = 2;\n");
		await sim.control("POST", "/deliveries/idle");
		const closed = eventsOf("pull_request").find((e) => e.action === "closed");
		expect(closed).toMatchObject({ pull_request: { merged: true, merge_commit_sha: merged.data.sha } });
	});

	it("refuses a push from a user without write access, and redelivers with the same guid", async () => {
		const outsider = (await (await sim.control("POST", "/users", { login: "reader" })).json()) as { token: string };
		await sim.control("PUT", "/repos/acme/widgets/collaborators/reader", { permission: "read" });
		await git(["clone", "--quiet", cloneUrl(outsider.token), "reader-clone"]);
		const dir = join(tmp, "reader-clone");
		writeFileSync(join(dir, "x.txt"), "x\n");
		await git(["add", "."], dir);
		await git(["commit", "--quiet", "-m", "x"], dir);
		await expect(git(["push", "--quiet", "origin", "HEAD:refs/heads/sneaky"], dir)).rejects.toThrow(/403|denied/);
		const deliveries = (await (await sim.control("GET", "/deliveries")).json()) as Array<{ id: number; guid: string; event: string }>;
		const first = deliveries[deliveries.length - 1]!;
		await sim.control("POST", `/deliveries/${first.id}/redeliver`);
		const again = receiver.received[receiver.received.length - 1]!;
		expect(again.headers["x-github-delivery"]).toBe(first.guid);
	});

	it("merges with a merge commit (two parents) and refuses a conflicting merge with 405", async () => {
		const repoDir = join(tmp, "widgets");
		const o = new Octokit({ auth: tokenOf("octocat"), baseUrl: sim.api, log: silent });
		await git(["fetch", "--quiet", "origin"], repoDir);
		for (const [branch, content] of [["feature/a", "a\n"], ["feature/b", "b\n"]] as const) {
			await git(["checkout", "--quiet", "-B", branch, "origin/main"], repoDir);
			writeFileSync(join(repoDir, "same.txt"), content);
			await git(["add", "."], repoDir);
			await git(["commit", "--quiet", "-m", branch], repoDir);
			await git(["push", "--quiet", "origin", branch], repoDir);
		}
		const a = await o.rest.pulls.create({ owner: "acme", repo: "widgets", title: "A", head: "feature/a", base: "main" });
		const b = await o.rest.pulls.create({ owner: "acme", repo: "widgets", title: "B", head: "feature/b", base: "main" });
		const merged = await o.rest.pulls.merge({ owner: "acme", repo: "widgets", pull_number: a.data.number, merge_method: "merge" });
		await git(["fetch", "--quiet", "origin"], repoDir);
		const { stdout } = await git(["rev-list", "--parents", "-n", "1", "origin/main"], repoDir);
		expect(stdout.trim().split(" ")).toHaveLength(3);
		expect(stdout.startsWith(merged.data.sha)).toBe(true);
		const conflict = await o.rest.pulls.merge({ owner: "acme", repo: "widgets", pull_number: b.data.number }).then(() => 200, (e: { status: number }) => e.status);
		expect(conflict).toBe(405);
		expect((await o.rest.pulls.get({ owner: "acme", repo: "widgets", pull_number: b.data.number })).data.state).toBe("open");
	});
});
