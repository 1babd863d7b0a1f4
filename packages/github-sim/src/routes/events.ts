// Turns world changes into webhook events for the app installed on the repository's owner.
// Payloads reuse the REST shapes, which carry the fields GitHub sends.
import { accountJson, installationJson, pullJson, repoJson, reviewJson, commentJson, type Urls } from "../http/present.ts";
import type { SimCommentRecord, SimInstallationRecord, SimPullRecord, SimRepoRecord, SimReviewRecord } from "../state/types.ts";
import type { World } from "../state/world.ts";

export type Deliver = (
	appId: number,
	event: string,
	action: string | null,
	payload: Record<string, unknown>,
	installationId: number | null,
) => void;

export class SimEvents {
	constructor(
		private readonly world: () => World,
		private readonly urls: Urls,
		private readonly deliver: Deliver,
	) {}

	#emitForRepo(repo: SimRepoRecord, event: string, action: string | null, payload: Record<string, unknown>, actor: string) {
		const world = this.world();
		const app = world.data.app;
		const inst = world.installationFor(repo.owner);
		if (!app || !inst || inst.suspended) return;
		if (!world.installationRepos(inst).some((r) => r.id === repo.id)) return;
		this.deliver(app.id, event, action, {
			...payload,
			repository: repoJson(world, repo, this.urls, null),
			organization: world.org(repo.owner) ? accountJson(world, repo.owner, this.urls) : undefined,
			sender: accountJson(world, actor, this.urls),
		}, inst.id);
	}

	pullRequest(repo: SimRepoRecord, pull: SimPullRecord, action: string, actor: string, extra: Record<string, unknown> = {}) {
		this.#emitForRepo(repo, "pull_request", action, { number: pull.number, pull_request: pullJson(this.world(), pull, this.urls), ...extra }, actor);
	}

	review(repo: SimRepoRecord, pull: SimPullRecord, review: SimReviewRecord, actor: string) {
		const world = this.world();
		this.#emitForRepo(repo, "pull_request_review", "submitted", {
			review: reviewJson(world, review, this.urls),
			pull_request: pullJson(world, pull, this.urls),
		}, actor);
	}

	comment(repo: SimRepoRecord, pull: SimPullRecord, comment: SimCommentRecord, actor: string) {
		const world = this.world();
		const body = commentJson(world, comment, this.urls);
		if (comment.kind === "review") {
			this.#emitForRepo(repo, "pull_request_review_comment", "created", { comment: body, pull_request: pullJson(world, pull, this.urls) }, actor);
			return;
		}
		// issue_comment on a PR: the issue carries a pull_request link, as on GitHub.
		const pr = pullJson(world, pull, this.urls);
		this.#emitForRepo(repo, "issue_comment", "created", {
			comment: body,
			issue: { number: pull.number, title: pull.title, state: pull.state, user: pr.user, pull_request: { url: pr.url, html_url: pr.html_url } },
		}, actor);
	}

	push(repo: SimRepoRecord, update: { ref: string; before: string; after: string }, pusher: string) {
		const zero = /^0+$/;
		this.#emitForRepo(repo, "push", null, {
			ref: update.ref,
			before: update.before,
			after: update.after,
			created: zero.test(update.before),
			deleted: zero.test(update.after),
			forced: false,
			commits: [],
			head_commit: zero.test(update.after) ? null : { id: update.after },
			pusher: { name: pusher, email: `${pusher}@users.noreply.sim` },
		}, pusher);
	}

	repository(repo: SimRepoRecord, action: "created" | "deleted" | "renamed" | "archived" | "unarchived", actor: string, extra: Record<string, unknown> = {}) {
		this.#emitForRepo(repo, "repository", action, extra, actor);
	}

	member(repo: SimRepoRecord, user: string, action: "added" | "removed" | "edited", actor: string) {
		this.#emitForRepo(repo, "member", action, { member: accountJson(this.world(), user, this.urls) }, actor);
	}

	installationRepositories(inst: SimInstallationRecord, added: SimRepoRecord[], removed: SimRepoRecord[], actor: string) {
		const world = this.world();
		const app = world.data.app;
		if (!app) return;
		const brief = (r: SimRepoRecord) => ({ id: r.id, node_id: `R_${r.id}`, name: r.name, full_name: `${r.owner}/${r.name}`, private: r.private });
		this.deliver(app.id, "installation_repositories", added.length > 0 ? "added" : "removed", {
			installation: installationJson(world, inst, app.id, this.urls),
			repository_selection: inst.repositorySelection,
			repositories_added: added.map(brief),
			repositories_removed: removed.map(brief),
			sender: accountJson(world, actor, this.urls),
		}, inst.id);
	}

	installation(inst: SimInstallationRecord, action: string, actor: string) {
		const world = this.world();
		const app = world.data.app;
		if (!app) return;
		this.deliver(app.id, "installation", action, {
			installation: installationJson(world, inst, app.id, this.urls),
			repositories: world.installationRepos(inst).map((r) => ({ id: r.id, name: r.name, full_name: `${r.owner}/${r.name}`, private: r.private })),
			sender: accountJson(world, actor, this.urls),
		}, inst.id);
	}

	membership(org: string, user: string, action: "member_added" | "member_removed", actor: string) {
		const world = this.world();
		const app = world.data.app;
		const inst = world.installationFor(org);
		if (!app || !inst) return;
		this.deliver(app.id, "organization", action, {
			membership: { user: accountJson(world, user, this.urls), role: world.membership(org, user) ?? "member", state: "active" },
			organization: accountJson(world, org, this.urls),
			sender: accountJson(world, actor, this.urls),
		}, inst.id);
	}
}
