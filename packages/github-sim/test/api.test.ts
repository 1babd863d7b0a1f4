// The REST API through the real @octokit/rest client against a running simulator process.
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSim, type SimWorld, startSim } from "./sim-harness.ts";

let sim: RunningSim;
let world: SimWorld;
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const octo = (token?: string) => new Octokit({ auth: token, baseUrl: sim.api, log: silent });
const tokenOf = (login: string) => {
	const t = world.users.find((u) => u.login === login)?.token;
	if (!t) throw new Error(`no token for ${login}`);
	return t;
};

beforeAll(async () => {
	sim = await startSim(["--demo"]);
	world = await sim.world();
});
afterAll(async () => {
	await sim?.stop();
});

async function status(p: Promise<unknown>): Promise<number> {
	try {
		await p;
		return 200;
	} catch (err) {
		return (err as { status: number }).status;
	}
}

describe("github-sim REST", () => {
	it("serves the demo world to its users", async () => {
		const me = await octo(tokenOf("octocat")).rest.users.getAuthenticated();
		expect(me.data).toMatchObject({ login: "octocat", type: "User" });
		const orgs = await octo(tokenOf("octocat")).rest.orgs.listForAuthenticatedUser();
		expect(orgs.data.map((o) => o.login)).toEqual(["acme"]);
		const repo = await octo(tokenOf("hubot")).rest.repos.get({ owner: "acme", repo: "widgets" });
		expect(repo.data).toMatchObject({ full_name: "acme/widgets", private: true, default_branch: "main", permissions: { push: true, admin: false } });
		const branches = await octo(tokenOf("hubot")).rest.repos.listBranches({ owner: "acme", repo: "widgets" });
		expect(branches.data.map((b) => b.name)).toEqual(["feature/sprockets", "main"]);
		const members = await octo(tokenOf("octocat")).rest.orgs.listMembers({ org: "acme", role: "admin" });
		expect(members.data.map((m) => m.login)).toEqual(["octocat"]);
		const perm = await octo(tokenOf("octocat")).rest.repos.getCollaboratorPermissionLevel({ owner: "acme", repo: "widgets", username: "hubot" });
		expect(perm.data.permission).toBe("write");
	});

	it("serves accounts, org membership and the user's installations", async () => {
		const o = octo(tokenOf("hubot"));
		expect((await o.rest.users.getByUsername({ username: "acme" })).data).toMatchObject({ login: "acme", type: "Organization" });
		expect((await o.rest.orgs.get({ org: "acme" })).data).toMatchObject({ login: "acme", name: "Acme Corp" });
		const membership = await o.rest.orgs.getMembershipForUser({ org: "acme", username: "hubot" });
		expect(membership.data).toMatchObject({ state: "active", role: "member" });
		const installs = await o.rest.apps.listInstallationsForAuthenticatedUser();
		expect(installs.data.total_count).toBe(1);
		expect(installs.data.installations[0]).toMatchObject({ account: { login: "acme" }, repository_selection: "all" });
		const emails = await o.rest.users.listEmailsForAuthenticatedUser();
		expect(emails.data).toEqual([expect.objectContaining({ email: "hubot@example.com", primary: true, verified: true })]);
	});

	it("answers 401 for a bad token and 404 for a private repo the caller may not see", async () => {
		expect(await status(octo("ghp_not-a-real-token").rest.users.getAuthenticated())).toBe(401);
		const outsider = (await (await sim.control("POST", "/users", { login: "mallory" })).json()) as { token: string };
		expect(await status(octo(outsider.token).rest.repos.get({ owner: "acme", repo: "widgets" }))).toBe(404);
		expect(await status(octo().rest.repos.get({ owner: "acme", repo: "widgets" }))).toBe(404);
		expect(await status(octo(outsider.token).rest.repos.get({ owner: "acme", repo: "docs" }))).toBe(200);
	});

	it("paginates with Link headers across page boundaries", async () => {
		const user = (await (await sim.control("POST", "/users", { login: "pager" })).json()) as { token: string };
		for (let i = 0; i < 7; i++) await sim.control("POST", "/repos", { owner: "pager", name: `repo-${i}` });
		const first = await octo(user.token).rest.repos.listForAuthenticatedUser({ per_page: 3 });
		expect(first.data).toHaveLength(3);
		expect(first.headers.link).toContain('rel="next"');
		expect(first.headers.link).toContain('rel="last"');
		const all = await octo(user.token).paginate(octo(user.token).rest.repos.listForAuthenticatedUser, { per_page: 3 });
		expect(all.map((r) => r.name).sort()).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `repo-${i}`));
	});

	it("returns 304 for a matching ETag without consuming the rate limit", async () => {
		const token = tokenOf("octocat");
		const first = await fetch(`${sim.api}/repos/acme/widgets`, { headers: { authorization: `token ${token}` } });
		const etag = first.headers.get("etag");
		const remaining = Number(first.headers.get("x-ratelimit-remaining"));
		expect(etag).toMatch(/^W\/"/);
		const again = await fetch(`${sim.api}/repos/acme/widgets`, { headers: { authorization: `token ${token}`, "if-none-match": etag ?? "" } });
		expect(again.status).toBe(304);
		expect(Number(again.headers.get("x-ratelimit-remaining"))).toBe(remaining);
		const octokit304 = await status(octo(token).rest.repos.get({ owner: "acme", repo: "widgets", headers: { "if-none-match": etag ?? "" } }));
		expect(octokit304).toBe(304);
	});

	it("refuses with 403 when the budget is exhausted, until the window resets", async () => {
		await sim.control("PUT", "/rate-limit", { authenticated: 2, windowMs: 1500 });
		const token = tokenOf("hubot");
		expect(await status(octo(token).rest.users.getAuthenticated())).toBe(200);
		expect(await status(octo(token).rest.users.getAuthenticated())).toBe(200);
		const res = await fetch(`${sim.api}/user`, { headers: { authorization: `token ${token}` } });
		expect(res.status).toBe(403);
		expect(res.headers.get("x-ratelimit-remaining")).toBe("0");
		expect(((await res.json()) as { message: string }).message).toMatch(/API rate limit exceeded/);
		await new Promise((r) => setTimeout(r, 1600));
		expect(await status(octo(token).rest.users.getAuthenticated())).toBe(200);
		await sim.control("PUT", "/rate-limit", { authenticated: 5000, windowMs: 3_600_000 });
	});

	it("creates, lists, filters and updates pull requests, reviews and comments", async () => {
		const o = octo(tokenOf("hubot"));
		const pr = await o.rest.pulls.create({ owner: "acme", repo: "widgets", title: "Sprockets", head: "feature/sprockets", base: "main" });
		expect(pr.status).toBe(201);
		expect(pr.data).toMatchObject({ number: 1, state: "open", head: { ref: "feature/sprockets" }, base: { ref: "main" }, user: { login: "hubot" } });
		expect(await status(o.rest.pulls.create({ owner: "acme", repo: "widgets", title: "dup", head: "feature/sprockets", base: "main" }))).toBe(422);
		const byHead = await o.rest.pulls.list({ owner: "acme", repo: "widgets", head: "acme:feature/sprockets" });
		expect(byHead.data.map((p) => p.number)).toEqual([1]);
		await o.rest.pulls.update({ owner: "acme", repo: "widgets", pull_number: 1, title: "Sprockets v2" });
		await octo(tokenOf("octocat")).rest.pulls.createReview({ owner: "acme", repo: "widgets", pull_number: 1, event: "REQUEST_CHANGES", body: "needs tests" });
		await o.rest.issues.createComment({ owner: "acme", repo: "widgets", issue_number: 1, body: "on it" });
		const reviews = await o.rest.pulls.listReviews({ owner: "acme", repo: "widgets", pull_number: 1 });
		expect(reviews.data.map((r) => r.state)).toEqual(["CHANGES_REQUESTED"]);
		const comments = await o.rest.issues.listComments({ owner: "acme", repo: "widgets", issue_number: 1 });
		expect(comments.data.map((c) => c.body)).toEqual(["on it"]);
		const closed = await o.rest.pulls.update({ owner: "acme", repo: "widgets", pull_number: 1, state: "closed" });
		expect(closed.data.state).toBe("closed");
		expect((await o.rest.pulls.list({ owner: "acme", repo: "widgets", state: "closed" })).data.map((p) => p.title)).toEqual(["Sprockets v2"]);
	});
});
