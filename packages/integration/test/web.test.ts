// The web workbench in a real browser (Debian's Chromium through Playwright) against the real
// backend, GitHub simulator and sandboxes: octocat signs in through the simulator's page, creates a
// task, watches the scripted agent stream, answers its permission request, stops a slow turn, sees
// the diff, opens the PR (the badge comes from the webhook) and merges it; hubot, in a second
// browser, sees the task appear, the transcript stream and octocat's presence. Every page passes
// axe-core with no serious or critical violation.
import AxeBuilder from "@axe-core/playwright";
import { DEFAULT_WEBHOOK_SECRET, type RunningStripeSim, startStripeSim } from "@foundry/stripe-sim/harness";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildWebUi, launchChromium, newContext, screenshot, signInAs } from "./browser.ts";
import { octokitAs } from "./github-world.ts";
import { eventually, startBackend, type TestBackend } from "./harness.ts";

vi.setConfig({ testTimeout: 240_000 });

let backend: TestBackend;
let stripe: RunningStripeSim;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
	const webDir = buildWebUi();
	stripe = await startStripeSim();
	backend = await startBackend({
		env: { FOUNDRY_WEB_DIR: webDir, FOUNDRY_STRIPE_API_URL: stripe.url, FOUNDRY_STRIPE_SECRET_KEY: "sk_test_foundry", FOUNDRY_STRIPE_WEBHOOK_SECRET: DEFAULT_WEBHOOK_SECRET },
	});
	await stripe.setWebhook(`${backend.url}/v1/webhooks/stripe`, { secret: DEFAULT_WEBHOOK_SECRET });
	// The demo world's repositories are synced before the first page asks for them.
	await eventually(async () => (await backend.client().repos.list()).find((r) => r.name === "acme/widgets"), 60_000);
	browser = await launchChromium();
}, 180_000);

afterAll(async () => {
	for (const c of contexts) await c.close().catch(() => undefined);
	await browser?.close();
	await backend?.stop({ cleanup: true });
	await stripe?.stop();
});

async function pageFor(login: string, next = "/acme", colorScheme: "light" | "dark" = "light"): Promise<Page> {
	const context = await newContext(browser, colorScheme);
	contexts.push(context);
	const page = await context.newPage();
	await signInAs(page, backend.url, login, next);
	return page;
}

/** No serious or critical accessibility violation on what the page shows now. */
async function expectAccessible(page: Page, what: string): Promise<void> {
	const result = await new AxeBuilder({ page }).analyze();
	const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
	expect(bad, what).toEqual([]);
}

