// Pull requests: list/create/get/update, reviews, review comments and issue comments.
import { Hono } from "hono";
import { type ApiEnv, jsonBody, listResponse, repoFor, requireUser, stringField } from "../http/context.ts";
import { commentJson, pullJson, reviewJson } from "../http/present.ts";
import type { SimPullRecord } from "../state/types.ts";
import { SimError } from "../state/world.ts";
import type { SimEvents } from "./events.ts";

const now = () => new Date().toISOString();

export function pullRoutes(events: SimEvents) {
	const app = new Hono<ApiEnv>();

	const pullOf = (c: Parameters<typeof repoFor>[0]) => {
		const repo = repoFor(c);
		const pull = c.get("world").pull(repo, Number(c.req.param("number")));
		if (!pull) throw new SimError(404, "Not Found");
		return { repo, pull };
	};

	app.get("/repos/:owner/:repo/pulls", (c) => {
		const repo = repoFor(c);
		const state = c.req.query("state") ?? "open";
		const head = c.req.query("head");
		const base = c.req.query("base");
		const pulls = c
			.get("world")
			.pulls(repo)
			.filter((p) => state === "all" || p.state === state)
			.filter((p) => !head || `${repo.owner}:${p.head.ref}` === head || p.head.ref === head)
			.filter((p) => !base || p.base.ref === base)
			.sort((a, b) => b.number - a.number);
		return listResponse(c, pulls.map((p) => pullJson(c.get("world"), p, c.get("urls"))));
	});

	app.post("/repos/:owner/:repo/pulls", async (c) => {
		const repo = repoFor(c, "write");
		const user = c.get("principal").kind === "user" ? requireUser(c) : repo.owner;
		const body = await jsonBody(c);
		const pull = c.get("world").addPull(repo, {
			title: stringField(body, "title") ?? "",
			body: stringField(body, "body", false),
			head: (stringField(body, "head") ?? "").replace(/^[^:]+:/, ""),
			base: stringField(body, "base") ?? "",
			user,
			draft: body.draft === true,
		});
		events.pullRequest(repo, pull, "opened", user);
		return c.json(pullJson(c.get("world"), pull, c.get("urls")), 201);
	});

	app.get("/repos/:owner/:repo/pulls/:number", (c) => c.json(pullJson(c.get("world"), pullOf(c).pull, c.get("urls"))));

	app.patch("/repos/:owner/:repo/pulls/:number", async (c) => {
		const { repo, pull } = pullOf(c);
		repoFor(c, "write");
		const body = await jsonBody(c);
		const actor = c.get("principal").kind === "user" ? requireUser(c) : repo.owner;
		const action = applyUpdate(pull, body);
		if (action) events.pullRequest(repo, pull, action, actor);
		return c.json(pullJson(c.get("world"), pull, c.get("urls")));
	});

	app.get("/repos/:owner/:repo/pulls/:number/reviews", (c) => {
		const { repo, pull } = pullOf(c);
		return listResponse(c, c.get("world").reviews(repo, pull.number).map((r) => reviewJson(c.get("world"), r, c.get("urls"))));
	});

	app.post("/repos/:owner/:repo/pulls/:number/reviews", async (c) => {
		const { repo, pull } = pullOf(c);
		const user = requireUser(c);
		const body = await jsonBody(c);
		const event = typeof body.event === "string" ? body.event : "COMMENT";
		const state = event === "APPROVE" ? "APPROVED" : event === "REQUEST_CHANGES" ? "CHANGES_REQUESTED" : "COMMENTED";
		const world = c.get("world");
		const review = { id: world.id(), repoId: repo.id, pullNumber: pull.number, user, state, body: typeof body.body === "string" ? body.body : "", commitId: pull.head.sha, submittedAt: now() } as const;
		world.data.reviews.push(review);
		events.review(repo, pull, review, user);
		return c.json(reviewJson(world, review, c.get("urls")), 200);
	});

	for (const kind of ["review", "issue"] as const) {
		const path = kind === "review" ? "/repos/:owner/:repo/pulls/:number/comments" : "/repos/:owner/:repo/issues/:number/comments";
		app.get(path, (c) => {
			const { repo, pull } = pullOf(c);
			return listResponse(c, c.get("world").comments(repo, pull.number, kind).map((x) => commentJson(c.get("world"), x, c.get("urls"))));
		});
		app.post(path, async (c) => {
			const { repo, pull } = pullOf(c);
			const user = requireUser(c);
			const body = await jsonBody(c);
			const world = c.get("world");
			const t = now();
			const comment = {
				id: world.id(), repoId: repo.id, number: pull.number, kind, user,
				body: stringField(body, "body") ?? "",
				path: kind === "review" ? (stringField(body, "path", false) ?? null) : null,
				line: kind === "review" && typeof body.line === "number" ? body.line : null,
				commitId: kind === "review" ? pull.head.sha : null,
				createdAt: t, updatedAt: t,
			};
			world.data.comments.push(comment);
			events.comment(repo, pull, comment, user);
			return c.json(commentJson(world, comment, c.get("urls")), 201);
		});
	}
	return app;
}

/** Applies a PATCH body; returns the webhook action it amounts to, if any. */
function applyUpdate(pull: SimPullRecord, body: Record<string, unknown>): "edited" | "closed" | "reopened" | null {
	let action: "edited" | "closed" | "reopened" | null = null;
	if (typeof body.title === "string" && body.title !== pull.title) {
		pull.title = body.title;
		action = "edited";
	}
	if (typeof body.body === "string" && body.body !== pull.body) {
		pull.body = body.body;
		action = "edited";
	}
	if (body.state === "closed" && pull.state === "open" && !pull.merged) {
		pull.state = "closed";
		pull.closedAt = now();
		action = "closed";
	} else if (body.state === "open" && pull.state === "closed" && !pull.merged) {
		pull.state = "open";
		pull.closedAt = null;
		action = "reopened";
	}
	if (action) pull.updatedAt = now();
	return action;
}
