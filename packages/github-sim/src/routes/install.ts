// The App's public install page, as github.com serves it at /apps/{slug}/installations/new: pick an
// account (an organization or a user without the App) and install on all its repositories. The
// install emits the `installation` "created" webhook, as GitHub does. With a Setup URL configured
// GitHub would redirect there; the simulator shows a confirmation instead.
import { Hono } from "hono";
import type { Sim } from "../sim.ts";

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const page = (title: string, body: string) =>
	`<!doctype html><meta charset="utf-8"><title>${esc(title)}</title><body style="font:16px system-ui;margin:4rem auto;max-width:36rem">${body}</body>`;

export function installRoutes(sim: Sim) {
	const app = new Hono();
	const appFor = (slug: string) => {
		const a = sim.world.data.app;
		return a && a.slug === slug ? a : null;
	};

	app.get("/apps/:slug/installations/new", (c) => {
		const a = appFor(c.req.param("slug"));
		if (!a) return c.html(page("Not Found", "<h1>404: no such app</h1>"), 404);
		const accounts = [...sim.world.data.orgs.map((o) => o.login), ...sim.world.data.users.map((u) => u.login)].filter((login) => !sim.world.installationFor(login));
		const forms = accounts
			.map(
				(login) =>
					`<li><form method="post"><input type="hidden" name="account" value="${esc(login)}"><button type="submit">Install on ${esc(login)}</button></form></li>`,
			)
			.join("");
		return c.html(page(`Install ${a.name}`, `<h1>Install ${esc(a.name)}</h1><p>All repositories of the account you choose.</p><ul>${forms || "<li>Installed on every account.</li>"}</ul>`));
	});

	app.post("/apps/:slug/installations/new", async (c) => {
		const a = appFor(c.req.param("slug"));
		if (!a) return c.html(page("Not Found", "<h1>404: no such app</h1>"), 404);
		const form = await c.req.parseBody();
		const account = typeof form.account === "string" ? form.account : "";
		if (!sim.world.org(account) && !sim.world.user(account)) return c.html(page("Not Found", "<h1>No such account</h1>"), 404);
		if (sim.world.installationFor(account)) return c.html(page("Already installed", `<h1>${esc(a.name)} is already installed on ${esc(account)}</h1>`), 422);
		sim.install(account, "all");
		return c.html(page("Installed", `<h1>Installed ${esc(a.name)} on ${esc(account)}</h1><p>You can close this tab and return to the app.</p>`));
	});
	return app;
}
