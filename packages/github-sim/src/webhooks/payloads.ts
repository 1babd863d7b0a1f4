// Webhook payload pieces with GitHub's field names (user, repository, installation, pull request,
// push), built from minimal simulator inputs; every URL derives from the configured web/API bases.

/** Where the simulator serves its web pages and its REST API, e.g. http://127.0.0.1:7790(/api/v3). */
export interface SimUrls {
	webBase: string;
	apiBase: string;
}

export interface SimUser {
	id: number;
	login: string;
	name?: string | null;
	email?: string | null;
	type: "User" | "Organization";
}

export interface SimRepo {
	id: number;
	owner: SimUser;
	name: string;
	private: boolean;
	defaultBranch: string;
	description?: string | null;
	archived?: boolean;
	/** ISO 8601 timestamps; pushed_at is null until the first push. */
	createdAt: string;
	updatedAt: string;
	pushedAt?: string | null;
}

export interface SimPull {
	id: number;
	number: number;
	state: "open" | "closed";
	title: string;
	body: string | null;
	draft: boolean;
	merged: boolean;
	mergedAt: string | null;
	mergeCommitSha: string | null;
	head: { ref: string; sha: string; repo: SimRepo };
	base: { ref: string; sha: string; repo: SimRepo };
	user: SimUser;
	createdAt: string;
	updatedAt: string;
	closedAt: string | null;
}

export interface SimInstallation {
	id: number;
	appId: number;
	appSlug: string;
	account: SimUser;
	repositorySelection: "all" | "selected";
	permissions: Record<string, "read" | "write" | "admin">;
	events: string[];
	createdAt: string;
	updatedAt?: string;
	suspendedAt?: string | null;
	suspendedBy?: SimUser | null;
}

export interface SimCommit {
	id: string;
	treeId?: string;
	message: string;
	timestamp: string;
	author: { name: string; email: string; username?: string };
	committer?: { name: string; email: string; username?: string };
	added?: string[];
	removed?: string[];
	modified?: string[];
}

const trim = (base: string) => base.replace(/\/+$/, "");
const web = (urls: SimUrls, path: string) => `${trim(urls.webBase)}/${path}`;
const api = (urls: SimUrls, path: string) => `${trim(urls.apiBase)}/${path}`;
const ZERO_SHA = /^0+$/;

export function userPayload(user: SimUser, urls: SimUrls) {
	return {
		login: user.login,
		id: user.id,
		// Same node id scheme as the simulator's REST responses, so both sides agree.
		node_id: `${user.type === "Organization" ? "O" : "U"}_${user.id}`,
		avatar_url: web(urls, `avatars/${user.login}`),
		gravatar_id: "",
		// GitHub's account objects use /users/{login} for organizations too.
		url: api(urls, `users/${user.login}`),
		html_url: web(urls, user.login),
		type: user.type,
		site_admin: false,
	};
}
export type UserPayload = ReturnType<typeof userPayload>;

export function repositoryPayload(repo: SimRepo, urls: SimUrls) {
	const fullName = `${repo.owner.login}/${repo.name}`;
	return {
		id: repo.id,
		node_id: `R_${repo.id}`,
		name: repo.name,
		full_name: fullName,
		private: repo.private,
		visibility: repo.private ? ("private" as const) : ("public" as const),
		owner: userPayload(repo.owner, urls),
		html_url: web(urls, fullName),
		description: repo.description ?? null,
		fork: false,
		url: api(urls, `repos/${fullName}`),
		clone_url: web(urls, `${fullName}.git`),
		default_branch: repo.defaultBranch,
		archived: repo.archived ?? false,
		created_at: repo.createdAt,
		updated_at: repo.updatedAt,
		pushed_at: repo.pushedAt ?? null,
	};
}
export type RepositoryPayload = ReturnType<typeof repositoryPayload>;

/** The `{ id, node_id }` reference GitHub adds to every event delivered to an App installation. */
export function installationRef(installationId: number): { id: number; node_id: string } {
	// GitHub's legacy global id: base64("023:IntegrationInstallation<id>").
	return { id: installationId, node_id: Buffer.from(`023:IntegrationInstallation${installationId}`).toString("base64") };
}

export function installationPayload(inst: SimInstallation, urls: SimUrls) {
	const settings = inst.account.type === "Organization" ? `organizations/${inst.account.login}/settings/installations/${inst.id}` : `settings/installations/${inst.id}`;
	return {
		id: inst.id,
		account: userPayload(inst.account, urls),
		repository_selection: inst.repositorySelection,
		access_tokens_url: api(urls, `app/installations/${inst.id}/access_tokens`),
		repositories_url: api(urls, "installation/repositories"),
		html_url: web(urls, settings),
		app_id: inst.appId,
		app_slug: inst.appSlug,
		target_id: inst.account.id,
		target_type: inst.account.type,
		permissions: { ...inst.permissions },
		events: [...inst.events],
		created_at: inst.createdAt,
		updated_at: inst.updatedAt ?? inst.createdAt,
		single_file_name: null,
		suspended_at: inst.suspendedAt ?? null,
		suspended_by: inst.suspendedBy ? userPayload(inst.suspendedBy, urls) : null,
	};
}
export type InstallationPayload = ReturnType<typeof installationPayload>;

