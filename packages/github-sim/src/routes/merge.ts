// PUT /repos/{o}/{r}/pulls/{n}/merge: a real merge (merge commit or squash) in the bare repository.
import { Hono } from "hono";
import { GitConflictError } from "../git/repos.ts";
import { type ApiEnv, repoFor, requireUser } from "../http/context.ts";
import type { Sim } from "../sim.ts";
import { SimError } from "../state/world.ts";

export function mergeRoutes(sim: Sim) {
	const app = new Hono<ApiEnv>();
	app.put("/repos/:owner/:repo/pulls/:number/merge", async (c) => {
		const repo = repoFor(c, "write");
		const pull = sim.world.pull(repo, Number(c.req.param("number")));
		if (!pull) throw new SimError(404, "Not Found");
		if (pull.state !== "open") throw new SimError(405, "Pull Request is not mergeable");
		const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
		const method = body.merge_method === "squash" ? "squash" : body.merge_method === "rebase" ? null : "merge";
		if (!method) throw new SimError(405, "Rebase merges are not allowed on this repository (simulator)");
		const actor = c.get("principal").kind === "user" ? requireUser(c) : repo.owner;
		const user = sim.world.user(actor);
		const title = typeof body.commit_title === "string" ? body.commit_title : `Merge pull request #${pull.number} from ${repo.owner}/${pull.head.ref}`;
		const before = repo.branches[pull.base.ref] ?? "0".repeat(40);
		let sha: string;
		try {
			({ sha } = await sim.git.merge(repo.owner, repo.name, {
				base: pull.base.ref,
				head: pull.head.ref,
				method,
				message: typeof body.commit_message === "string" ? `${title}\n\n${body.commit_message}` : title,
				author: { name: user?.name ?? actor, email: user?.email ?? `${actor}@users.noreply.sim` },
			}));
		} catch (err) {
			if (err instanceof GitConflictError) throw new SimError(405, "Pull Request is not mergeable");
			throw err;
		}
		await sim.syncBranches(repo);
		const t = new Date().toISOString();
		Object.assign(pull, { state: "closed", merged: true, mergedAt: t, closedAt: t, updatedAt: t, mergeCommitSha: sha });
		pull.base.sha = sha;
		sim.events.push(repo, { ref: `refs/heads/${pull.base.ref}`, before, after: sha }, actor);
		sim.events.pullRequest(repo, pull, "closed", actor);
		return c.json({ sha, merged: true, message: "Pull Request successfully merged" });
	});
	return app;
}
