// The world the simulator serves: users, orgs, memberships, repositories, pull requests, reviews,
// comments, the app, installations and tokens. In memory; `toJSON`/`fromJSON` persist it.
import { randomBytes } from "node:crypto";
import type {
	Permission,
	SimAppRecord,
	SimCommentRecord,
	SimInstallationRecord,
	SimOrgRecord,
	SimPullRecord,
	SimRepoRecord,
	SimReviewRecord,
	SimTokenRecord,
	SimUserRecord,
} from "./types.ts";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function githubToken(prefix: "gho" | "ghs" | "ghp"): string {
	let out = "";
	for (const b of randomBytes(36)) out += BASE62[b % 62];
	return `${prefix}_${out}`;
}

const now = () => new Date().toISOString();

export class SimError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

const PERMISSION_RANK: Record<Permission, number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

export function atLeast(have: Permission, need: Permission): boolean {
	return PERMISSION_RANK[have] >= PERMISSION_RANK[need];
}

export interface WorldData {
	nextId: number;
	users: SimUserRecord[];
	orgs: SimOrgRecord[];
	memberships: Array<{ org: string; user: string; role: "admin" | "member" }>;
	repos: SimRepoRecord[];
	pulls: SimPullRecord[];
	reviews: SimReviewRecord[];
	comments: SimCommentRecord[];
	installations: SimInstallationRecord[];
	app: SimAppRecord | null;
	tokens: SimTokenRecord[];
}

export function emptyWorld(): WorldData {
	return {
		nextId: 1000,
		users: [],
		orgs: [],
		memberships: [],
		repos: [],
		pulls: [],
		reviews: [],
		comments: [],
		installations: [],
		app: null,
		tokens: [],
	};
}

export class World {
	data: WorldData;

	constructor(data: WorldData = emptyWorld()) {
		this.data = data;
	}

	id(): number {
		return this.data.nextId++;
	}

	reset(): void {
		this.data = emptyWorld();
	}

	// --- accounts -------------------------------------------------------------------------------

	user(login: string): SimUserRecord | undefined {
		return this.data.users.find((u) => u.login.toLowerCase() === login.toLowerCase());
	}

	org(login: string): SimOrgRecord | undefined {
		return this.data.orgs.find((o) => o.login.toLowerCase() === login.toLowerCase());
	}

	addUser(input: { login: string; name?: string; email?: string }): SimUserRecord {
		if (this.user(input.login) || this.org(input.login)) throw new SimError(422, `login ${input.login} is taken`);
		const user: SimUserRecord = {
			id: this.id(),
			login: input.login,
			name: input.name ?? input.login,
			email: input.email ?? `${input.login}@users.noreply.sim`,
			createdAt: now(),
		};
		this.data.users.push(user);
		return user;
	}

	addOrg(input: { login: string; name?: string; basePermission?: Permission }): SimOrgRecord {
		if (this.user(input.login) || this.org(input.login)) throw new SimError(422, `login ${input.login} is taken`);
		const org: SimOrgRecord = {
			id: this.id(),
			login: input.login,
			name: input.name ?? input.login,
			basePermission: input.basePermission ?? "write",
			createdAt: now(),
		};
		this.data.orgs.push(org);
		return org;
	}

	setMembership(org: string, user: string, role: "admin" | "member" | null): void {
		if (!this.org(org)) throw new SimError(404, `no org ${org}`);
		if (!this.user(user)) throw new SimError(404, `no user ${user}`);
		this.data.memberships = this.data.memberships.filter((m) => !(m.org === org && m.user === user));
		if (role) this.data.memberships.push({ org, user, role });
	}

	membership(org: string, user: string): "admin" | "member" | null {
		return this.data.memberships.find((m) => m.org === org && m.user === user)?.role ?? null;
	}

	orgsOf(user: string): SimOrgRecord[] {
		const logins = new Set(this.data.memberships.filter((m) => m.user === user).map((m) => m.org));
		return this.data.orgs.filter((o) => logins.has(o.login));
	}

	// --- repositories ---------------------------------------------------------------------------

	repo(owner: string, name: string): SimRepoRecord | undefined {
		return this.data.repos.find(
			(r) => r.owner.toLowerCase() === owner.toLowerCase() && r.name.toLowerCase() === name.toLowerCase(),
		);
	}

	repoById(id: number): SimRepoRecord | undefined {
		return this.data.repos.find((r) => r.id === id);
	}

