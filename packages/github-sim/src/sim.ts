// The simulator's core: the world plus the real parts behind it (bare git repositories, webhook
// deliveries, rate limits), and the operations the control API and seeds use.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { generateAppKeyPair } from "./auth/app-jwt.ts";
import { GitRepos } from "./git/repos.ts";
import { RateLimiter } from "./http/protocol.ts";
import type { Urls } from "./http/present.ts";
import { SimEvents } from "./routes/events.ts";
import { Faults } from "./http/faults.ts";
import { type Seed, seedSchema } from "./state/seed.ts";
import type { SimInstallationRecord, SimRepoRecord } from "./state/types.ts";
import { githubToken, SimError, World } from "./state/world.ts";
import { WebhookDispatcher } from "./webhooks/dispatcher.ts";

export interface SimOptions {
	dataDir: string;
	urls: Urls;
	rateLimit?: { authenticated: number; anonymous: number; windowMs: number };
}

const AUTHOR = { name: "GitHub Simulator", email: "sim@github.local" };

export class Sim {
	world = new World();
	readonly git: GitRepos;
	readonly webhooks = new WebhookDispatcher({});
	readonly limiter: RateLimiter;
	readonly faults = new Faults();
	readonly events: SimEvents;
	readonly urls: Urls;

	constructor(private readonly options: SimOptions) {
		this.urls = options.urls;
		mkdirSync(join(options.dataDir, "repos"), { recursive: true });
		this.git = new GitRepos({ rootDir: join(options.dataDir, "repos") });
		this.limiter = new RateLimiter(options.rateLimit ?? { authenticated: 5000, anonymous: 60, windowMs: 3_600_000 });
		this.events = new SimEvents(
			() => this.world,
			this.urls,
			(appId, event, action, payload, installationId) =>
				this.webhooks.emit(appId, event, action, payload, installationId === null ? undefined : { installationId }),
		);
		this.#ensureApp("Foundry", null);
	}

