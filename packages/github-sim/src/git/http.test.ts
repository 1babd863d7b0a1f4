// handleGitHttp behind a node:http server, driven by the real git CLI: clone/fetch/push with token
// auth (401/403/404 as GitHub answers), onPush ref updates, gzip requests; plus path/auth parsing.
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type GitAccess, type GitAuth, type GitDecision, handleGitHttp, parseGitAuth, parseGitPath, type PushEvent } from "./http.ts";
import { GitRepos, ZERO_SHA } from "./repos.ts";
import { AUTHOR, type Sandbox, type Served, sandbox, serve } from "./testing.ts";

const TOKENS = new Map([
	["t-write", { login: "writer", perm: "write" }],
	["t-read", { login: "reader", perm: "read" }],
	["t-outsider", { login: "outsider", perm: "none" }],
]);
const PRIVATE = new Set(["acme/widgets"]);

/** The same rules the simulator applies: hide private repos from outsiders, challenge anonymous callers. */
async function authorize(auth: GitAuth | null, repo: { owner: string; name: string }, access: GitAccess): Promise<GitDecision> {
	const key = `${repo.owner}/${repo.name}`;
	if (key !== "acme/widgets" && key !== "acme/public") return "not_found";
	const hidden = PRIVATE.has(key);
	if (!auth) return hidden || access === "write" ? "unauthorized" : "ok";
	const holder = TOKENS.get(auth.token);
	if (!holder || (auth.login !== null && auth.login !== holder.login)) return "unauthorized";
	if (holder.perm === "none") return hidden ? "not_found" : access === "read" ? "ok" : "forbidden";
	return access === "write" && holder.perm !== "write" ? "forbidden" : "ok";
}

let box: Sandbox;
let repos: GitRepos;
let server: Served;
let pushes: PushEvent[];

beforeEach(async () => {
	box = await sandbox();
	repos = new GitRepos({ rootDir: join(box.dir, "repos") });
	await repos.create("acme", "widgets", { author: AUTHOR });
	await repos.create("acme", "public", { author: AUTHOR });
	pushes = [];
	server = await serve((req) => handleGitHttp(req, { repos, authorize, onPush: (event) => void pushes.push(event) }));
});
afterEach(async () => {
	await server.close();
	await box.remove();
});

const remote = (user: string | null, token: string | null, path = "acme/widgets.git") =>
	`${server.url.replace("://", `://${user === null ? "" : `${user}:${token}@`}`)}/${path}`;
const statuses = (fragment: string) => server.log.filter((r) => r.path.includes(fragment)).map((r) => r.status);

async function cloneAndCommit(url: string, file: string): Promise<{ work: string; sha: string }> {
	const work = join(box.dir, `work-${file}`);
	await box.git(["clone", "--quiet", url, work]);
	await box.git(["-C", work, "commit", "--quiet", "--allow-empty", "-m", `touch ${file}`]);
	return { work, sha: await box.git(["-C", work, "rev-parse", "HEAD"]) };
}

