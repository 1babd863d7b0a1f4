// githubData.webhook: one verified delivery, processed once (deduplicated by X-GitHub-Delivery).
// Turns GitHub events into organization commands or a re-sync.
import { githubDataKey, parseInput, QUEUE } from "@foundry/shared";
import { z } from "zod";
import { toPullRequest } from "../../../adapters/github-app.ts";
import type { Outbox } from "../../shared/outbox.ts";
import { type GithubDataContext, setStatus } from "../context.ts";
import { deliveries } from "../schema.ts";

const schema = z.object({ deliveryId: z.string().min(1).max(100), event: z.string().min(1).max(100), payload: z.record(z.string(), z.unknown()) });

type Payload = Record<string, unknown>;
const obj = (v: unknown): Payload => (v && typeof v === "object" ? (v as Payload) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : "");

export async function handleWebhook(ctx: GithubDataContext, body: unknown, outbox: Outbox): Promise<{ duplicate: boolean; handled: boolean }> {
	const { deliveryId, event, payload } = parseInput(schema, body);
	const action = str(payload.action) || null;
	const [fresh] = await ctx.db
		.insert(deliveries)
		.values({ id: deliveryId, event, action, receivedAt: Date.now() })
		.onConflictDoNothing()
		.returning();
	if (!fresh) return { duplicate: true, handled: false };
	ctx.log.debug({ deliveryId, event, action }, "webhook");
	return { duplicate: false, handled: await dispatchEvent(ctx, event, action, payload, outbox) };
}

async function dispatchEvent(ctx: GithubDataContext, event: string, action: string | null, p: Payload, outbox: Outbox): Promise<boolean> {
	// Organization messages leave after the batch, merged (see merge.ts).
	const org = { send: async (queue: string, body: unknown) => outbox.tellOrganization(queue, body) };
	const resync = (reason: string) => ctx.peers.githubData.getOrCreate(githubDataKey(ctx.orgId)).send(QUEUE.githubData.sync, { reason });
	switch (event) {
		case "installation": {
			const id = Number(obj(p.installation).id) || null;
			if (action === "created" || action === "unsuspend" || action === "new_permissions_accepted") {
				await setStatus(ctx, { installationId: id, installation: "connected" });
				await resync(`installation ${action}`);
			} else if (action === "deleted") await setStatus(ctx, { installationId: null, installation: "install_required", phase: "idle" });
			else if (action === "suspend") await setStatus(ctx, { installation: "suspended" });
			return true;
		}
		case "installation_repositories":
		case "repository":
			await resync(`${event} ${action ?? ""}`.trim());
			return true;
		case "pull_request": {
			const repoFullName = str(obj(p.repository).full_name);
			const pr = toPullRequest(repoFullName, obj(p.pull_request) as unknown as Parameters<typeof toPullRequest>[1]);
			await org.send(QUEUE.organization.applyPullRequests, { repoFullName, pulls: [pr], complete: false });
			return true;
		}
		case "organization": {
			const login = str(obj(obj(p.membership).user).login);
			if (action === "member_removed" && login) {
				await org.send(QUEUE.organization.reconcileMembers, { removed: [login], reason: "removed from the organization on GitHub" });
				return true;
			}
			if (action === "member_added") await resync("member added");
			return action === "member_added";
		}
		case "member": {
			const login = str(obj(p.member).login);
			if (action === "removed" && login) await org.send(QUEUE.organization.reconcileMembers, { removed: [login], reason: "removed on GitHub" });
			return action === "removed";
		}
		case "pull_request_review": {
			const decision = decisionOf(action, p);
			if (decision !== undefined) {
				const prNumber = Number(obj(p.pull_request).number);
				await org.send(QUEUE.organization.applyReviewDecision, { repoFullName: str(obj(p.repository).full_name), prNumber, decision });
			}
			const followUp = followUpOf(event, action, p);
			if (followUp) await org.send(QUEUE.organization.recordFollowUp, followUp);
			return decision !== undefined || followUp !== null;
		}
		case "pull_request_review_comment":
		case "issue_comment": {
			const followUp = followUpOf(event, action, p);
			if (!followUp) return false;
			await org.send(QUEUE.organization.recordFollowUp, followUp);
			return true;
		}
		case "push": {
			const branch = /^refs\/heads\/(.+)$/.exec(str(p.ref))?.[1];
			if (!branch) return false; // tags
			await org.send(QUEUE.organization.applyBranchPush, {
				repoFullName: str(obj(p.repository).full_name),
				branch,
				headSha: p.deleted === true ? null : str(p.after) || null,
				pusher: str(obj(p.pusher).name),
				forced: p.forced === true,
			});
			return true;
		}
		default:
			return false;
	}
}

/** Reviews requesting changes, review comments and PR comments become follow-ups on the task. */
function followUpOf(event: string, action: string | null, p: Payload) {
	const repoFullName = str(obj(p.repository).full_name);
	const num = (v: unknown) => (typeof v === "number" ? v : null);
	const at = (v: unknown) => Date.parse(str(v)) || Date.now();
	if (event === "pull_request_review") {
		const review = obj(p.review);
		if (action !== "submitted" || str(review.state).toLowerCase() !== "changes_requested") return null;
		const prNumber = num(obj(p.pull_request).number);
		if (!prNumber) return null;
		return {
			repoFullName,
			prNumber,
			followUp: { id: `review-${String(review.id)}`, kind: "changes_requested", author: str(obj(review.user).login), body: str(review.body), path: null, line: null, url: str(review.html_url), createdAt: at(review.submitted_at) },
		};
	}
	if (event === "pull_request_review_comment") {
		const c = obj(p.comment);
		const prNumber = num(obj(p.pull_request).number);
		if (action !== "created" || !prNumber) return null;
		return {
			repoFullName,
			prNumber,
			followUp: { id: `review-comment-${String(c.id)}`, kind: "review_comment", author: str(obj(c.user).login), body: str(c.body), path: str(c.path) || null, line: num(c.line) ?? num(c.original_line), url: str(c.html_url), createdAt: at(c.created_at) },
		};
	}
	const issue = obj(p.issue);
	const c = obj(p.comment);
	if (action !== "created" || !issue.pull_request || !num(issue.number)) return null;
	return {
		repoFullName,
		prNumber: num(issue.number) as number,
		followUp: { id: `comment-${String(c.id)}`, kind: "comment", author: str(obj(c.user).login), body: str(c.body), path: null, line: null, url: str(c.html_url), createdAt: at(c.created_at) },
	};
}

/** The review decision a review event sets: approved / changes requested; dismissed clears it. */
function decisionOf(action: string | null, p: Payload): "approved" | "changes_requested" | null | undefined {
	const state = str(obj(p.review).state).toLowerCase();
	if (action === "dismissed") return null;
	if (action !== "submitted") return undefined;
	if (state === "approved" || state === "changes_requested") return state;
	return undefined;
}
