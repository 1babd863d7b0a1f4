// The workbench when the backend goes away under an open page: a "Reconnecting…" banner while it
// is down, and live updates again (no reload) once a backend is back on the same address and data.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildWebUi, launchChromium, newContext, signInAs } from "./browser.ts";
import { eventually } from "./harness.ts";
import { restartFixture } from "./restart-fixture.ts";

vi.setConfig({ testTimeout: 180_000 });

const fixture = restartFixture();
let browser: Browser;
let webDir: string;

beforeAll(async () => {
	webDir = buildWebUi();
	browser = await launchChromium();
}, 120_000);
afterAll(async () => {
	await browser?.close();
});

describe("web workbench across a backend restart", () => {
	it("shows the reconnecting banner while the backend is down and resumes live updates after", async () => {
		const first = await fixture.start({ env: { FOUNDRY_WEB_DIR: webDir } });
		const repo = await eventually(async () => (await first.client().repos.list()).find((r) => r.name === "acme/widgets"), 60_000);
		const page = await (await newContext(browser)).newPage();
		await signInAs(page, first.url, "octocat", "/acme");
		await page.getByRole("button", { name: /acme\/widgets/ }).waitFor({ timeout: 60_000 });
		expect(await page.getByTestId("reconnecting").count()).toBe(0);

		const port = Number(new URL(first.url).port);
		await first.stop();
		await expect.poll(() => page.getByTestId("reconnecting").count(), { timeout: 60_000 }).toBe(1);

		const second = await fixture.start({ dataDir: first.dataDir, port, env: { FOUNDRY_WEB_DIR: webDir }, signIn: false });
		// The page's cookie session survives the restart (sessions live in the engine's storage).
		await expect.poll(() => page.getByTestId("reconnecting").count(), { timeout: 90_000 }).toBe(0);
		const token = (await second.signIn("octocat")).sessionToken;
		await second.clientFor(token, "acme").tasks.create({ repo: repo.id, prompt: "x", title: "after the restart", startSession: false });
		await expect.poll(() => page.getByTestId("sidebar-task").filter({ hasText: "after the restart" }).count(), { timeout: 60_000 }).toBe(1);
	});
});