	addRepo(input: { owner: string; name: string; private?: boolean; defaultBranch?: string; description?: string }): SimRepoRecord {
		if (!this.user(input.owner) && !this.org(input.owner)) throw new SimError(404, `no account ${input.owner}`);
		if (this.repo(input.owner, input.name)) throw new SimError(422, `repository ${input.owner}/${input.name} exists`);
		const t = now();
		const repo: SimRepoRecord = {
			id: this.id(),
			owner: input.owner,
			name: input.name,
			private: input.private ?? true,
			defaultBranch: input.defaultBranch ?? "main",
			archived: false,
			description: input.description ?? "",
			branches: {},
			grants: {},
			nextNumber: 1,
			createdAt: t,
			updatedAt: t,
			pushedAt: t,
		};
		this.data.repos.push(repo);
		return repo;
	}

	/** What `login` may do on `repo`, as GitHub computes it (owner, org role, base permission, grants). */
	permission(repo: SimRepoRecord, login: string | null): Permission {
		if (login === null) return repo.private ? "none" : "read";
		if (repo.owner.toLowerCase() === login.toLowerCase()) return "admin";
		const grant = repo.grants[login] ?? "none";
		const org = this.org(repo.owner);
		let fromOrg: Permission = "none";
		if (org) {
			const role = this.membership(org.login, login);
			fromOrg = role === "admin" ? "admin" : role === "member" ? org.basePermission : "none";
		}
		const best = atLeast(grant, fromOrg) ? grant : fromOrg;
		return best === "none" && !repo.private ? "read" : best;
	}

	// --- pull requests, reviews, comments -------------------------------------------------------

	pulls(repo: SimRepoRecord): SimPullRecord[] {
		return this.data.pulls.filter((p) => p.repoId === repo.id);
	}

	pull(repo: SimRepoRecord, number: number): SimPullRecord | undefined {
		return this.data.pulls.find((p) => p.repoId === repo.id && p.number === number);
	}

	addPull(
		repo: SimRepoRecord,
		input: { title: string; body?: string; head: string; base: string; user: string; draft?: boolean },
	): SimPullRecord {
		const headSha = repo.branches[input.head];
		const baseSha = repo.branches[input.base];
		if (!headSha) throw new SimError(422, `head branch ${input.head} does not exist`);
		if (!baseSha) throw new SimError(422, `base branch ${input.base} does not exist`);
		const open = this.pulls(repo).find((p) => p.state === "open" && p.head.ref === input.head && p.base.ref === input.base);
		if (open) throw new SimError(422, `A pull request already exists for ${repo.owner}:${input.head}.`);
		const t = now();
		const pull: SimPullRecord = {
			id: this.id(),
			repoId: repo.id,
			number: repo.nextNumber++,
			title: input.title,
			body: input.body ?? "",
			state: "open",
			draft: input.draft ?? false,
			merged: false,
			mergedAt: null,
			mergeCommitSha: null,
			head: { ref: input.head, sha: headSha },
			base: { ref: input.base, sha: baseSha },
			user: input.user,
			createdAt: t,
			updatedAt: t,
			closedAt: null,
		};
		this.data.pulls.push(pull);
		return pull;
	}

	reviews(repo: SimRepoRecord, number: number): SimReviewRecord[] {
		return this.data.reviews.filter((r) => r.repoId === repo.id && r.pullNumber === number);
	}

	comments(repo: SimRepoRecord, number: number, kind: "issue" | "review"): SimCommentRecord[] {
		return this.data.comments.filter((c) => c.repoId === repo.id && c.number === number && c.kind === kind);
	}

	// --- app, installations, tokens -------------------------------------------------------------

	installation(id: number): SimInstallationRecord | undefined {
		return this.data.installations.find((i) => i.id === id);
	}

	installationFor(account: string): SimInstallationRecord | undefined {
		return this.data.installations.find((i) => i.account.toLowerCase() === account.toLowerCase());
	}

	installationRepos(inst: SimInstallationRecord): SimRepoRecord[] {
		if (inst.repositorySelection === "all") return this.data.repos.filter((r) => r.owner === inst.account);
		return inst.repositoryIds.flatMap((id) => this.repoById(id) ?? []);
	}

	issueToken(input: Omit<SimTokenRecord, "token">, prefix: "gho" | "ghs" | "ghp"): SimTokenRecord {
		const record = { ...input, token: githubToken(prefix) };
		this.data.tokens.push(record);
		return record;
	}

	token(value: string, at = Date.now()): SimTokenRecord | undefined {
		const t = this.data.tokens.find((x) => x.token === value);
		if (!t || (t.expiresAt !== null && t.expiresAt <= at)) return undefined;
		return t;
	}
}