	#ensureApp(name: string, owner: string | null) {
		if (this.world.data.app) return this.world.data.app;
		const keys = generateAppKeyPair();
		const id = this.world.id();
		this.world.data.app = {
			id,
			slug: name.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
			name,
			owner: owner ?? "",
			clientId: `Iv1.${githubToken("ghp").slice(4, 20).toLowerCase()}`,
			clientSecret: githubToken("ghp").slice(4),
			webhookUrl: null,
			webhookSecret: githubToken("ghp").slice(4, 28),
			publicKeyPem: keys.publicKeyPem,
			privateKeyPem: keys.privateKeyPem,
		};
		return this.world.data.app;
	}

	async reset(): Promise<void> {
		await this.webhooks.idle();
		this.webhooks.clear();
		for (const repo of this.world.data.repos) await this.git.delete(repo.owner, repo.name);
		this.world = new World();
		this.#ensureApp("Foundry", null);
	}

	addUser(input: { login: string; name?: string; email?: string }) {
		const user = this.world.addUser(input);
		const token = this.world.issueToken({ kind: "user", login: user.login, installationId: null, scopes: ["repo", "read:org", "user:email"], expiresAt: null }, "ghp");
		return { ...user, token: token.token };
	}

	setMembership(org: string, user: string, role: "admin" | "member" | null) {
		const had = this.world.membership(org, user);
		this.world.setMembership(org, user, role);
		if (!had && role) this.events.membership(org, user, "member_added", org);
		if (had && !role) this.events.membership(org, user, "member_removed", org);
	}

	async addRepo(input: { owner: string; name: string; private?: boolean; defaultBranch?: string; files?: Record<string, string>; branches?: string[]; description?: string }): Promise<SimRepoRecord> {
		const repo = this.world.addRepo(input);
		await this.git.create(repo.owner, repo.name, { defaultBranch: repo.defaultBranch, initialFiles: input.files ?? { "README.md": `# ${repo.name}\n` }, author: AUTHOR });
		for (const branch of input.branches ?? []) await this.git.createBranch(repo.owner, repo.name, branch, repo.defaultBranch);
		await this.syncBranches(repo);
		this.events.repository(repo, "created", repo.owner);
		return repo;
	}

	async updateRepo(owner: string, name: string, patch: { name?: string; archived?: boolean }): Promise<SimRepoRecord> {
		const repo = this.world.repo(owner, name);
		if (!repo) throw new SimError(404, "no such repository");
		if (patch.name && patch.name !== repo.name) {
			if (this.world.repo(owner, patch.name)) throw new SimError(422, `repository ${owner}/${patch.name} exists`);
			await this.git.rename(repo.owner, repo.name, repo.owner, patch.name);
			const from = repo.name;
			repo.name = patch.name;
			this.events.repository(repo, "renamed", repo.owner, { changes: { repository: { name: { from } } } });
		}
		if (patch.archived !== undefined && patch.archived !== repo.archived) {
			repo.archived = patch.archived;
			this.events.repository(repo, patch.archived ? "archived" : "unarchived", repo.owner);
		}
		repo.updatedAt = new Date().toISOString();
		return repo;
	}

	async deleteRepo(owner: string, name: string): Promise<void> {
		const repo = this.world.repo(owner, name);
		if (!repo) throw new SimError(404, "no such repository");
		this.events.repository(repo, "deleted", repo.owner);
		await this.git.delete(repo.owner, repo.name);
		this.world.data.repos = this.world.data.repos.filter((r) => r.id !== repo.id);
		this.world.data.pulls = this.world.data.pulls.filter((p) => p.repoId !== repo.id);
	}

	grant(owner: string, name: string, login: string, permission: SimRepoRecord["grants"][string]) {
		const repo = this.world.repo(owner, name);
		if (!repo) throw new SimError(404, "no such repository");
		if (!this.world.user(login)) throw new SimError(404, `no user ${login}`);
		const had = repo.grants[login];
		repo.grants[login] = permission;
		this.events.member(repo, login, permission === "none" ? "removed" : had ? "edited" : "added", repo.owner);
	}

	setInstallationRepos(id: number, change: { add?: string[]; remove?: string[] }) {
		const inst = this.world.installation(id);
		if (!inst) throw new SimError(404, "no such installation");
		const find = (n: string) => this.world.repo(inst.account, n) ?? [];
		const added = (change.add ?? []).flatMap(find);
		const removed = (change.remove ?? []).flatMap(find);
		if (inst.repositorySelection === "all") {
			inst.repositorySelection = "selected";
			inst.repositoryIds = this.world.installationRepos({ ...inst, repositorySelection: "all" }).map((r) => r.id);
		}
		inst.repositoryIds = [...new Set([...inst.repositoryIds, ...added.map((r) => r.id)])].filter((x) => !removed.some((r) => r.id === x));
		if (added.length > 0) this.events.installationRepositories(inst, added, [], inst.account);
		if (removed.length > 0) this.events.installationRepositories(inst, [], removed, inst.account);
	}

	/** Re-reads branch heads from the bare repository (after pushes and merges). */
	async syncBranches(repo: SimRepoRecord): Promise<void> {
		const branches = await this.git.branches(repo.owner, repo.name);
		repo.branches = Object.fromEntries(branches.map((b) => [b.name, b.sha]));
	}

	install(account: string, repositories: "all" | string[]): SimInstallationRecord {
		if (!this.world.user(account) && !this.world.org(account)) throw new SimError(404, `no account ${account}`);
		if (this.world.installationFor(account)) throw new SimError(422, `the app is already installed on ${account}`);
		const inst: SimInstallationRecord = {
			id: this.world.id(),
			account,
			repositorySelection: repositories === "all" ? "all" : "selected",
			repositoryIds: repositories === "all" ? [] : repositories.flatMap((n) => this.world.repo(account, n)?.id ?? []),
			suspended: false,
			createdAt: new Date().toISOString(),
		};
		this.world.data.installations.push(inst);
		this.events.installation(inst, "created", account);
		return inst;
	}

	setSuspended(id: number, suspended: boolean) {
		const inst = this.world.installation(id);
		if (!inst) throw new SimError(404, "no such installation");
		if (inst.suspended === suspended) return;
		inst.suspended = suspended;
		this.events.installation(inst, suspended ? "suspend" : "unsuspend", inst.account);
	}

	uninstall(id: number) {
		const inst = this.world.installation(id);
		if (!inst) throw new SimError(404, "no such installation");
		this.events.installation(inst, "deleted", inst.account);
		this.world.data.installations = this.world.data.installations.filter((i) => i.id !== id);
	}

	setWebhook(url: string | null, secret?: string) {
		const app = this.#ensureApp("Foundry", null);
		app.webhookUrl = url;
		if (secret) app.webhookSecret = secret;
		this.webhooks.setHook(app.id, url ? { url, secret: app.webhookSecret } : null);
	}

	async applySeed(raw: unknown): Promise<void> {
		const seed: Seed = seedSchema.parse(raw);
		for (const u of seed.users) this.addUser(u);
		for (const o of seed.orgs) {
			this.world.addOrg(o);
			for (const m of o.members) this.world.setMembership(o.login, m.login, m.role);
		}
		for (const r of seed.repos) await this.addRepo(r);
		if (seed.app) {
			const app = this.#ensureApp(seed.app.name, seed.app.owner ?? null);
			app.owner = seed.app.owner ?? app.owner;
			if (seed.app.webhookUrl) this.setWebhook(seed.app.webhookUrl);
		}
		for (const i of seed.installations) this.install(i.account, i.repositories);
	}

	describe() {
		const w = this.world.data;
		const app = w.app;
		return {
			urls: { web: this.urls.web, api: this.urls.api, oauthAuthorize: `${this.urls.web}/login/oauth/authorize`, oauthToken: `${this.urls.web}/login/oauth/access_token` },
			users: w.users.map((u) => ({ login: u.login, id: u.id, name: u.name, email: u.email, token: this.#personalToken(u.login) })),
			orgs: w.orgs.map((o) => ({ login: o.login, id: o.id, members: w.memberships.filter((m) => m.org === o.login).map((m) => ({ login: m.user, role: m.role })) })),
			repos: w.repos.map((r) => ({ id: r.id, owner: r.owner, name: r.name, fullName: `${r.owner}/${r.name}`, private: r.private, defaultBranch: r.defaultBranch, cloneUrl: `${this.urls.web}/${r.owner}/${r.name}.git`, branches: r.branches })),
			installations: w.installations.map((i) => ({ id: i.id, account: i.account, repositorySelection: i.repositorySelection, suspended: i.suspended })),
			app: app && { id: app.id, slug: app.slug, name: app.name, clientId: app.clientId, clientSecret: app.clientSecret, webhookUrl: app.webhookUrl, webhookSecret: app.webhookSecret, privateKeyPem: app.privateKeyPem },
		};
	}

	/** The personal token (ghp_) issued when the user was created: what scripts and tests use. */
	#personalToken(login: string): string | null {
		return this.world.data.tokens.find((t) => t.kind === "user" && t.login === login && t.token.startsWith("ghp_"))?.token ?? null;
	}

	get dataDir(): string {
		return this.options.dataDir;
	}
}
