// POST /v1/webhooks/github: raw body, X-Hub-Signature-256 verified (@octokit/webhooks-methods),
// then one durable queue send to the organization's github-data actor and 202. Nothing reaches an
// actor unless the signature verifies. Deliveries are deduplicated by X-GitHub-Delivery there.
import { type ConnParams, FoundryError, githubDataKey, orgIdSchema, QUEUE } from "@foundry/shared";
import { verify } from "@octokit/webhooks-methods";
import type { Context } from "hono";
import type { Logger } from "pino";
import { jsonBytes, QUEUE_LIMITS, truncateStrings } from "../actors/shared/queue-limits.ts";
import type { AppEnv } from "./app.ts";

interface WebhookClient {
	githubData: { getOrCreate(key: string[], opts: { params: ConnParams }): { send(name: string, body: unknown): Promise<unknown> } };
}

export interface WebhookDeps {
	secret: string | undefined;
	client: () => WebhookClient;
	params: ConnParams;
	log: Logger;
}

type Payload = Record<string, unknown>;
const obj = (v: unknown): Payload => (v && typeof v === "object" ? (v as Payload) : {});

/** The organization a delivery belongs to: the org, else the installation's account, else the repository owner. */
export function orgOf(payload: Payload): string | null {
	const login =
		obj(payload.organization).login ?? obj(obj(payload.installation).account).login ?? obj(obj(payload.repository).owner).login;
	if (typeof login !== "string") return null;
	const parsed = orgIdSchema.safeParse(login.toLowerCase());
	return parsed.success ? parsed.data : null;
}

export function githubWebhookRoute(deps: WebhookDeps) {
	return async (c: Context<AppEnv>): Promise<Response> => {
		const delivery = c.req.header("x-github-delivery") ?? "";
		const event = c.req.header("x-github-event") ?? "";
		if (!deps.secret) throw new FoundryError("PRECONDITION_FAILED", "GitHub webhooks are not configured (FOUNDRY_GITHUB_WEBHOOK_SECRET)");
		const raw = await c.req.text();
		const signature = c.req.header("x-hub-signature-256");
		if (!signature || !(await verify(deps.secret, raw, signature).catch(() => false))) {
			deps.log.warn({ delivery, event, signed: Boolean(signature) }, "webhook refused: bad or missing signature");
			throw new FoundryError("UNAUTHORIZED", signature ? "webhook signature does not match" : "webhook signature missing");
		}
		let payload: Payload;
		try {
			payload = obj(JSON.parse(raw));
		} catch {
			throw new FoundryError("INVALID_INPUT", "webhook body is not valid JSON");
		}
		if (!delivery || !event) throw new FoundryError("INVALID_INPUT", "X-GitHub-Delivery and X-GitHub-Event are required");
		const orgId = orgOf(payload);
		if (!orgId) {
			deps.log.info({ delivery, event }, "webhook ignored: no organization in the payload");
			return c.json({ accepted: false, reason: "no organization" }, 202);
		}
		const fitted = fitWebhookPayload(payload);
		if (!fitted) {
			deps.log.warn({ delivery, event, bytes: raw.length }, "webhook refused: too large even cut down");
			throw new FoundryError("INVALID_INPUT", "webhook payload is too large to process, even without the parts Foundry does not use");
		}
		await deps.client()
			.githubData.getOrCreate(githubDataKey(orgId), { params: deps.params })
			.send(QUEUE.githubData.webhook, { deliveryId: delivery, event, payload: fitted });
		return c.json({ accepted: true }, 202);
	};
}

/** The parts of a delivery Foundry reads (commit lists, changed-repository lists and the like stay behind). */
const KEPT = ["action", "organization", "installation", "repository", "sender", "pull_request", "review", "comment", "issue", "membership", "member", "ref", "after", "deleted", "forced", "pusher"];
/** Room for the envelope under the github-data actor's message limit. */
const PAYLOAD_MAX_BYTES = QUEUE_LIMITS.githubData.maxMessageBytes - 4 * 1024;

/**
 * A delivery cut to fit one queue message: the kept parts, texts (PR and comment bodies, up to
 * 65,536 characters on GitHub) at most 8,000 characters, then 1,000; null when even that is too big.
 */
export function fitWebhookPayload(payload: Payload): Payload | null {
	const kept = Object.fromEntries(KEPT.filter((k) => k in payload).map((k) => [k, payload[k]]));
	for (const maxChars of [8_000, 1_000]) {
		const cut = truncateStrings(kept, maxChars);
		if (jsonBytes(cut) <= PAYLOAD_MAX_BYTES) return cut;
	}
	return null;
}
