// Step 6 against the Stripe simulator: seats on the free plan, spend caps (a long turn stopped, the
// next refused, admins told), metering equal to the measured turns, checkout → team plan, usage
// reported to Stripe once per turn, cancel/resume, past-due grace, subscription deleted → free,
// webhook signature and timestamp checks, replayed events applied once, admin-only actions.
import type { FoundryClient } from "@foundry/client";
import type { Session } from "@foundry/shared";
import { DEFAULT_WEBHOOK_SECRET, type RunningStripeSim, startStripeSim } from "@foundry/stripe-sim/harness";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eventually, runCli, startBackend, type TestBackend } from "./harness.ts";

// Agent turns in real sandboxes: on a loaded 2-core CI machine a test can take minutes.
vi.setConfig({ testTimeout: 180_000 });

let stripe: RunningStripeSim;
let backend: TestBackend;
let octocat: FoundryClient;
let hubot: FoundryClient;
let repoId: string;

// Past-due grace of ~4 s, so the test sees sends allowed, then refused.
const GRACE_DAYS = 0.00005;

beforeAll(async () => {
	stripe = await startStripeSim();
	backend = await startBackend({
		env: {
			FOUNDRY_STRIPE_API_URL: stripe.url,
			FOUNDRY_STRIPE_SECRET_KEY: "sk_test_foundry",
			FOUNDRY_STRIPE_WEBHOOK_SECRET: DEFAULT_WEBHOOK_SECRET,
			FOUNDRY_PAST_DUE_GRACE_DAYS: String(GRACE_DAYS),
		},
	});
	await stripe.setWebhook(`${backend.url}/v1/webhooks/stripe`, { secret: DEFAULT_WEBHOOK_SECRET });
	octocat = backend.client();
	hubot = backend.clientFor((await backend.signIn("hubot")).sessionToken, "acme");
	await eventually(async () => ((await hubot.me.profile()).organizations.some((o) => o.orgId === "acme") ? true : undefined), 30_000);
	repoId = (await eventually(async () => (await octocat.repos.list()).find((r) => r.name === "acme/widgets"), 60_000)).id;
}, 120_000);
afterAll(async () => {
	await backend?.stop({ cleanup: true });
	await stripe?.stop();
});

async function codeOf(p: Promise<unknown>): Promise<string> {
	try {
		await p;
		return "ok";
	} catch (err) {
		return `${String((err as { code?: unknown }).code)}: ${(err as Error).message}`;
	}
}

/** A ready session on a new task (no first prompt: nothing is metered until a message is sent). */
async function session(client: FoundryClient, title: string): Promise<{ taskId: string; session: Session }> {
	const task = await client.tasks.create({ repo: repoId, prompt: title, title, startSession: false });
	const created = await client.sessions.create(task.id, {});
	const ready = await eventually(async () => (await client.sessions.list(task.id)).find((s) => s.id === created.id && s.status === "ready"), 30_000);
	return { taskId: task.id, session: ready };
}

/** Sends a message and waits for the end of that turn. */
async function turn(client: FoundryClient, taskId: string, sessionId: string, text: string): Promise<void> {
	const ends = async () => (await client.sessions.fullTranscript(taskId, sessionId)).filter((e) => e.kind === "turn_end" || e.kind === "error").length;
	const before = await ends();
	await client.sessions.send(taskId, sessionId, text);
	await eventually(async () => {
		const s = (await client.sessions.list(taskId)).find((x) => x.id === sessionId);
		return (await ends()) > before && s?.status !== "running" ? true : undefined;
	}, 30_000);
}