describe("web workbench", () => {
	it("a signed-out visitor is sent to sign-in; the sign-in page is accessible; unknown app paths get the app", async () => {
		const context = await newContext(browser);
		contexts.push(context);
		const page = await context.newPage();
		await page.goto(`${backend.url}/acme`);
		await page.waitForURL(/\/signin/);
		await expect.poll(() => page.getByRole("button", { name: "Sign in with GitHub" }).isVisible()).toBe(true);
		await expectAccessible(page, "sign-in");
		await screenshot(page, "sign-in");
		const res = await fetch(`${backend.url}/some/app/route`);
		expect(res.status).toBe(200);
		expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
		expect((await fetch(`${backend.url}/assets/nope.js`)).status).toBe(404);
		expect((await fetch(`${backend.url}/v1/nope`)).status).toBe(404);
	});

	it("octocat creates a task and ships it; hubot watches it live in a second browser", async () => {
		const octocat = await pageFor("octocat");
		await octocat.waitForURL(/\/acme$/);
		await expect.poll(() => octocat.getByTestId("current-org").textContent()).toContain("acme");
		// hubot's system is in dark mode: the UI follows it.
		const hubot = await pageFor("hubot", "/acme", "dark");
		await hubot.waitForURL(/\/acme$/);
		await expectAccessible(octocat, "workbench");

		// New task with the keyboard shortcut; the scripted agent writes, commits and asks.
		await octocat.keyboard.press("c");
		const dialog = octocat.getByRole("dialog", { name: "New task" });
		await dialog.getByLabel("Repository").selectOption({ label: "acme/widgets" });
		await dialog.getByLabel("Prompt").fill("write notes/hello.md Hello from the browser\ncommit add a hello note\nask may I run the tests?");
		await expectAccessible(octocat, "new task dialog");
		await dialog.getByRole("button", { name: /Create task/ }).click();
		await octocat.waitForURL(/\/acme\/tasks\/t_/);
		const taskUrl = new URL(octocat.url()).pathname;

		// The transcript streams; the permission request is answered in place.
		const permission = octocat.getByTestId("permission-request");
		await permission.getByRole("button", { name: "Allow once" }).click({ timeout: 120_000 });
		await expect.poll(() => octocat.getByTestId("transcript").textContent(), { timeout: 60_000 }).toContain("permission: allow_once");

		// hubot sees the task in the sidebar, opens it, sees the same transcript and octocat's presence.
		await hubot.getByTestId("sidebar-task").filter({ hasText: "write notes/hello.md" }).click();
		await hubot.waitForURL((u) => u.pathname === taskUrl);
		await expect.poll(() => hubot.getByTestId("transcript").textContent(), { timeout: 30_000 }).toContain("wrote notes/hello.md");
		await expect.poll(() => hubot.getByTestId("presence").getByRole("img", { name: "octocat" }).count(), { timeout: 30_000 }).toBe(1);

		// A slow turn is stopped; hubot sees its chunks arrive live, then the stop.
		const composer = octocat.getByLabel("message");
		await composer.fill("slow 200 100");
		await composer.press("Control+Enter");
		await expect.poll(() => hubot.getByTestId("transcript").textContent(), { timeout: 60_000 }).toContain("chunk 3/200");
		await octocat.getByRole("button", { name: "Stop" }).click();
		await expect.poll(() => octocat.getByRole("button", { name: "Send" }).isVisible(), { timeout: 30_000 }).toBe(true);
		await expectAccessible(octocat, "task view");
		await screenshot(octocat, "task");
		await expectAccessible(hubot, "task view, dark");
		await screenshot(hubot, "task-dark");
		// At 768 px the changes panel is a drawer behind a button.
		await octocat.setViewportSize({ width: 768, height: 900 });
		expect(await octocat.getByRole("complementary", { name: "changes" }).isVisible()).toBe(false);
		await octocat.getByRole("button", { name: "Changes" }).click();
		await expect.poll(() => octocat.getByRole("complementary", { name: "changes" }).isVisible()).toBe(true);
		await expectAccessible(octocat, "task view at 768 px");
		await screenshot(octocat, "task-768");
		await octocat.getByRole("button", { name: "close changes" }).click();
		await octocat.setViewportSize({ width: 1280, height: 800 });

		// A session renamed in place shows up renamed for hubot at once.
		await octocat.getByRole("navigation", { name: "sessions" }).getByRole("button", { name: /^Session 1/ }).dblclick();
		await octocat.getByLabel("session name").fill("triage");
		await octocat.getByLabel("session name").press("Enter");
		await expect.poll(() => hubot.getByRole("navigation", { name: "sessions" }).getByRole("button", { name: /^triage/ }).count(), { timeout: 30_000 }).toBe(1);

		// The bell: the finished turns notified octocat; opening the list marks them read.
		const bell = octocat.getByRole("button", { name: /^notifications, \d+ unread$/ });
		await expect.poll(() => octocat.getByTestId("unread-notifications").count(), { timeout: 30_000 }).toBe(1);
		await bell.click();
		await expect.poll(() => octocat.getByRole("menuitem").count()).toBeGreaterThan(0);
		await octocat.keyboard.press("Escape");
		await expect.poll(() => octocat.getByTestId("unread-notifications").count(), { timeout: 30_000 }).toBe(0);

		// The diff shows; Open PR; the PR badge arrives with the webhook; merge archives the task.
		await octocat.getByTestId("changed-file").filter({ hasText: "notes/hello.md" }).getByRole("button", { name: "notes/hello.md", exact: true }).click({ timeout: 60_000 });
		await expect.poll(() => octocat.getByTestId("diff").locator(".diff-code-insert").first().textContent(), { timeout: 30_000 }).toContain("Hello from the browser");
		await screenshot(octocat, "changes");
		await octocat.getByRole("button", { name: "Open PR" }).click();
		await expect.poll(() => octocat.getByTestId("pr-badge").first().textContent(), { timeout: 60_000 }).toMatch(/PR #\d+ open/);
		await expect.poll(() => hubot.getByTestId("pr-badge").first().textContent(), { timeout: 60_000 }).toMatch(/PR #\d+/);
		await octocat.getByRole("button", { name: "Merge" }).click();
		await expect.poll(() => octocat.locator("[data-status]").first().getAttribute("data-status"), { timeout: 60_000 }).toBe("archived");
	});

	it("changes: a file is reverted after a confirm; a member's PR comment arrives as a follow-up and Send to agent puts it in the transcript", async () => {
		const client = backend.client();
		const repo = (await client.repos.list()).find((r) => r.name === "acme/widgets");
		const task = await client.tasks.create({ repo: repo?.id ?? "", prompt: "write keep.md keep\ncommit keep a note\nwrite drop.md drop", title: "revert and follow up" });
		// hubot comments as a signed-in member of acme: a trusted follow-up.
		await backend.signIn("hubot");
		await eventually(async () => ((await client.members.list()).some((m) => m.login === "hubot") ? true : undefined), 30_000);
		const page = await pageFor("octocat", `/acme/tasks/${task.id}`);
		const files = page.getByTestId("changed-file");
		await expect.poll(() => files.count(), { timeout: 120_000 }).toBe(2);
		page.once("dialog", (d) => void d.accept());
		await page.getByRole("button", { name: "revert drop.md" }).click();
		await expect.poll(() => files.count(), { timeout: 30_000 }).toBe(1);
		expect(await files.first().textContent()).toContain("keep.md");

		await page.getByRole("button", { name: "Open PR" }).click();
		const number = (await eventually(async () => (await client.tasks.list()).find((t) => t.id === task.id && t.prNumber !== null), 60_000)).prNumber as number;
		const gh = await octokitAs(backend.sim, "hubot");
		await gh.rest.issues.createComment({ owner: "acme", repo: "widgets", issue_number: number, body: "Please also mention the README" });
		const followUp = page.getByTestId("follow-up");
		await expect.poll(() => followUp.textContent(), { timeout: 60_000 }).toContain("Please also mention the README");
		expect(await followUp.textContent()).toContain("@hubot");
		expect(await followUp.textContent()).not.toContain("untrusted");
		await expectAccessible(page, "changes with a follow-up");
		await page.getByRole("button", { name: "Send to agent" }).click();
		await expect.poll(() => page.getByTestId("transcript").textContent(), { timeout: 60_000 }).toContain("Please also mention the README");

		// Another task of octocat's finishes while he looks at this one: its row gets the unread dot
		// (the session has news for him); opening it reads it, and the dot goes.
		const side = await client.tasks.create({ repo: repo?.id ?? "", prompt: "write side.md side", title: "side job" });
		const sideRow = page.getByTestId("sidebar-task").filter({ hasText: "side job" });
		await expect.poll(() => sideRow.getByTestId("unread-dot").count(), { timeout: 120_000 }).toBe(1);
		expect(await page.getByTestId("sidebar-task").filter({ hasText: "revert and follow up" }).getByTestId("unread-dot").count()).toBe(0);
		await sideRow.click();
		await page.waitForURL(new RegExp(`/acme/tasks/${side.id}$`));
		await expect.poll(() => sideRow.getByTestId("unread-dot").count(), { timeout: 30_000 }).toBe(0);
		expect(await client.me.unreadTasks()).not.toContain(side.id);
	});

	it("settings: an API token is shown once, works, and is revoked; the audit log lists what happened", async () => {
		const repo = (await backend.client().repos.list()).find((r) => r.name === "acme/widgets");
		await backend.client().tasks.create({ repo: repo?.id ?? "", prompt: "audited from the browser", title: "audited task", startSession: false });
		const page = await pageFor("octocat", "/acme/settings");
		await page.getByLabel("token name").fill("browser-test");
		await page.getByRole("button", { name: "Create token" }).click();
		const token = (await page.getByTestId("new-token").locator("code").textContent({ timeout: 30_000 })) ?? "";
		expect(token).toMatch(/^fdy_/);
		expect((await backend.clientFor(token).whoami()).login).toBe("octocat");
		await expectAccessible(page, "settings");
		await screenshot(page, "settings");
		// Shown once: after a reload only the prefix is listed.
		await page.reload();
		const row = page.getByTestId("token-row").filter({ hasText: "browser-test" });
		await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
		expect(await page.content()).not.toContain(token);
		await row.getByRole("button", { name: "revoke browser-test" }).click();
		await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(0);
		await expect.poll(async () => (await backend.clientFor(token).whoami().then(() => "ok", (e: { code?: string }) => e.code)) ?? "", { timeout: 30_000 }).toBe("UNAUTHORIZED");

		await page.getByRole("navigation", { name: "organization" }).getByRole("link", { name: "Audit" }).click();
		await page.waitForURL(/\/acme\/audit$/);
		await expect.poll(() => page.getByTestId("audit-row").filter({ hasText: "task.created" }).filter({ hasText: "audited task" }).count(), { timeout: 30_000 }).toBe(1);
		await page.getByLabel("event kind").selectOption("session.created");
		await expect.poll(() => page.getByTestId("audit-row").filter({ hasText: "task.created" }).count()).toBe(0);
		await expectAccessible(page, "audit");
		await screenshot(page, "audit");
	});

	it("device login: foundry login's address leads to the approval page (sign-in first); a wrong code is refused; approving gives the CLI its session", async () => {
		const post = (path: string, body: unknown) =>
			fetch(`${backend.url}/v1/auth${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
		const code = (await (await post("/device/code", { client_id: "foundry-cli" })).json()) as { device_code: string; user_code: string; verification_uri_complete: string };
		const context = await newContext(browser);
		contexts.push(context);
		const page = await context.newPage();
		await page.goto(code.verification_uri_complete);
		await page.getByRole("button", { name: "Sign in with GitHub" }).click();
		await page.getByRole("link", { name: "Sign in as octocat" }).click();
		await page.waitForURL((u) => u.pathname === "/signin/device" && u.searchParams.get("user_code") === code.user_code);
		const input = page.getByLabel("Code from your terminal");
		await expect.poll(() => input.inputValue(), { timeout: 30_000 }).toBe(code.user_code);
		await expectAccessible(page, "device approval");
		await input.fill("WRONG-CODE");
		await page.getByRole("button", { name: "Approve" }).click();
		await expect.poll(() => page.getByTestId("device-outcome").textContent(), { timeout: 30_000 }).toContain("unknown or expired code");
		await input.fill(code.user_code);
		await page.getByRole("button", { name: "Approve" }).click();
		await expect.poll(() => page.getByTestId("device-outcome").textContent(), { timeout: 30_000 }).toContain("Approved");
		await screenshot(page, "device");
		const token = (await (await post("/device/token", { grant_type: "urn:ietf:params:oauth:grant-type:device_code", device_code: code.device_code, client_id: "foundry-cli" })).json()) as { access_token?: string };
		expect((await backend.clientFor(token.access_token ?? "").whoami()).login).toBe("octocat");
	});

	it("an organization without the App: the sidebar points to Settings, whose install link opens GitHub's page; GitHub's page installs it", async () => {
		await backend.sim.control("POST", "/orgs", { login: "newco" });
		await backend.sim.control("PUT", "/orgs/newco/members/octocat", { role: "admin" });
		await backend.sim.control("POST", "/repos", { owner: "newco", name: "site", files: { "README.md": "# site\n" } });
		const page = await pageFor("octocat", "/newco");
		await expect.poll(() => page.getByTestId("sidebar-empty").textContent(), { timeout: 30_000 }).toContain("not installed");
		await page.getByRole("link", { name: "Install it from Settings" }).click();
		await page.waitForURL(/\/newco\/settings$/);
		await expect.poll(() => page.getByTestId("github-status").textContent(), { timeout: 30_000 }).toContain("App not installed");
		await expectAccessible(page, "settings without the App");
		const [github] = await Promise.all([page.waitForEvent("popup"), page.getByTestId("install-app").click()]);
		await github.getByRole("button", { name: "Install on newco" }).click();
		await expect.poll(() => github.getByRole("heading").textContent()).toContain("Installed");
		// The settings page follows the install live (webhook → github-data → organization → event),
		// and the repositories of the first sync fill the sidebar (0.8 s here with one core busy).
		await expect.poll(() => page.getByTestId("github-status").textContent(), { timeout: 60_000 }).toMatch(/App installed · sync done/);
		await expect.poll(() => page.getByTestId("sidebar-list").textContent(), { timeout: 60_000 }).toContain("newco/site");
	});

	it("billing: checkout on the Stripe simulator's page puts the organization on the team plan", async () => {
		const page = await pageFor("octocat", "/acme/billing");
		await expect.poll(() => page.getByTestId("billing-plan").textContent(), { timeout: 30_000 }).toMatch(/^free/);
		await expectAccessible(page, "billing");
		await page.getByRole("button", { name: "Upgrade to Team" }).click();
		await page.waitForURL((u) => u.origin === stripe.url);
		await page.getByRole("button", { name: "Pay" }).click();
		await page.waitForURL((u) => u.origin === backend.url && u.pathname === "/acme/billing");
		await expect.poll(() => page.getByTestId("checkout-outcome").textContent(), { timeout: 30_000 }).toContain("team plan");
		await expect.poll(() => page.getByTestId("billing-plan").textContent(), { timeout: 30_000 }).toMatch(/^team · active/);
		await screenshot(page, "billing");
	});

	it("sidebar: `/` focuses search; search and the status filter narrow the list; a task opens, is renamed and handed over", async () => {
		const client = backend.client();
		const repo = (await client.repos.list()).find((r) => r.name === "acme/widgets");
		const [alpha] = await Promise.all([
			client.tasks.create({ repo: repo?.id ?? "", prompt: "x", title: "alpha sidebar task", startSession: false }),
			client.tasks.create({ repo: repo?.id ?? "", prompt: "x", title: "beta sidebar task", startSession: false }),
		]);
		// hubot has signed in once, so the organization lists them as a member to hand tasks to.
		const hubot = backend.clientFor((await backend.signIn("hubot")).sessionToken, "acme");
		await eventually(async () => ((await client.members.list()).some((m) => m.login === "hubot") ? true : undefined), 30_000);
		await hubot.dispose();
		const page = await pageFor("octocat");
		const rows = page.getByTestId("sidebar-task");
		await expect.poll(() => rows.filter({ hasText: "sidebar task" }).count(), { timeout: 30_000 }).toBe(2);
		await page.keyboard.press("/");
		await page.keyboard.type("alpha");
		expect(await page.getByLabel("search tasks").inputValue()).toBe("alpha");
		await expect.poll(() => rows.filter({ hasText: "sidebar task" }).count()).toBe(1);
		await page.getByLabel("status filter").selectOption("archived");
		await expect.poll(() => rows.count()).toBe(0);
		await page.getByLabel("status filter").selectOption("active");
		await rows.filter({ hasText: "alpha sidebar task" }).click();
		await page.waitForURL((u) => u.pathname === `/acme/tasks/${alpha?.id}`);
		await expect.poll(() => page.getByTestId("task-title").textContent()).toBe("alpha sidebar task");
		// Renamed in place: the sidebar follows.
		await page.getByRole("button", { name: "rename task" }).click();
		await page.getByLabel("task title").fill("alpha renamed");
		await page.getByLabel("task title").press("Enter");
		await expect.poll(() => rows.filter({ hasText: "alpha renamed" }).count(), { timeout: 30_000 }).toBe(1);
		// The owner picker lists the members; choosing one hands the task over.
		await page.getByLabel("task owner").selectOption({ label: "@hubot" });
		await expect.poll(async () => (await client.tasks.get(alpha?.id ?? "")).ownerLogin, { timeout: 30_000 }).toBe("hubot");
	});
});
