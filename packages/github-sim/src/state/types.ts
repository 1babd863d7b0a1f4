// The simulated GitHub world: plain records, as the simulator stores them.
export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface SimUserRecord {
	id: number;
	login: string;
	name: string;
	email: string;
	createdAt: string;
}

export interface SimOrgRecord {
	id: number;
	login: string;
	name: string;
	/** Permission every member has on the org's repositories unless a repo grant says otherwise. */
	basePermission: Permission;
	createdAt: string;
}

export interface SimRepoRecord {
	id: number;
	owner: string;
	name: string;
	private: boolean;
	defaultBranch: string;
	archived: boolean;
	description: string;
	/** Branch name → head sha, as the simulator knows it. */
	branches: Record<string, string>;
	/** login → permission granted on this repository (collaborators). */
	grants: Record<string, Permission>;
	nextNumber: number;
	createdAt: string;
	updatedAt: string;
	pushedAt: string;
}

export interface SimPullRecord {
	id: number;
	repoId: number;
	number: number;
	title: string;
	body: string;
	state: "open" | "closed";
	draft: boolean;
	merged: boolean;
	mergedAt: string | null;
	mergeCommitSha: string | null;
	head: { ref: string; sha: string };
	base: { ref: string; sha: string };
	user: string;
	createdAt: string;
	updatedAt: string;
	closedAt: string | null;
}

export interface SimReviewRecord {
	id: number;
	repoId: number;
	pullNumber: number;
	user: string;
	state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED";
	body: string;
	commitId: string;
	submittedAt: string;
}

export interface SimCommentRecord {
	id: number;
	repoId: number;
	number: number;
	kind: "issue" | "review";
	user: string;
	body: string;
	path: string | null;
	line: number | null;
	commitId: string | null;
	createdAt: string;
	updatedAt: string;
}

export interface SimInstallationRecord {
	id: number;
	account: string;
	repositorySelection: "all" | "selected";
	/** Repository ids when the selection is "selected". */
	repositoryIds: number[];
	suspended: boolean;
	createdAt: string;
}

export interface SimAppRecord {
	id: number;
	slug: string;
	name: string;
	owner: string;
	clientId: string;
	clientSecret: string;
	webhookUrl: string | null;
	webhookSecret: string;
	publicKeyPem: string;
	privateKeyPem: string;
}

export interface SimTokenRecord {
	token: string;
	kind: "user" | "installation";
	login: string | null;
	installationId: number | null;
	scopes: string[];
	expiresAt: number | null;
}