describe("the free plan", () => {
	it("admin-only actions refuse a member", async () => {
		expect(await codeOf(hubot.billing.checkout())).toMatch(/^FORBIDDEN/);
		expect(await codeOf(hubot.billing.setCap(10))).toMatch(/^FORBIDDEN/);
		expect(await codeOf(hubot.billing.portal())).toMatch(/^FORBIDDEN/);
		expect((await hubot.billing.get()).plan).toBe("free");
	});

	it("has one seat: the first member to prompt takes it; the next is refused with what an admin can do", async () => {
		const mine = await session(octocat, "Seat one");
		await turn(octocat, mine.taskId, mine.session.id, "ping");
		const billing = await octocat.billing.get();
		expect(billing).toMatchObject({ plan: "free", seats: 1, includedMinutes: 300 });
		expect(billing.seatHolders.map((s) => s.login)).toEqual(["octocat"]);
		const theirs = await session(hubot, "Seat two");
		const refused = await codeOf(hubot.sessions.send(theirs.taskId, theirs.session.id, "ping"));
		expect(refused).toMatch(/^PRECONDITION_FAILED: all 1 seat of the free plan are taken this period \(octocat\); an admin can upgrade/);
	});

	it("a spend cap stops a long turn at the cap, refuses the next, and tells admins; usage equals the measured turns", async () => {
		const { taskId, session: s } = await session(octocat, "Capped");
		const used = (await octocat.billing.usage()).minutes;
		await octocat.billing.setCap(used + 0.05); // 3 more seconds of agent time
		await octocat.sessions.send(taskId, s.id, "slow 100 100"); // would run 10 s
		const stopped = await eventually(async () => {
			const events = await octocat.sessions.fullTranscript(taskId, s.id);
			return events.find((e) => e.text === "stopped: spend cap reached");
		}, 30_000);
		expect(stopped.sender).toBe("foundry");
		await eventually(async () => ((await octocat.sessions.list(taskId)).find((x) => x.id === s.id)?.status === "idle" ? true : undefined));
		const chunks = (await octocat.sessions.fullTranscript(taskId, s.id)).filter((e) => e.text.startsWith("chunk "));
		expect(chunks.length).toBeLessThan(100);
		expect(await codeOf(octocat.sessions.send(taskId, s.id, "ping"))).toMatch(/^PRECONDITION_FAILED: the spend cap of .* agent minutes for this period is used up/);
		await eventually(async () => ((await octocat.me.notifications()).some((n) => n.kind === "billing" && n.title === "Spend cap 100 %") ? true : undefined));
		const usage = await octocat.billing.usage("session");
		expect(usage.running).toBe(0);
		expect(usage.turns).toBe(2);
		const sum = usage.rows.reduce((a, r) => a + r.minutes, 0);
		expect(Math.abs(sum - usage.minutes)).toBeLessThan(0.02);
		expect(usage.rows.reduce((a, r) => a + r.turns, 0)).toBe(usage.turns);
		const byUser = await octocat.billing.usage("user");
		expect(byUser.rows.map((r) => r.label)).toEqual(["octocat"]);
		await octocat.billing.setCap(null);
		expect((await octocat.billing.get()).spendCap.minutes).toBeNull();
		expect(await codeOf(octocat.billing.setCap(0))).toMatch(/^INVALID_INPUT/);
	});
});

