// The GitHub App side of the GitHub adapter: App JWT → installation token (cached until shortly
// before it expires) → Octokit for organization data. Base URL from configuration.
import { createSign } from "node:crypto";
import { FoundryError, type GithubRepo, type PrState, type PullRequest, type Role } from "@foundry/shared";
import { Octokit } from "@octokit/rest";
import { type GithubConfig, upstream } from "./github.ts";

export interface GithubAppConfig extends GithubConfig {
	app: { id: number; privateKey: string };
	pageSize?: number;
}

export interface Installation {
	id: number;
	account: string;
	suspended: boolean;
}

export interface GithubAppApi {
	installationFor(accountLogin: string): Promise<Installation | null>;
	repositories(installationId: number): Promise<GithubRepo[]>;
	openPulls(installationId: number, fullName: string): Promise<PullRequest[]>;
	members(installationId: number, org: string): Promise<Array<{ login: string; role: Role }>>;
	/** Requests made so far (for progress and benchmarks). */
	requests(): number;
}

const TIMEOUT_MS = 15_000;
const silentLog = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

export function signAppJwt(appId: number, privateKey: string, now = Date.now()): string {
	const iat = Math.floor(now / 1000) - 60;
	const header = b64url(JSON.stringify({ alg: "RS256", typ: "JWT" }));
	const payload = b64url(JSON.stringify({ iat, exp: iat + 540, iss: String(appId) }));
	const signature = createSign("RSA-SHA256").update(`${header}.${payload}`).sign(privateKey);
	return `${header}.${payload}.${b64url(signature)}`;
}

export function githubAppApi(config: GithubAppConfig, webUrl = config.webUrl): GithubAppApi {
	let requests = 0;
	const per_page = config.pageSize ?? 100;
	const tokens = new Map<number, { token: string; expiresAt: number }>();
	const client = (auth: string) => {
		const o = new Octokit({ auth, baseUrl: config.apiUrl, request: { timeout: TIMEOUT_MS }, log: silentLog });
		o.hook.before("request", () => {
			requests++;
		});
		return o;
	};
	const asApp = () => client(signAppJwt(config.app.id, config.app.privateKey));
	async function asInstallation(id: number): Promise<Octokit> {
		const cached = tokens.get(id);
		if (cached && cached.expiresAt - Date.now() > 5 * 60_000) return client(cached.token);
		const { data } = await upstream(() => asApp().rest.apps.createInstallationAccessToken({ installation_id: id }));
		tokens.set(id, { token: data.token, expiresAt: Date.parse(data.expires_at) });
		return client(data.token);
	}
	const repoUrl = (fullName: string) => `${webUrl}/${fullName}`;

	return {
		requests: () => requests,
		async installationFor(accountLogin) {
			const app = asApp();
			const all = await upstream(() => app.paginate(app.rest.apps.listInstallations, { per_page }));
			const found = all.find((i) => i.account && "login" in i.account && i.account.login.toLowerCase() === accountLogin.toLowerCase());
			return found ? { id: found.id, account: accountLogin, suspended: Boolean(found.suspended_at) } : null;
		},
		async repositories(installationId) {
			const gh = await asInstallation(installationId);
			const repos = await upstream(() => gh.paginate(gh.rest.apps.listReposAccessibleToInstallation, { per_page }));
			return repos.map((r) => ({
				githubId: r.id,
				fullName: r.full_name,
				url: repoUrl(r.full_name),
				defaultBranch: r.default_branch ?? "main",
				private: r.private,
				archived: Boolean(r.archived),
			}));
		},
		async openPulls(installationId, fullName) {
			const gh = await asInstallation(installationId);
			const [owner = "", repo = ""] = fullName.split("/");
			const pulls = await upstream(() => gh.paginate(gh.rest.pulls.list, { owner, repo, state: "open", per_page }));
			return pulls.map((p) => toPullRequest(fullName, p));
		},
		async members(installationId, org) {
			const gh = await asInstallation(installationId);
			const admins = await upstream(() => gh.paginate(gh.rest.orgs.listMembers, { org, role: "admin", per_page }));
			const everyone = await upstream(() => gh.paginate(gh.rest.orgs.listMembers, { org, per_page }));
			const adminSet = new Set(admins.map((m) => m.login));
			return everyone.map((m) => ({ login: m.login, role: adminSet.has(m.login) ? "admin" : "member" }));
		},
	};
}

interface PullLike {
	number: number;
	title: string;
	html_url: string;
	state: string;
	draft?: boolean | null;
	merged_at?: string | null;
	merged?: boolean | null;
	updated_at: string;
	head: { ref: string };
	base: { ref: string };
	user: { login: string } | null;
}

export function prStateOf(p: Pick<PullLike, "state" | "draft" | "merged_at" | "merged">): PrState {
	if (p.state === "closed") return p.merged_at || p.merged ? "merged" : "closed";
	return p.draft ? "draft" : "open";
}

export function toPullRequest(repoFullName: string, p: PullLike): PullRequest {
	return {
		repoFullName,
		number: p.number,
		title: p.title,
		url: p.html_url,
		headRef: p.head.ref,
		baseRef: p.base.ref,
		author: p.user?.login ?? "ghost",
		state: prStateOf(p),
		updatedAt: Date.parse(p.updated_at) || Date.now(),
	};
}

export function requireApp(config: GithubConfig & { app?: { id: number; privateKey: string } }): GithubAppConfig {
	if (!config.app) throw new FoundryError("PRECONDITION_FAILED", "the GitHub App is not configured (FOUNDRY_GITHUB_APP_ID / FOUNDRY_GITHUB_APP_PRIVATE_KEY)");
	return { ...config, app: config.app };
}
