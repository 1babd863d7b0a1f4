// The simulator's own control API under /_sim (not GitHub's surface): read the world, create
// accounts, repos, installations and PRs, change memberships, reset, read and replay deliveries,
// read the tokens issued to a user (tests check that they never leak).
import { Hono } from "hono";
import { z } from "zod";
import type { Sim } from "../sim.ts";
import { SimError } from "../state/world.ts";

const parse = <T extends z.ZodType>(schema: T, value: unknown): z.infer<T> => {
	const r = schema.safeParse(value);
	if (!r.success) throw new SimError(422, r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
	return r.data;
};

export function controlRoutes(sim: Sim) {
	const app = new Hono();
	app.onError((err, c) => {
		if (err instanceof SimError) return c.json({ message: err.message }, err.status as 404);
		console.error("github-sim: control error", err);
		return c.json({ message: String(err) }, 500);
	});
	const body = async (c: { req: { json(): Promise<unknown> } }) => c.req.json().catch(() => ({}));

	app.get("/world", (c) => c.json(sim.describe()));
	app.post("/reset", async (c) => {
		await sim.reset();
		return c.json({ ok: true });
	});
	app.post("/seed", async (c) => {
		await sim.applySeed(await body(c));
		return c.json(sim.describe());
	});
	app.post("/users", async (c) => {
		const input = parse(z.object({ login: z.string().min(1), name: z.string().optional(), email: z.string().optional() }), await body(c));
		return c.json(sim.addUser(input), 201);
	});
	app.get("/tokens", (c) => {
		const login = parse(z.string().min(1, "login is required"), c.req.query("login") ?? "").toLowerCase();
		const issued = sim.world.data.tokens.filter((t) => t.kind === "user" && t.login?.toLowerCase() === login);
		return c.json(issued.map((t) => ({ token: t.token, scopes: t.scopes, expiresAt: t.expiresAt })));
	});
	app.post("/orgs", async (c) => {
		const permission = z.enum(["admin", "maintain", "write", "triage", "read", "none"]);
		const input = parse(z.object({ login: z.string().min(1), name: z.string().optional(), basePermission: permission.optional() }), await body(c));
		return c.json(sim.world.addOrg(input), 201);
	});
	app.put("/orgs/:org/members/:user", async (c) => {
		const { role } = parse(z.object({ role: z.enum(["admin", "member"]).default("member") }), await body(c));
		sim.setMembership(c.req.param("org"), c.req.param("user"), role);
		return c.json({ ok: true });
	});
	app.delete("/orgs/:org/members/:user", (c) => {
		sim.setMembership(c.req.param("org"), c.req.param("user"), null);
		return c.json({ ok: true });
	});
	app.post("/repos", async (c) => {
		const input = parse(
			z.object({
				owner: z.string(),
				name: z.string(),
				private: z.boolean().default(true),
				defaultBranch: z.string().default("main"),
				files: z.record(z.string(), z.string()).optional(),
				branches: z.array(z.string()).optional(),
			}),
			await body(c),
		);
		return c.json(await sim.addRepo(input), 201);
	});
	app.patch("/repos/:owner/:repo", async (c) => {
		const patch = parse(z.object({ name: z.string().min(1).optional(), archived: z.boolean().optional() }), await body(c));
		const repo = await sim.updateRepo(c.req.param("owner"), c.req.param("repo"), patch);
		return c.json({ id: repo.id, fullName: `${repo.owner}/${repo.name}`, archived: repo.archived });
	});
	app.delete("/repos/:owner/:repo", async (c) => {
		await sim.deleteRepo(c.req.param("owner"), c.req.param("repo"));
		return c.json({ ok: true });
	});
	app.put("/repos/:owner/:repo/collaborators/:user", async (c) => {
		const { permission } = parse(z.object({ permission: z.enum(["admin", "maintain", "write", "triage", "read", "none"]) }), await body(c));
		sim.grant(c.req.param("owner"), c.req.param("repo"), c.req.param("user"), permission);
		return c.json({ ok: true });
	});
	app.put("/installations/:id/repositories", async (c) => {
		const change = parse(z.object({ add: z.array(z.string()).optional(), remove: z.array(z.string()).optional() }), await body(c));
		sim.setInstallationRepos(Number(c.req.param("id")), change);
		return c.json({ ok: true });
	});
	app.post("/installations", async (c) => {
		const input = parse(z.object({ account: z.string(), repositories: z.union([z.literal("all"), z.array(z.string())]).default("all") }), await body(c));
		return c.json(sim.install(input.account, input.repositories), 201);
	});
	app.post("/installations/:id/:action{suspend|unsuspend}", (c) => {
		sim.setSuspended(Number(c.req.param("id")), c.req.param("action") === "suspend");
		return c.json({ ok: true });
	});
	app.delete("/installations/:id", (c) => {
		sim.uninstall(Number(c.req.param("id")));
		return c.json({ ok: true });
	});
	app.put("/app", async (c) => {
		const input = parse(z.object({ webhookUrl: z.string().url().nullable(), webhookSecret: z.string().optional() }), await body(c));
		sim.setWebhook(input.webhookUrl, input.webhookSecret);
		return c.json(sim.describe().app);
	});
	app.put("/rate-limit", async (c) => {
		const input = parse(z.object({ authenticated: z.number().int().min(0).optional(), anonymous: z.number().int().min(0).optional(), windowMs: z.number().int().positive().optional() }), await body(c));
		sim.limiter.setBudget(input);
		return c.json({ ok: true });
	});
	app.put("/faults", async (c) => {
		const input = parse(z.object({ path: z.string().min(1), status: z.number().int().min(400).max(599), count: z.number().int().min(1).default(1) }), await body(c));
		sim.faults.add(input.path, input.status, input.count);
		return c.json({ ok: true });
	});
	app.delete("/faults", (c) => {
		sim.faults.clear();
		return c.json({ ok: true });
	});
	app.get("/deliveries", (c) => c.json(sim.webhooks.deliveries()));
	app.post("/deliveries/:id/redeliver", async (c) => {
		const id = c.req.param("id");
		const delivery = sim.webhooks.deliveries().find((d) => String(d.id) === id);
		if (!delivery) throw new SimError(404, "no such delivery");
		const copy = sim.webhooks.redeliver(delivery.id);
		if (!copy) throw new SimError(422, "the app has no active webhook");
		await sim.webhooks.idle();
		return c.json({ ok: true, id: copy.id });
	});
	app.post("/deliveries/idle", async (c) => {
		await sim.webhooks.idle();
		return c.json({ ok: true });
	});
	return app;
}
