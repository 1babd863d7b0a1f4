// The browser side of the web tests: the UI built once per file into a temp dir (the backend
// serves it through FOUNDRY_WEB_DIR), Debian's Chromium driven by Playwright, signing in through
// the GitHub simulator's real authorize page, and screenshots kept with the test output.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { REPO_ROOT } from "./harness.ts";
import { CHROMIUM } from "./require-tools.ts";


const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"];

/** Where each run's screenshots land (gitignored); three of them are committed in docs/screenshots. */
export const SCREENSHOT_DIR = join(REPO_ROOT, "test-output/screenshots");

const WEB_DIR = join(REPO_ROOT, "packages/web");

/** `vite build` of packages/web into a fresh temp dir (what `pnpm build` produces). */
export function buildWebUi(): string {
	const out = mkdtempSync(join(tmpdir(), "foundry-web-"));
	execFileSync(process.execPath, [join(WEB_DIR, "node_modules/vite/bin/vite.js"), "build", "--outDir", out, "--emptyOutDir", "--logLevel", "warn"], {
		cwd: WEB_DIR,
		stdio: ["ignore", "inherit", "inherit"],
	});
	if (!existsSync(join(out, "index.html"))) throw new Error(`vite build wrote no index.html to ${out}`);
	return out;
}

export function launchChromium(): Promise<Browser> {
	return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

export async function newContext(browser: Browser, colorScheme: "light" | "dark" = "light"): Promise<BrowserContext> {
	return browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme });
}

/** Signs `login` in the way a person does: the sign-in button, then the simulator's authorize page. */
export async function signInAs(page: Page, backendUrl: string, login: string, next = "/"): Promise<void> {
	await page.goto(`${backendUrl}/signin?next=${encodeURIComponent(next)}`);
	await page.getByRole("button", { name: "Sign in with GitHub" }).click();
	await page.getByRole("link", { name: `Sign in as ${login}` }).click();
	await page.waitForURL((url) => url.origin === backendUrl && !url.pathname.startsWith("/signin") && !url.pathname.startsWith("/v1/"));
}

export async function screenshot(page: Page, name: string): Promise<string> {
	mkdirSync(SCREENSHOT_DIR, { recursive: true });
	const path = join(SCREENSHOT_DIR, `${name}.png`);
	await page.screenshot({ path });
	return path;
}
