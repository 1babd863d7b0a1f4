// Payload builders: GitHub's field names (type-checked against Octokit's REST types), URLs from the
// configured bases, push quirks, and a full pull_request event through the dispatcher to a receiver.
import type { RestEndpointMethodTypes } from "@octokit/rest";
import { verify } from "@octokit/webhooks-methods";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebhookDispatcher } from "./dispatcher.ts";
import {
	installationPayload,
	installationRef,
	pullRequestPayload,
	pushPayload,
	repositoryPayload,
	type SimInstallation,
	type SimPull,
	type SimRepo,
	type SimUrls,
	type SimUser,
	userPayload,
} from "./payloads.ts";
import { type Receiver, startReceiver } from "./test-receiver.ts";

type RestPull = RestEndpointMethodTypes["pulls"]["get"]["response"]["data"];
type RestRepo = RestEndpointMethodTypes["repos"]["get"]["response"]["data"];
type RestInstallation = RestEndpointMethodTypes["apps"]["getInstallation"]["response"]["data"];
type RestUser = RestPull["user"];

const urls: SimUrls = { webBase: "http://127.0.0.1:7790/", apiBase: "http://127.0.0.1:7790/api/v3" };
const octocat: SimUser = { id: 1, login: "octocat", name: "The Octocat", email: "octocat@example.com", type: "User" };
const acme: SimUser = { id: 2, login: "acme", type: "Organization" };
const repo: SimRepo = { id: 10, owner: acme, name: "widgets", private: true, defaultBranch: "main", createdAt: "2024-01-01T00:00:00Z", updatedAt: "2024-01-02T00:00:00Z", pushedAt: "2024-01-03T00:00:00Z" };
const pull: SimPull = {
	id: 100,
	number: 7,
	state: "open",
	title: "Add widgets",
	body: null,
	draft: false,
	merged: false,
	mergedAt: null,
	mergeCommitSha: null,
	head: { ref: "feature", sha: "a".repeat(40), repo },
	base: { ref: "main", sha: "b".repeat(40), repo },
	user: octocat,
	createdAt: "2024-02-01T00:00:00Z",
	updatedAt: "2024-02-01T00:00:00Z",
	closedAt: null,
};