describe("the team plan", () => {
	let subscriptionId: string;

	it("checkout → webhook → team plan with its seats; the extra member can prompt", async () => {
		const { url, sessionId } = await octocat.billing.checkout(3);
		expect(url).toContain(stripe.url);
		await stripe.completeCheckout(sessionId);
		const team = await eventually(async () => {
			const b = await octocat.billing.get();
			return b.plan === "team" && b.status === "active" ? b : undefined;
		}, 30_000);
		expect(team.seats).toBe(3);
		expect(team.paymentMethod).toMatch(/•••• \d{4}/);
		subscriptionId = team.stripeSubscriptionId ?? "";
		expect(subscriptionId).toMatch(/^sub_/);
		// Finalizing after the webhook changes nothing (idempotent).
		expect((await octocat.billing.finalize(sessionId)).seats).toBe(3);
		const theirs = await session(hubot, "Now with seats");
		await turn(hubot, theirs.taskId, theirs.session.id, "ping");
		// The subscription started a new period: seats are taken again by each member's first prompt in it.
		expect((await octocat.billing.get()).seatHolders.map((s) => s.login)).toEqual(["hubot"]);
		const kinds = (await octocat.audit.list({ limit: 200 })).events.map((e) => e.kind);
		expect(kinds).toEqual(expect.arrayContaining(["billing.checkout_started", "billing.checkout_completed", "billing.subscription_changed", "billing.invoice_paid"]));
	});

	it("reports each turn's minutes to Stripe once", async () => {
		const { taskId, session: s } = await session(octocat, "Metered");
		await turn(octocat, taskId, s.id, "ping");
		const events = await eventually(async () => {
			const all = (await stripe.meterEvents()).filter((e) => String((e as { identifier?: string }).identifier ?? "").startsWith(`${s.id}:`));
			return all.length > 0 ? all : undefined;
		}, 20_000);
		expect(events).toHaveLength(1);
	});

	it("cancel at period end, then resume (CLI); usage by user and task (CLI)", async () => {
		const cli = { FOUNDRY_ENDPOINT: backend.url, FOUNDRY_TOKEN: backend.token, FOUNDRY_ORG: "acme" };
		const canceled = await runCli(["billing", "cancel"], cli);
		expect(canceled.code).toBe(0);
		expect((await octocat.billing.get()).cancelAtPeriodEnd).toBe(true);
		const shown = await runCli(["billing"], cli);
		expect(shown.stdout).toMatch(/team/);
		expect(shown.stdout).toMatch(/3/);
		const byUser = await runCli(["usage", "--by", "user"], cli);
		expect(byUser.code).toBe(0);
		expect(byUser.stdout).toMatch(/octocat/);
		const byTask = await runCli(["usage", "--by", "task", "--json"], cli);
		expect((JSON.parse(byTask.stdout) as { rows: unknown[] }).rows.length).toBeGreaterThan(0);
		expect((await runCli(["usage", "--by", "bogus"], cli)).code).toBe(2);
		expect((await runCli(["billing", "cap", "abc"], cli)).code).toBe(2);
		expect((await octocat.billing.resume()).cancelAtPeriodEnd).toBe(false);
		expect((await octocat.billing.portal()).url).toContain(stripe.url);
	});

	it("a failed payment is past due for members to see; sends work in the grace period, then are refused until paid", async () => {
		const { taskId, session: s } = await session(octocat, "Past due");
		await stripe.failPayment(subscriptionId);
		const due = await eventually(async () => {
			const b = await hubot.billing.get();
			return b.status === "past_due" ? b : undefined;
		}, 20_000);
		expect(due.graceEndsAt).toBe((due.pastDueSince ?? 0) + Math.round(GRACE_DAYS * 86_400_000));
		await eventually(async () => ((await octocat.me.notifications()).some((n) => n.kind === "billing" && n.title === "Payment failed") ? true : undefined));
		if (Date.now() < (due.graceEndsAt ?? 0)) expect(await codeOf(octocat.sessions.send(taskId, s.id, "ping"))).toBe("ok");
		await new Promise((r) => setTimeout(r, Math.max(0, (due.graceEndsAt ?? 0) - Date.now() + 2_000)));
		await eventually(async () => ((await octocat.sessions.list(taskId)).find((x) => x.id === s.id)?.status !== "running" ? true : undefined));
		expect(await codeOf(octocat.sessions.send(taskId, s.id, "ping"))).toMatch(/^PRECONDITION_FAILED: payment is past due/);
		await stripe.pay(subscriptionId);
		await eventually(async () => ((await octocat.billing.get()).status === "active" ? true : undefined), 20_000);
		expect(await codeOf(octocat.sessions.send(taskId, s.id, "ping"))).toBe("ok");
	});

	it("a subscription canceled at period end ends: back on the free plan", async () => {
		await octocat.billing.cancel();
		await stripe.advance(subscriptionId);
		const free = await eventually(async () => {
			const b = await octocat.billing.get();
			return b.plan === "free" ? b : undefined;
		}, 20_000);
		expect(free).toMatchObject({ seats: 1, stripeSubscriptionId: null });
		await eventually(async () => ((await octocat.audit.list({ kind: "billing.subscription_canceled" })).events.length === 1 ? true : undefined));
	});
});

describe("Stripe webhooks", () => {
	it("a bad signature or a stale timestamp is refused with 400 and nothing is applied; a replayed event is applied once", async () => {
		const before = await octocat.billing.get();
		const object = { id: "sub_forged", object: "subscription", customer: before.stripeCustomerId, status: "active", metadata: { orgId: "acme" }, cancel_at_period_end: false, items: { data: [{ id: "si_x", quantity: 99 }] } };
		for (const signature of ["bad", "stale"] as const) {
			await stripe.call("POST", "/send", { type: "customer.subscription.updated", object, signature });
		}
		const deliveries = await stripe.idle();
		const forged = deliveries.filter((d) => d.signature === "bad" || d.signature === "stale");
		expect(forged.length).toBe(2);
		expect(forged.every((d) => d.statusCode === 400)).toBe(true);
		expect((await octocat.billing.get()).seats).toBe(before.seats);
		expect(backend.output()).toMatch(/stripe webhook refused/);

		// Redelivering a genuine event (same id) changes nothing more.
		const paid = deliveries.filter((d) => d.type === "invoice.paid" && d.statusCode === 200).at(-1);
		expect(paid).toBeDefined();
		const count = async () => (await octocat.audit.list({ kind: "billing.invoice_paid", limit: 500 })).events.length;
		const applied = await count();
		for (let i = 0; i < 3; i++) await stripe.call("POST", `/deliveries/${paid?.id}/redeliver`);
		await stripe.idle();
		await new Promise((r) => setTimeout(r, 1_000));
		expect(await count()).toBe(applied);

		const raw = await fetch(`${backend.url}/v1/webhooks/stripe`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
		expect(raw.status).toBe(400);
	});
});