function branchPayload(side: SimPull["head"], urls: SimUrls) {
	return {
		label: `${side.repo.owner.login}:${side.ref}`,
		ref: side.ref,
		sha: side.sha,
		user: userPayload(side.repo.owner, urls),
		repo: repositoryPayload(side.repo, urls),
	};
}

export function pullRequestPayload(pr: SimPull, urls: SimUrls) {
	const path = `${pr.base.repo.owner.login}/${pr.base.repo.name}`;
	return {
		url: api(urls, `repos/${path}/pulls/${pr.number}`),
		id: pr.id,
		node_id: `PR_${pr.id}`,
		html_url: web(urls, `${path}/pull/${pr.number}`),
		diff_url: web(urls, `${path}/pull/${pr.number}.diff`),
		patch_url: web(urls, `${path}/pull/${pr.number}.patch`),
		issue_url: api(urls, `repos/${path}/issues/${pr.number}`),
		number: pr.number,
		state: pr.state,
		locked: false,
		title: pr.title,
		user: userPayload(pr.user, urls),
		body: pr.body,
		created_at: pr.createdAt,
		updated_at: pr.updatedAt,
		closed_at: pr.closedAt,
		merged_at: pr.mergedAt,
		merge_commit_sha: pr.mergeCommitSha,
		draft: pr.draft,
		head: branchPayload(pr.head, urls),
		base: branchPayload(pr.base, urls),
		merged: pr.merged,
	};
}
export type PullRequestPayload = ReturnType<typeof pullRequestPayload>;

function commitPayload(c: SimCommit, repo: SimRepo, urls: SimUrls) {
	return {
		id: c.id,
		tree_id: c.treeId ?? null,
		distinct: true,
		message: c.message,
		timestamp: c.timestamp,
		url: web(urls, `${repo.owner.login}/${repo.name}/commit/${c.id}`),
		author: c.author,
		committer: c.committer ?? c.author,
		added: c.added ?? [],
		removed: c.removed ?? [],
		modified: c.modified ?? [],
	};
}
export type CommitPayload = ReturnType<typeof commitPayload>;

const unixSeconds = (iso: string | null | undefined) => (iso ? Math.floor(Date.parse(iso) / 1000) : null);

export interface PushInput {
	ref: string;
	before: string;
	after: string;
	repository: SimRepo;
	pusher: SimUser;
	sender: SimUser;
	/** Default: derived from the zero sha in before/after; forced defaults to false. */
	created?: boolean;
	deleted?: boolean;
	forced?: boolean;
	commits?: SimCommit[];
	/** Default: the last commit, or null when the ref was deleted or no commit is given. */
	head_commit?: SimCommit | null;
}

export function pushPayload(input: PushInput, urls: SimUrls) {
	const repo = input.repository;
	const deleted = input.deleted ?? ZERO_SHA.test(input.after);
	const commits = input.commits ?? [];
	const head = input.head_commit !== undefined ? input.head_commit : deleted ? null : (commits[commits.length - 1] ?? null);
	return {
		ref: input.ref,
		before: input.before,
		after: input.after,
		// GitHub's push payload is older than the others: timestamps are Unix seconds, the owner
		// carries name/email and the default branch is also given as master_branch.
		repository: {
			...repositoryPayload(repo, urls),
			owner: { name: repo.owner.login, email: repo.owner.email ?? null, ...userPayload(repo.owner, urls) },
			created_at: unixSeconds(repo.createdAt),
			pushed_at: unixSeconds(repo.pushedAt),
			master_branch: repo.defaultBranch,
		},
		pusher: { name: input.pusher.login, email: input.pusher.email ?? null },
		sender: userPayload(input.sender, urls),
		created: input.created ?? ZERO_SHA.test(input.before),
		deleted,
		forced: input.forced ?? false,
		base_ref: null,
		compare: web(urls, `${repo.owner.login}/${repo.name}/compare/${input.before.slice(0, 12)}...${input.after.slice(0, 12)}`),
		commits: commits.map((c) => commitPayload(c, repo, urls)),
		head_commit: head ? commitPayload(head, repo, urls) : null,
	};
}
export type PushPayload = ReturnType<typeof pushPayload>;
