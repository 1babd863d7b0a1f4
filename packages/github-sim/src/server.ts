// The simulator's HTTP server: GitHub's REST API under /api/v3, the OAuth web flow, git smart
// HTTP at /{owner}/{repo}.git, and the control API under /_sim. One Bun.serve per instance.
import { Hono } from "hono";
import { verifyAppJwt } from "./auth/app-jwt.ts";
import { OAuthCodes } from "./auth/tokens.ts";
import { handleGitHttp, parseGitPath } from "./git/http.ts";
import { createApi } from "./http/api.ts";
import { controlRoutes } from "./routes/control.ts";
import { installRoutes } from "./routes/install.ts";
import { mergeRoutes } from "./routes/merge.ts";
import { oauthRoutes } from "./routes/oauth.ts";
import { Sim } from "./sim.ts";
import { atLeast } from "./state/world.ts";

export interface SimServerOptions {
	port: number;
	host?: string;
	dataDir: string;
}

export interface SimServer {
	url: string;
	sim: Sim;
	stop(): Promise<void>;
}

export async function startSimServer(opts: SimServerOptions): Promise<SimServer> {
	const host = opts.host ?? "127.0.0.1";
	let port = opts.port;
	const urls = { web: "", api: "" };
	const sim = new Sim({ dataDir: opts.dataDir, urls });
	const codes = new OAuthCodes((clientId) => (sim.world.data.app?.clientId === clientId ? sim.world.data.app.clientSecret : null));
	const api = createApi({
		world: () => sim.world,
		urls,
		limiter: sim.limiter,
		events: sim.events,
		verifyAppJwt: (jwt) => {
			const app = sim.world.data.app;
			if (!app) return { ok: false, reason: "no app" };
			const r = verifyAppJwt(jwt, { appId: app.id, publicKeyPem: app.publicKeyPem, clientId: app.clientId });
			return r.ok ? { ok: true, appId: app.id } : r;
		},
		extraRoutes: [mergeRoutes(sim)],
		faults: sim.faults,
	});
	const root = new Hono();
	root.route("/api/v3", api);
	root.route("/", oauthRoutes(sim, codes));
	root.route("/", installRoutes(sim));
	root.route("/_sim", controlRoutes(sim));
	root.all("*", async (c) => {
		if (!parseGitPath(new URL(c.req.url).pathname)) return c.json({ message: "Not Found" }, 404);
		return handleGitHttp(c.req.raw, {
			repos: sim.git,
			authorize: async (auth, ref, access) => {
				const repo = sim.world.repo(ref.owner, ref.name);
				if (!repo) return "not_found";
				const token = auth ? sim.world.token(auth.token) : undefined;
				if (auth && !token) return "unauthorized";
				let perm = sim.world.permission(repo, token?.login ?? null);
				if (token?.kind === "installation" && token.installationId !== null) {
					const inst = sim.world.installation(token.installationId);
					perm = inst && !inst.suspended && sim.world.installationRepos(inst).some((r) => r.id === repo.id) ? "write" : "none";
				}
				if (!atLeast(perm, "read")) return auth ? "not_found" : "unauthorized";
				if (access === "write" && !atLeast(perm, "write")) return auth ? "forbidden" : "unauthorized";
				return "ok";
			},
			onPush: async (event) => {
				const repo = sim.world.repo(event.owner, event.name);
				if (!repo) return;
				await sim.syncBranches(repo);
				const owner = event.token ? sim.world.token(event.token)?.login : undefined;
				const pusher = owner ?? event.pusher ?? repo.owner;
				for (const update of event.updates) {
					sim.events.push(repo, update, pusher);
					const branch = update.ref.replace(/^refs\/heads\//, "");
					for (const pull of sim.world.pulls(repo)) {
						if (pull.state === "open" && pull.head.ref === branch && update.after !== pull.head.sha) {
							pull.head.sha = update.after;
							pull.updatedAt = new Date().toISOString();
							sim.events.pullRequest(repo, pull, "synchronize", pusher, { before: update.before, after: update.after });
						}
					}
				}
			},
		});
	});

	const server = Bun.serve({ hostname: host, port, idleTimeout: 0, fetch: root.fetch });
	port = server.port ?? port;
	urls.web = `http://${host}:${port}`;
	urls.api = `${urls.web}/api/v3`;
	return {
		url: urls.web,
		sim,
		stop: async () => {
			await sim.webhooks.idle();
			await server.stop(true);
		},
	};
}
