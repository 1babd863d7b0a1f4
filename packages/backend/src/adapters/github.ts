// The GitHub adapter: the only module that builds Octokit clients. Base URLs come from
// configuration (github.com, GitHub Enterprise Server, or the local simulator).

import { FoundryError, type InstallationStatus, type Role } from "@foundry/shared";
import { Octokit } from "@octokit/rest";

export interface GithubConfig {
	webUrl: string;
	apiUrl: string;
}

export interface GithubIdentity {
	id: number;
	login: string;
	name: string | null;
	email: string | null;
	avatarUrl: string | null;
}

export interface GithubAccountAccess {
	/** GitHub login of the account (user or organization). */
	login: string;
	kind: "personal" | "organization";
	name: string;
	avatarUrl: string | null;
	role: Role;
	installation: InstallationStatus;
}

/** What user-scoped code (sign-in, organization discovery) may ask GitHub with a user's token. */
export interface GithubUserApi {
	/** GitHub's web base (`FOUNDRY_GITHUB_URL`): repositories there are "on GitHub" (domain/repo-url.ts GithubHost). */
	readonly webUrl: string;
	identity(token: string): Promise<GithubIdentity>;
	/** The primary verified email when the profile shows none. */
	primaryEmail(token: string): Promise<string | null>;
	/** The user's personal account and every organization they belong to, with role and App status. */
	accounts(token: string): Promise<{ identity: GithubIdentity; accounts: GithubAccountAccess[] }>;
	/** Opens a PR as the user (their permission on the repository decides). */
	createPull(token: string, pr: NewPull): Promise<{ number: number; url: string }>;
	/** Merges the open PR whose head is `head`, as the user. */
	mergePull(token: string, m: { repoFullName: string; head: string; method: "merge" | "squash" | "rebase" }): Promise<{ number: number; sha: string }>;
}

export interface NewPull {
	repoFullName: string;
	head: string;
	base: string;
	title: string;
	body: string;
	draft: boolean;
}

const split = (fullName: string) => {
	const [owner = "", repo = ""] = fullName.split("/");
	return { owner, repo };
};

const TIMEOUT_MS = 15_000;

export function githubUserApi(config: GithubConfig): GithubUserApi {
	const octokit = (token: string) =>
		new Octokit({ auth: token, baseUrl: config.apiUrl, request: { timeout: TIMEOUT_MS }, log: silentLog });

	async function identity(token: string): Promise<GithubIdentity> {
		const { data } = await upstream(() => octokit(token).rest.users.getAuthenticated());
		return { id: data.id, login: data.login, name: data.name ?? null, email: data.email ?? null, avatarUrl: data.avatar_url || null };
	}

	return {
		webUrl: config.webUrl,
		identity,
		async primaryEmail(token) {
			const { data } = await upstream(() => octokit(token).rest.users.listEmailsForAuthenticatedUser({ per_page: 100 }));
			return data.find((e) => e.primary && e.verified)?.email ?? data.find((e) => e.verified)?.email ?? null;
		},
		async accounts(token) {
			const gh = octokit(token);
			const me = await identity(token);
			const orgs = await upstream(() => gh.paginate(gh.rest.orgs.listForAuthenticatedUser, { per_page: 100 }));
			const installations = await upstream(() =>
				gh.paginate(gh.rest.apps.listInstallationsForAuthenticatedUser, { per_page: 100 }),
			);
			const installed = new Set(
				installations
					.filter((i) => !i.suspended_at)
					.map((i) => (i.account && "login" in i.account ? i.account.login.toLowerCase() : "")),
			);
			const status = (login: string): InstallationStatus => (installed.has(login.toLowerCase()) ? "connected" : "install_required");
			const accounts: GithubAccountAccess[] = [
				{ login: me.login, kind: "personal", name: me.name ?? me.login, avatarUrl: me.avatarUrl, role: "admin", installation: status(me.login) },
			];
			for (const org of orgs) {
				const { data: membership } = await upstream(() =>
					gh.rest.orgs.getMembershipForUser({ org: org.login, username: me.login }),
				);
				if (membership.state !== "active") continue;
				accounts.push({
					login: org.login,
					kind: "organization",
					name: org.login,
					avatarUrl: org.avatar_url || null,
					role: membership.role === "admin" ? "admin" : "member",
					installation: status(org.login),
				});
			}
			return { identity: me, accounts };
		},
		async createPull(token, pr) {
			const { owner, repo } = split(pr.repoFullName);
			const gh = octokit(token);
			const { data } = await upstream(() => gh.rest.pulls.create({ owner, repo, head: pr.head, base: pr.base, title: pr.title, body: pr.body, draft: pr.draft }));
			return { number: data.number, url: data.html_url };
		},
		async mergePull(token, m) {
			const { owner, repo } = split(m.repoFullName);
			const gh = octokit(token);
			const { data: open } = await upstream(() => gh.rest.pulls.list({ owner, repo, state: "open", head: `${owner}:${m.head}`, per_page: 1 }));
			const pr = open[0];
			if (!pr) throw new FoundryError("PRECONDITION_FAILED", `no open pull request for ${m.head} on ${m.repoFullName}`);
			const { data } = await upstream(() => gh.rest.pulls.merge({ owner, repo, pull_number: pr.number, merge_method: m.method }));
			return { number: pr.number, sha: data.sha };
		},
	};
}

// Octokit logs request failures itself; ours are mapped and logged by the caller.
const silentLog = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** GitHub failures become typed errors; the message never carries the token. */
export async function upstream<T>(run: () => Promise<T>): Promise<T> {
	try {
		return await run();
	} catch (err) {
		const status = (err as { status?: unknown }).status;
		const message = err instanceof Error ? err.message : String(err);
		if (status === 401) throw new FoundryError("UNAUTHORIZED", `GitHub refused the credentials: ${message}`);
		const headers = (err as { response?: { headers?: Record<string, string | undefined> } }).response?.headers ?? {};
		if (status === 429 || (status === 403 && headers["x-ratelimit-remaining"] === "0")) {
			const reset = Number(headers["x-ratelimit-reset"]);
			const details = Number.isFinite(reset) && reset > 0 ? { resetAt: reset * 1000 } : undefined;
			throw new FoundryError("RATE_LIMITED", `GitHub: ${message}`, details);
		}
		if (status === 403) throw new FoundryError("FORBIDDEN", `GitHub: ${message}`);
		throw new FoundryError("UPSTREAM_FAILED", `GitHub request failed${typeof status === "number" ? ` (${status})` : ""}: ${message}`);
	}
}
