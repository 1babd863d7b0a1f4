import { describe, expect, it } from "vitest";
import { jsonBytes, QUEUE_LIMITS } from "../actors/shared/queue-limits.ts";
import { fitWebhookPayload } from "./github-webhook.ts";

describe("fitWebhookPayload", () => {
	it("keeps what Foundry reads, cuts long texts, drops commit lists, and fits the github-data message limit", () => {
		const payload = {
			action: "created",
			repository: { full_name: "acme/widgets", owner: { login: "acme" } },
			comment: { id: 7, body: "b".repeat(65_536), user: { login: "octocat" } },
			commits: Array.from({ length: 2_000 }, (_, i) => ({ id: `c${i}`, message: "m".repeat(200) })),
		};
		const fitted = fitWebhookPayload(payload);
		expect(fitted).not.toBeNull();
		expect(fitted?.commits).toBeUndefined();
		expect(fitted?.repository).toEqual(payload.repository);
		const body = (fitted?.comment as { body: string } | undefined)?.body ?? "";
		expect(body.startsWith("b".repeat(8_000))).toBe(true);
		expect(body).toContain("57536 more characters not kept");
		expect(jsonBytes(fitted)).toBeLessThan(QUEUE_LIMITS.githubData.maxMessageBytes);
	});

	it("refuses a payload too big even cut down (null)", () => {
		const huge = { pull_request: { labels: Array.from({ length: 20_000 }, (_, i) => ({ name: `label-${i}` })) } };
		expect(fitWebhookPayload(huge)).toBeNull();
	});
});
