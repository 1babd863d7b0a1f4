// World records → JSON with GitHub's field names (the subset Foundry and Octokit read).
import type { World } from "../state/world.ts";
import type {
	SimCommentRecord,
	SimInstallationRecord,
	SimOrgRecord,
	SimPullRecord,
	SimRepoRecord,
	SimReviewRecord,
	SimUserRecord,
} from "../state/types.ts";

export interface Urls {
	web: string;
	api: string;
}

export function userJson(u: SimUserRecord, urls: Urls) {
	return {
		login: u.login,
		id: u.id,
		node_id: `U_${u.id}`,
		avatar_url: `${urls.web}/avatars/${u.login}`,
		url: `${urls.api}/users/${u.login}`,
		html_url: `${urls.web}/${u.login}`,
		type: "User",
		site_admin: false,
		name: u.name,
		email: u.email,
		created_at: u.createdAt,
	};
}

export function orgAccountJson(o: SimOrgRecord, urls: Urls) {
	return {
		login: o.login,
		id: o.id,
		node_id: `O_${o.id}`,
		avatar_url: `${urls.web}/avatars/${o.login}`,
		url: `${urls.api}/orgs/${o.login}`,
		html_url: `${urls.web}/${o.login}`,
		type: "Organization",
		site_admin: false,
	};
}

export function accountJson(world: World, login: string, urls: Urls) {
	const org = world.org(login);
	if (org) return orgAccountJson(org, urls);
	const user = world.user(login);
	return user ? userJson(user, urls) : { login, id: 0, type: "User" };
}

export function orgJson(o: SimOrgRecord, urls: Urls) {
	return { ...orgAccountJson(o, urls), name: o.name, description: null, created_at: o.createdAt };
}

export function repoJson(world: World, r: SimRepoRecord, urls: Urls, viewer: string | null) {
	const fullName = `${r.owner}/${r.name}`;
	const perm = world.permission(r, viewer);
	return {
		id: r.id,
		node_id: `R_${r.id}`,
		name: r.name,
		full_name: fullName,
		private: r.private,
		visibility: r.private ? "private" : "public",
		owner: accountJson(world, r.owner, urls),
		html_url: `${urls.web}/${fullName}`,
		url: `${urls.api}/repos/${fullName}`,
		clone_url: `${urls.web}/${fullName}.git`,
		description: r.description,
		default_branch: r.defaultBranch,
		archived: r.archived,
		created_at: r.createdAt,
		updated_at: r.updatedAt,
		pushed_at: r.pushedAt,
		permissions: {
			admin: perm === "admin",
			maintain: ["admin", "maintain"].includes(perm),
			push: ["admin", "maintain", "write"].includes(perm),
			triage: ["admin", "maintain", "write", "triage"].includes(perm),
			pull: perm !== "none",
		},
	};
}

export function pullJson(world: World, p: SimPullRecord, urls: Urls) {
	const repo = world.repoById(p.repoId);
	const fullName = repo ? `${repo.owner}/${repo.name}` : "";
	const repoBody = repo ? repoJson(world, repo, urls, null) : null;
	return {
		id: p.id,
		node_id: `PR_${p.id}`,
		number: p.number,
		state: p.state,
		title: p.title,
		body: p.body,
		draft: p.draft,
		merged: p.merged,
		merged_at: p.mergedAt,
		merge_commit_sha: p.mergeCommitSha,
		user: accountJson(world, p.user, urls),
		html_url: `${urls.web}/${fullName}/pull/${p.number}`,
		url: `${urls.api}/repos/${fullName}/pulls/${p.number}`,
		head: { ref: p.head.ref, sha: p.head.sha, label: `${repo?.owner}:${p.head.ref}`, repo: repoBody },
		base: { ref: p.base.ref, sha: p.base.sha, label: `${repo?.owner}:${p.base.ref}`, repo: repoBody },
		created_at: p.createdAt,
		updated_at: p.updatedAt,
		closed_at: p.closedAt,
	};
}

export function reviewJson(world: World, r: SimReviewRecord, urls: Urls) {
	return {
		id: r.id,
		node_id: `PRR_${r.id}`,
		user: accountJson(world, r.user, urls),
		body: r.body,
		state: r.state,
		commit_id: r.commitId,
		submitted_at: r.submittedAt,
	};
}

export function commentJson(world: World, c: SimCommentRecord, urls: Urls) {
	return {
		id: c.id,
		node_id: `IC_${c.id}`,
		user: accountJson(world, c.user, urls),
		body: c.body,
		created_at: c.createdAt,
		updated_at: c.updatedAt,
		...(c.kind === "review" ? { path: c.path, line: c.line, commit_id: c.commitId } : {}),
	};
}

export function installationJson(world: World, i: SimInstallationRecord, appId: number, urls: Urls) {
	return {
		id: i.id,
		app_id: appId,
		account: accountJson(world, i.account, urls),
		target_type: world.org(i.account) ? "Organization" : "User",
		repository_selection: i.repositorySelection,
		suspended_at: i.suspended ? i.createdAt : null,
		created_at: i.createdAt,
		permissions: { contents: "write", pull_requests: "write", metadata: "read", members: "read" },
	};
}