describe("payload builders", () => {
	it("user: GitHub's account fields, org node ids, URLs from the bases without double slashes", () => {
		const u = userPayload(octocat, urls) satisfies Pick<RestUser, "login" | "id" | "node_id" | "avatar_url" | "gravatar_id" | "url" | "html_url" | "type" | "site_admin">;
		expect(u).toEqual({
			login: "octocat",
			id: 1,
			node_id: "U_1",
			avatar_url: "http://127.0.0.1:7790/avatars/octocat",
			gravatar_id: "",
			url: "http://127.0.0.1:7790/api/v3/users/octocat",
			html_url: "http://127.0.0.1:7790/octocat",
			type: "User",
			site_admin: false,
		});
		expect(userPayload(acme, urls)).toMatchObject({ node_id: "O_2", type: "Organization", url: "http://127.0.0.1:7790/api/v3/users/acme" });
	});

	it("repository: names, owner, visibility and URLs", () => {
		type Fields = "id" | "node_id" | "name" | "full_name" | "private" | "html_url" | "description" | "fork" | "url" | "clone_url" | "default_branch" | "archived" | "created_at" | "updated_at";
		const r = repositoryPayload(repo, urls) satisfies Pick<RestRepo, Fields>;
		expect(r).toMatchObject({
			id: 10,
			node_id: "R_10",
			name: "widgets",
			full_name: "acme/widgets",
			private: true,
			visibility: "private",
			owner: { login: "acme", type: "Organization" },
			html_url: "http://127.0.0.1:7790/acme/widgets",
			url: "http://127.0.0.1:7790/api/v3/repos/acme/widgets",
			clone_url: "http://127.0.0.1:7790/acme/widgets.git",
			default_branch: "main",
			description: null,
			archived: false,
			created_at: "2024-01-01T00:00:00Z",
			pushed_at: "2024-01-03T00:00:00Z",
		});
		expect(repositoryPayload({ ...repo, pushedAt: undefined }, urls).pushed_at).toBeNull();
	});

	it("pull request: state, merge fields, head/base with repo, links on the base repository", () => {
		type Fields = "id" | "node_id" | "number" | "state" | "title" | "body" | "draft" | "merged" | "merged_at" | "merge_commit_sha" | "html_url" | "url" | "diff_url" | "patch_url" | "issue_url" | "locked" | "created_at" | "updated_at" | "closed_at";
		const pr = pullRequestPayload(pull, urls) satisfies Pick<RestPull, Fields>;
		pr.head satisfies Pick<RestPull["head"], "label" | "ref" | "sha">;
		expect(pr).toMatchObject({
			number: 7,
			node_id: "PR_100",
			state: "open",
			draft: false,
			merged: false,
			merged_at: null,
			merge_commit_sha: null,
			closed_at: null,
			html_url: "http://127.0.0.1:7790/acme/widgets/pull/7",
			url: "http://127.0.0.1:7790/api/v3/repos/acme/widgets/pulls/7",
			user: { login: "octocat" },
			head: { ref: "feature", sha: "a".repeat(40), label: "acme:feature", repo: { full_name: "acme/widgets" } },
			base: { ref: "main", sha: "b".repeat(40), label: "acme:main", repo: { id: 10 } },
		});
		const merged = pullRequestPayload({ ...pull, state: "closed", merged: true, mergedAt: "2024-02-02T00:00:00Z", closedAt: "2024-02-02T00:00:00Z", mergeCommitSha: "c".repeat(40) }, urls);
		expect(merged).toMatchObject({ state: "closed", merged: true, merged_at: "2024-02-02T00:00:00Z", closed_at: "2024-02-02T00:00:00Z", merge_commit_sha: "c".repeat(40) });
	});

	it("installation: account, app, target and API links; the reference's legacy node id", () => {
		type Fields = "id" | "app_id" | "app_slug" | "target_id" | "target_type" | "repository_selection" | "access_tokens_url" | "repositories_url" | "html_url" | "events" | "created_at" | "updated_at" | "single_file_name" | "suspended_at";
		const inst: SimInstallation = { id: 55, appId: 9, appSlug: "foundry", account: acme, repositorySelection: "selected", permissions: { contents: "write" }, events: ["push"], createdAt: "2024-01-01T00:00:00Z" };
		const body = installationPayload(inst, urls) satisfies Pick<RestInstallation, Fields>;
		expect(body).toMatchObject({
			id: 55,
			app_id: 9,
			app_slug: "foundry",
			target_id: 2,
			target_type: "Organization",
			account: { login: "acme" },
			repository_selection: "selected",
			access_tokens_url: "http://127.0.0.1:7790/api/v3/app/installations/55/access_tokens",
			repositories_url: "http://127.0.0.1:7790/api/v3/installation/repositories",
			html_url: "http://127.0.0.1:7790/organizations/acme/settings/installations/55",
			permissions: { contents: "write" },
			events: ["push"],
			updated_at: "2024-01-01T00:00:00Z",
			suspended_at: null,
			suspended_by: null,
		});
		expect(installationPayload({ ...inst, account: octocat }, urls).html_url).toBe("http://127.0.0.1:7790/settings/installations/55");
		// GitHub's documented example: installation 1 → "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==".
		expect(installationRef(1)).toEqual({ id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" });
	});

	it("push: created/deleted from zero shas, commits with URLs, GitHub's legacy repository shape", () => {
		const zero = "0".repeat(40);
		const commit = { id: "d".repeat(40), message: "Add", timestamp: "2024-03-01T00:00:00Z", author: { name: "Octo", email: "o@example.com", username: "octocat" }, added: ["a.txt"] };
		const created = pushPayload({ ref: "refs/heads/feature", before: zero, after: commit.id, repository: repo, pusher: octocat, sender: octocat, commits: [commit] }, urls);
		expect(created).toMatchObject({
			ref: "refs/heads/feature",
			created: true,
			deleted: false,
			forced: false,
			base_ref: null,
			pusher: { name: "octocat", email: "octocat@example.com" },
			sender: { login: "octocat" },
			compare: `http://127.0.0.1:7790/acme/widgets/compare/000000000000...${"d".repeat(12)}`,
			repository: { full_name: "acme/widgets", created_at: 1704067200, pushed_at: 1704240000, master_branch: "main", owner: { name: "acme", email: null, login: "acme" } },
		});
		expect(created.commits).toEqual([
			{ id: commit.id, tree_id: null, distinct: true, message: "Add", timestamp: commit.timestamp, url: `http://127.0.0.1:7790/acme/widgets/commit/${commit.id}`, author: commit.author, committer: commit.author, added: ["a.txt"], removed: [], modified: [] },
		]);
		expect(created.head_commit?.id).toBe(commit.id);

		const deleted = pushPayload({ ref: "refs/heads/feature", before: commit.id, after: zero, repository: repo, pusher: octocat, sender: octocat }, urls);
		expect(deleted).toMatchObject({ created: false, deleted: true, commits: [], head_commit: null });
		const forced = pushPayload({ ref: "refs/heads/main", before: "e".repeat(40), after: "f".repeat(40), repository: repo, pusher: octocat, sender: octocat, forced: true, commits: [], head_commit: null }, urls);
		expect(forced).toMatchObject({ created: false, deleted: false, forced: true, head_commit: null });
	});
});

describe("a pull_request event built from the payloads, delivered", () => {
	let rx: Receiver;
	beforeAll(async () => {
		rx = await startReceiver();
	});
	afterAll(() => rx.close());

	it("arrives as GitHub sends it: action first, then the payload, then the installation", async () => {
		const d = new WebhookDispatcher();
		d.setHook(9, { url: `${rx.base}/pr`, secret: "hook-secret" });
		const payload = { number: pull.number, pull_request: pullRequestPayload(pull, urls), repository: repositoryPayload(repo, urls), sender: userPayload(octocat, urls) };
		d.emit(9, "pull_request", "opened", payload, { installationId: 55 });
		await d.idle();
		const [req] = rx.received;
		expect(req?.headers["x-github-event"]).toBe("pull_request");
		expect(await verify("hook-secret", req!.body, String(req!.headers["x-hub-signature-256"]))).toBe(true);
		const body = JSON.parse(req!.body) as Record<string, unknown>;
		expect(Object.keys(body)).toEqual(["action", "number", "pull_request", "repository", "sender", "installation"]);
		expect(body).toEqual({ action: "opened", ...payload, installation: installationRef(55) });
	});
});