describe("git clone over smart HTTP", () => {
	it("clones with x-access-token:<token> and <login>:<token>, speaking protocol v2", async () => {
		const a = join(box.dir, "a");
		await box.git(["clone", "--quiet", remote("x-access-token", "t-read"), a]);
		expect(await box.git(["-C", a, "show", "HEAD:README.md"])).toBe("# widgets");
		expect(await box.git(["-C", a, "rev-parse", "HEAD"])).toBe(await repos.resolveRef("acme", "widgets", "main"));
		const b = join(box.dir, "b");
		await box.git(["clone", "--quiet", remote("reader", "t-read", "acme/widgets"), b]);
		expect(await box.git(["-C", b, "branch", "--show-current"])).toBe("main");
		expect(server.log.some((r) => r.protocol === "version=2" && r.path.endsWith("/git-upload-pack"))).toBe(true);
		// Git sends credentials only once challenged: the first request is anonymous and gets a 401.
		expect(server.log[0]).toMatchObject({ auth: false, status: 401 });
	});

	it("refuses private clones without or with wrong credentials, and hides them from outsiders", async () => {
		const anonymous = await box.run(["clone", remote(null, null), join(box.dir, "anon")]);
		expect(anonymous.code).not.toBe(0);
		expect(anonymous.stderr).toMatch(/could not read Username|terminal prompts disabled/);
		const wrong = await box.run(["clone", remote("x-access-token", "t-bogus"), join(box.dir, "wrong")]);
		expect(wrong.code).not.toBe(0);
		expect(wrong.stderr).toMatch(/Authentication failed/);
		const mismatch = await box.run(["clone", remote("someone-else", "t-read"), join(box.dir, "mismatch")]);
		expect(mismatch.stderr).toMatch(/Authentication failed/);
		const outsider = await box.run(["clone", remote("outsider", "t-outsider"), join(box.dir, "outsider")]);
		expect(outsider.code).not.toBe(0);
		expect(outsider.stderr).toMatch(/not found/);
		expect(new Set(statuses("/acme/widgets.git/info/refs"))).toEqual(new Set([401, 404]));
		const open = join(box.dir, "open");
		await box.git(["clone", "--quiet", remote(null, null, "acme/public.git"), open]);
		expect(await box.git(["-C", open, "show", "HEAD:README.md"])).toBe("# public");
	});

	it("inflates gzip-encoded negotiation requests (git gzips large ones)", async () => {
		const work = join(box.dir, "work");
		await box.git(["clone", "--quiet", remote("x-access-token", "t-read"), work]);
		// 60 local commits newer than the shared one: the "have" rounds grow past 1 KiB and git gzips them.
		const tip = await box.git(["-C", work, "rev-parse", "HEAD"]);
		const now = Math.floor(Date.now() / 1000);
		const commits = Array.from({ length: 60 }, (_, i) => `commit refs/heads/main\ncommitter T <t@x.test> ${now + 60 + i} +0000\ndata ${`c${i}`.length}\nc${i}\n`);
		await box.git(["-C", work, "fast-import", "--quiet"], undefined, `reset refs/heads/main\nfrom ${tip}\n\n${commits.join("\n")}`);
		const { sha } = await repos.commitFiles("acme", "widgets", { branch: "main", files: { "new.txt": "new\n" }, message: "new", author: AUTHOR });
		await box.git(["-C", work, "fetch", "--quiet", "origin"]);
		expect(await box.git(["-C", work, "rev-parse", "origin/main"])).toBe(sha);
		expect(server.log.some((r) => r.encoding === "gzip" && r.path.endsWith("/git-upload-pack") && r.status === 200)).toBe(true);
	});
});

describe("git push over smart HTTP", () => {
	it("accepts a writer's push and reports main and a new branch to onPush, then a deletion", async () => {
		const before = await repos.resolveRef("acme", "widgets", "main");
		const { work, sha } = await cloneAndCommit(remote("writer", "t-write"), "main");
		await box.git(["-C", work, "checkout", "--quiet", "-b", "feature"]);
		await box.git(["-C", work, "commit", "--quiet", "--allow-empty", "-m", "feature work"]);
		const feature = await box.git(["-C", work, "rev-parse", "HEAD"]);
		await box.git(["-C", work, "push", "--quiet", "origin", "main", "feature"]);
		expect(pushes).toEqual([
			{
				owner: "acme",
				name: "widgets",
				pusher: "writer",
				token: "t-write",
				updates: [
					{ ref: "refs/heads/feature", before: ZERO_SHA, after: feature },
					{ ref: "refs/heads/main", before, after: sha },
				],
			},
		]);
		expect(await repos.branches("acme", "widgets")).toEqual([{ name: "feature", sha: feature }, { name: "main", sha }]);
		await box.git(["-C", work, "push", "--quiet", "origin", "--delete", "feature"]);
		expect(pushes[1]?.updates).toEqual([{ ref: "refs/heads/feature", before: feature, after: ZERO_SHA }]);
		expect(await repos.resolveRef("acme", "widgets", "feature")).toBeNull();
	});

	it("refuses a read-only token with 403 and an anonymous push with 401; refs stay put", async () => {
		const main = await repos.resolveRef("acme", "widgets", "main");
		const { work } = await cloneAndCommit(remote("x-access-token", "t-read"), "ro");
		const refused = await box.run(["-C", work, "push", "origin", "main"]);
		expect(refused.code).not.toBe(0);
		expect(refused.stderr).toMatch(/403/);
		expect(statuses("service=git-receive-pack")).toContain(403);
		expect(await repos.resolveRef("acme", "widgets", "main")).toBe(main);

		const open = await cloneAndCommit(remote(null, null, "acme/public.git"), "anon");
		const anonymous = await box.run(["-C", open.work, "push", "origin", "main"]);
		expect(anonymous.code).not.toBe(0);
		expect(statuses("/acme/public.git/info/refs?service=git-receive-pack")).toEqual([401]);
		expect(pushes).toEqual([]);
	});
});

