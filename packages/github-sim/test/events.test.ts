// Webhook events driven through the control API and the REST API, as a receiver sees them.
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Receiver, type RunningSim, type SimWorld, startReceiver, startSim } from "./sim-harness.ts";

let sim: RunningSim;
let receiver: Receiver;
let world: SimWorld;
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

beforeAll(async () => {
	receiver = await startReceiver();
	const started = performance.now();
	sim = await startSim(["--demo"]);
	console.log(`github-sim --demo ready in ${Math.round(performance.now() - started)} ms`);
	await sim.control("PUT", "/app", { webhookUrl: receiver.url, webhookSecret: "s" });
	world = await sim.world();
});
afterAll(async () => {
	await sim?.stop();
	await receiver?.close();
});

const settle = () => sim.control("POST", "/deliveries/idle");

describe("webhook events", () => {
	it("repository lifecycle, collaborators and installation repositories", async () => {
		await sim.control("POST", "/repos", { owner: "acme", name: "gadgets" });
		await sim.control("PATCH", "/repos/acme/gadgets", { name: "gizmos" });
		await sim.control("PATCH", "/repos/acme/gizmos", { archived: true });
		await sim.control("PUT", "/repos/acme/gizmos/collaborators/hubot", { permission: "admin" });
		const inst = world.installations[0]!.id;
		await sim.control("PUT", `/installations/${inst}/repositories`, { remove: ["gizmos"] });
		await sim.control("PUT", `/installations/${inst}/repositories`, { add: ["gizmos"] });
		await sim.control("DELETE", "/repos/acme/gizmos");
		await settle();
		expect(receiver.events("repository").map((e) => e.action)).toEqual(["created", "renamed", "archived", "deleted"]);
		expect(receiver.events("repository", "renamed")[0]).toMatchObject({ changes: { repository: { name: { from: "gadgets" } } }, repository: { full_name: "acme/gizmos" } });
		expect(receiver.events("member", "added")[0]).toMatchObject({ member: { login: "hubot" } });
		const moved = receiver.events("installation_repositories");
		expect(moved.map((e) => e.action)).toEqual(["removed", "added"]);
		expect(moved[0]).toMatchObject({ repositories_removed: [{ full_name: "acme/gizmos" }], installation: { id: inst } });
	});

	it("installation lifecycle and organization membership", async () => {
		const inst = world.installations[0]!.id;
		await sim.control("POST", `/installations/${inst}/suspend`);
		await sim.control("POST", `/installations/${inst}/unsuspend`);
		await sim.control("POST", "/users", { login: "newbie" });
		await sim.control("PUT", "/orgs/acme/members/newbie", { role: "member" });
		await sim.control("DELETE", "/orgs/acme/members/newbie");
		await sim.control("DELETE", `/installations/${inst}`);
		await settle();
		expect(receiver.events("installation").map((e) => e.action)).toEqual(["suspend", "unsuspend", "deleted"]);
		expect(receiver.events("organization").map((e) => e.action)).toEqual(["member_added", "member_removed"]);
		expect(receiver.events("organization", "member_added")[0]).toMatchObject({ membership: { user: { login: "newbie" } }, organization: { login: "acme" } });
		const created = await sim.control("POST", "/installations", { account: "acme" });
		expect(created.status).toBe(201);
		await settle();
		expect(receiver.events("installation", "created")[0]).toMatchObject({ installation: { account: { login: "acme" } }, repositories: expect.any(Array) });
	});

	it("pull request lifecycle, reviews and both kinds of comments", async () => {
		const o = new Octokit({ auth: world.users.find((u) => u.login === "hubot")?.token ?? "", baseUrl: sim.api, log: silent });
		const pr = await o.rest.pulls.create({ owner: "acme", repo: "widgets", title: "Sprockets", head: "feature/sprockets", base: "main", body: "first" });
		const n = pr.data.number;
		await o.rest.pulls.update({ owner: "acme", repo: "widgets", pull_number: n, body: "second" });
		await o.rest.pulls.update({ owner: "acme", repo: "widgets", pull_number: n, state: "closed" });
		await o.rest.pulls.update({ owner: "acme", repo: "widgets", pull_number: n, state: "open" });
		await o.rest.pulls.createReview({ owner: "acme", repo: "widgets", pull_number: n, event: "COMMENT", body: "looks fine" });
		await o.rest.pulls.createReviewComment({ owner: "acme", repo: "widgets", pull_number: n, body: "nit", path: "README.md", line: 1, commit_id: pr.data.head.sha });
		await o.rest.issues.createComment({ owner: "acme", repo: "widgets", issue_number: n, body: "thanks" });
		await settle();
		expect(receiver.events("pull_request").map((e) => e.action)).toEqual(["opened", "edited", "closed", "reopened"]);
		expect(receiver.events("pull_request", "opened")[0]).toMatchObject({ number: n, pull_request: { title: "Sprockets", state: "open", user: { login: "hubot" } }, sender: { login: "hubot" } });
		expect(receiver.events("pull_request_review")[0]).toMatchObject({ action: "submitted", review: { state: "COMMENTED" } });
		expect(receiver.events("pull_request_review_comment")[0]).toMatchObject({ comment: { body: "nit", path: "README.md" } });
		expect(receiver.events("issue_comment")[0]).toMatchObject({ issue: { number: n, pull_request: expect.any(Object) }, comment: { body: "thanks" } });
	});
});
