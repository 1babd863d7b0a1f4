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

/** One page of a list as last read: its ETag, whether another page follows, and its items. */
export interface ListPage<T> {
	etag: string | null;
	next: boolean;
	items: T[];
}

/**
 * A list read with conditional requests, page by page: `changed` is false when GitHub answered 304
 * for every page (nothing to apply downstream); `pages` is the list now (unchanged pages from memo).
 */
export interface Conditional<T> {
	changed: boolean;
	pages: ListPage<T>[];
}

export const itemsOf = <T>(list: Conditional<T>): T[] => list.pages.flatMap((p) => p.items);

export interface GithubAppApi {
	installationFor(accountLogin: string): Promise<Installation | null>;
	/** `memo`: the pages as last read, to ask for each with If-None-Match (304: unchanged). */
	repositories(installationId: number, memo?: ListPage<GithubRepo>[] | null): Promise<Conditional<GithubRepo>>;
	openPulls(installationId: number, fullName: string, memo?: ListPage<PullRequest>[] | null): Promise<Conditional<PullRequest>>;
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
		async repositories(installationId, memo) {
			const gh = await asInstallation(installationId);
			return conditionalPages(memo, async (page, headers) => {
				const res = await gh.rest.apps.listReposAccessibleToInstallation({ per_page, page, headers });
				const items = res.data.repositories.map((r) => ({
					githubId: r.id,
					fullName: r.full_name,
					url: repoUrl(r.full_name),
					defaultBranch: r.default_branch ?? "main",
					private: r.private,
					archived: Boolean(r.archived),
				}));
				return { items, headers: res.headers };
			});
		},
		async openPulls(installationId, fullName, memo) {
			const gh = await asInstallation(installationId);
			const [owner = "", repo = ""] = fullName.split("/");
			return conditionalPages(memo, async (page, headers) => {
				const res = await gh.rest.pulls.list({ owner, repo, state: "open", per_page, page, headers });
				return { items: res.data.map((p) => toPullRequest(fullName, p)), headers: res.headers };
			});
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

/**
 * Reads every page, each with If-None-Match when its ETag is known. Octokit throws on 304: that
 * page is as last read. A list whose pages all answered 304 (and as many) is unchanged.
 */
async function conditionalPages<T>(
	memo: ListPage<T>[] | null | undefined,
	fetchPage: (page: number, headers: Record<string, string>) => Promise<{ items: T[]; headers: { etag?: string; link?: string } }>,
): Promise<Conditional<T>> {
	const pages: ListPage<T>[] = [];
	let changed = !memo;
	for (let page = 1; ; page++) {
		const known = memo?.[page - 1];
		try {
			const res = await fetchPage(page, known?.etag ? { "if-none-match": known.etag } : {});
			pages.push({ etag: res.headers.etag ?? null, next: /rel="next"/.test(res.headers.link ?? ""), items: res.items });
			changed = true;
		} catch (err) {
			if ((err as { status?: unknown }).status !== 304 || !known) return upstream(() => Promise.reject(err));
			pages.push(known);
		}
		if (!pages[page - 1]?.next) break;
	}
	return { changed: changed || pages.length !== memo?.length, pages };
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
	head: { ref: string; sha?: string };
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
		headSha: p.head.sha ?? null,
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