describe("handleGitHttp requests", () => {
	const call = (path: string, init: RequestInit = {}) => handleGitHttp(new Request(`http://sim.test${path}`, init), { repos, authorize });
	const basic = (user: string, token: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${token}`).toString("base64")}` });
	const pkt = (line: string) => `${(line.length + 4).toString(16).padStart(4, "0")}${line}`;

	it("answers non-git paths, dumb fetches and wrong methods without running git", async () => {
		expect((await call("/acme/widgets.git/objects/info/packs")).status).toBe(404);
		expect((await call("/acme/widgets.git/info/refs")).status).toBe(403);
		expect((await call("/acme/widgets.git/git-upload-pack")).status).toBe(405);
		expect((await call("/acme/nope.git/info/refs?service=git-upload-pack", { headers: basic("reader", "t-read") })).status).toBe(404);
		const anonymous = await call("/acme/widgets.git/info/refs?service=git-upload-pack");
		expect(anonymous.status).toBe(401);
		expect(anonymous.headers.get("www-authenticate")).toBe('Basic realm="GitHub"');
	});

	it("serves a gzip-encoded v0 upload-pack request like a plain one", async () => {
		const want = await repos.resolveRef("acme", "widgets", "main");
		const body = `${pkt(`want ${want}\n`)}0000${pkt("done\n")}`;
		const headers = { ...basic("reader", "t-read"), "content-type": "application/x-git-upload-pack-request" };
		const plain = await call("/acme/widgets.git/git-upload-pack", { method: "POST", headers, body });
		const zipped = await call("/acme/widgets.git/git-upload-pack", { method: "POST", headers: { ...headers, "content-encoding": "gzip" }, body: gzipSync(body) });
		expect(plain.status).toBe(200);
		expect(zipped.headers.get("content-type")).toBe("application/x-git-upload-pack-result");
		const [a, b] = [Buffer.from(await plain.arrayBuffer()), Buffer.from(await zipped.arrayBuffer())];
		expect(a.subarray(0, 8).toString()).toBe("0008NAK\n");
		expect(a.includes("PACK")).toBe(true);
		expect(b.equals(a)).toBe(true);
	});
});

describe("parseGitPath / parseGitAuth", () => {
	it("accepts the three endpoints with or without .git, and refuses unsafe names", () => {
		expect(parseGitPath("/acme/widgets.git/info/refs")).toEqual({ owner: "acme", name: "widgets", rest: "/info/refs" });
		expect(parseGitPath("/acme/widgets/git-receive-pack")).toEqual({ owner: "acme", name: "widgets", rest: "/git-receive-pack" });
		expect(parseGitPath("/acme/.github.git/git-upload-pack")).toEqual({ owner: "acme", name: ".github", rest: "/git-upload-pack" });
		for (const bad of ["/acme/widgets.git/HEAD", "/%2e%2e/widgets.git/info/refs", "/acme/%2F.git/info/refs", "/a/b/c.git/info/refs", "/acme/%E0.git/info/refs"]) {
			expect(parseGitPath(bad)).toBeNull();
		}
	});

	it("reads x-access-token, login and bearer credentials", () => {
		const basic = (s: string) => `Basic ${Buffer.from(s).toString("base64")}`;
		expect(parseGitAuth(basic("x-access-token:ghs_1"))).toEqual({ login: null, token: "ghs_1" });
		expect(parseGitAuth(basic("octocat:ghp_2"))).toEqual({ login: "octocat", token: "ghp_2" });
		expect(parseGitAuth("Bearer ghs_3")).toEqual({ login: null, token: "ghs_3" });
		expect(parseGitAuth(basic("octocat:"))).toBeNull();
		expect(parseGitAuth(null)).toBeNull();
	});
});
