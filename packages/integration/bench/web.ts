// `pnpm bench:web`: the web workbench's budgets, in a real browser (Debian's Chromium) against the
// real backend. Prints each figure beside its budget and writes bench/web-results.json:
// - initial JavaScript (gzip) of the built UI: ≤ 250 KB;
// - sign-in: from the click on the simulator's authorize page to the workbench painted;
// - a sidebar of 1,000 tasks and a transcript of 5,000 events, scrolled: frame times (p50/p95/max);
// - a transcript event reaching a second browser: p50 of |t(second) − t(first)| ≤ 100 ms.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { buildWebUi, launchChromium, newContext, signInAs } from "../test/browser.ts";
import { eventually, startBackend } from "../test/harness.ts";

const TASKS = Number(process.env.FOUNDRY_BENCH_WEB_TASKS ?? 1_000);
const TOOL_CALLS = Number(process.env.FOUNDRY_BENCH_WEB_TOOL_CALLS ?? 2_500); // two events each
const CHUNKS = 30;

const pct = (xs: number[], p: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const ms = (v: number) => `${v.toFixed(1)} ms`;

function initialJsGzip(dir: string): { js: number; css: number } {
	const html = readFileSync(join(dir, "index.html"), "utf8");
	const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(js|css))"/g)];
	let js = 0;
	let css = 0;
	for (const [, path = "", ext] of refs) {
		const size = gzipSync(readFileSync(join(dir, path))).length;
		if (ext === "js") js += size;
		else css += size;
	}
	return { js, css };
}

/**
 * tsx compiles this file with esbuild's keepNames: functions passed to page.evaluate call a
 * `__name` helper that only exists in Node. Pages get a no-op one (now and after navigations).
 */
async function allowEvaluate(page: Page): Promise<void> {
	const shim = "globalThis.__name = globalThis.__name || ((f) => f);";
	await page.addInitScript({ content: shim });
	await page.evaluate(shim);
}

/** Scrolls `selector` for ~2 s, one step per frame; returns the frame intervals. */
async function scrollFrames(page: Page, selector: string): Promise<number[]> {
	return page.evaluate(async (sel) => {
		const el = document.querySelector(sel);
		if (!el) throw new Error(`no ${sel}`);
		const frames: number[] = [];
		let last = performance.now();
		const end = last + 2_000;
		await new Promise<void>((done) => {
			const step = (now: number) => {
				frames.push(now - last);
				last = now;
				el.scrollTop += 120;
				if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) el.scrollTop = 0;
				if (now < end) requestAnimationFrame(step);
				else done();
			};
			requestAnimationFrame(step);
		});
		return frames.slice(1);
	}, selector);
}

/** Records, in the page, when each "chunk i/n" first shows in the transcript (epoch ms). */
async function watchChunks(page: Page): Promise<void> {
	await page.evaluate(() => {
		const seen: Record<string, number> = {};
		(window as unknown as { chunkSeen: Record<string, number> }).chunkSeen = seen;
		new MutationObserver(() => {
			const text = document.querySelector("[data-testid=transcript]")?.textContent ?? "";
			for (const m of text.matchAll(/chunk (\d+)\//g)) if (m[1] && !(m[1] in seen)) seen[m[1]] = Date.now();
		}).observe(document.body, { subtree: true, childList: true, characterData: true });
	});
}

async function main(): Promise<void> {
	const webDir = buildWebUi();
	const size = initialJsGzip(webDir);
	const backend = await startBackend({ env: { FOUNDRY_WEB_DIR: webDir } });
	const browser = await launchChromium();
	const results: Record<string, number> = { initialJsGzipKb: size.js / 1024, initialCssGzipKb: size.css / 1024 };
	try {
		const client = backend.client();
		const repo = await eventually(async () => (await client.repos.list()).find((r) => r.name === "acme/widgets"), 60_000);

		// Sign-in → workbench painted (the sidebar shows the organization's repositories).
		const page = await (await newContext(browser)).newPage();
		await allowEvaluate(page);
		await page.goto(`${backend.url}/signin?next=/acme`);
		await page.getByRole("button", { name: "Sign in with GitHub" }).click();
		const link = page.getByRole("link", { name: "Sign in as octocat" });
		await link.waitFor();
		const clicked = Date.now();
		await link.click();
		await page.getByRole("button", { name: /acme\/widgets/ }).waitFor({ timeout: 60_000 });
		results.signInToWorkbenchMs = Date.now() - clicked;

		// 1,000 tasks in the sidebar, scrolled.
		const started = Date.now();
		for (let i = 0; i < TASKS; i += 16) {
			await Promise.all(Array.from({ length: Math.min(16, TASKS - i) }, (_, j) => client.tasks.create({ repo: repo.id, prompt: `bench task ${i + j}`, title: `bench task ${i + j}`, startSession: false })));
		}
		console.log(`created ${TASKS} tasks in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		await page.waitForFunction((n) => (document.querySelector("[data-testid=sidebar-list]")?.scrollHeight ?? 0) > n * 30, TASKS, { timeout: 120_000 });
		const sidebar = await scrollFrames(page, "[data-testid=sidebar-list]");
		Object.assign(results, { sidebarFrameP50Ms: pct(sidebar, 50), sidebarFrameP95Ms: pct(sidebar, 95), sidebarFrameMaxMs: Math.max(...sidebar) });

		// A transcript of 5,000 events (tool calls and their updates), scrolled.
		const prompt = Array.from({ length: TOOL_CALLS }, (_, i) => `tool t${i}`).join("\n");
		const big = await client.tasks.create({ repo: repo.id, prompt, title: "bench transcript" });
		const session = await eventually(async () => {
			const s = (await client.sessions.list(big.id))[0];
			return s && s.status === "idle" ? s : undefined;
		}, 180_000);
		await page.goto(`${backend.url}/acme/tasks/${big.id}?session=${session.id}`);
		await page.waitForFunction((n) => document.querySelectorAll("[data-testid=tool-call]").length > 0 && (document.querySelector("[data-testid=transcript]")?.scrollHeight ?? 0) > n * 20, TOOL_CALLS, { timeout: 120_000 });
		const transcript = await scrollFrames(page, "[data-testid=transcript]");
		Object.assign(results, { transcriptEvents: TOOL_CALLS * 2, transcriptFrameP50Ms: pct(transcript, 50), transcriptFrameP95Ms: pct(transcript, 95), transcriptFrameMaxMs: Math.max(...transcript) });

		// A transcript event reaching a second browser (hubot) after the first (octocat).
		const live = await client.tasks.create({ repo: repo.id, prompt: "hello", title: "bench live" });
		const liveSession = await eventually(async () => {
			const s = (await client.sessions.list(live.id))[0];
			return s && s.status === "idle" ? s : undefined;
		}, 120_000);
		const second = await (await newContext(browser)).newPage();
		await allowEvaluate(second);
		await signInAs(second, backend.url, "hubot", `/acme/tasks/${live.id}`);
		await page.goto(`${backend.url}/acme/tasks/${live.id}?session=${liveSession.id}`);
		for (const p of [page, second]) {
			await p.getByTestId("transcript").waitFor({ timeout: 60_000 });
			await watchChunks(p);
		}
		await client.sessions.send(live.id, liveSession.id, `slow ${CHUNKS} 200`);
		const seen = async (p: Page) => p.evaluate(() => (window as unknown as { chunkSeen: Record<string, number> }).chunkSeen);
		await eventually(async () => (Object.keys(await seen(second)).length >= CHUNKS && Object.keys(await seen(page)).length >= CHUNKS ? true : undefined), 60_000);
		const [a, b] = [await seen(page), await seen(second)];
		const gaps = Object.keys(a).map((k) => Math.abs((b[k] ?? Number.NaN) - (a[k] ?? Number.NaN)));
		Object.assign(results, { secondBrowserGapP50Ms: pct(gaps, 50), secondBrowserGapMaxMs: Math.max(...gaps) });
	} finally {
		await browser.close();
		await backend.stop({ cleanup: true });
	}
	const line = (name: string, value: string, budget: string) => console.log(`${name.padEnd(44)} ${value.padStart(12)}   budget ${budget}`);
	console.log("\nweb workbench budgets");
	line("initial JavaScript (gzip)", `${(results.initialJsGzipKb ?? 0).toFixed(1)} KB`, "≤ 250 KB");
	line("initial CSS (gzip)", `${(results.initialCssGzipKb ?? 0).toFixed(1)} KB`, "-");
	line("sign-in click → workbench painted", ms(results.signInToWorkbenchMs ?? 0), "-");
	line(`sidebar of ${TASKS} tasks: frame p50 / p95`, `${ms(results.sidebarFrameP50Ms ?? 0)} / ${ms(results.sidebarFrameP95Ms ?? 0)}`, "responsive (≈16.7 ms frames)");
	line(`transcript of ${TOOL_CALLS * 2} events: frame p50 / p95`, `${ms(results.transcriptFrameP50Ms ?? 0)} / ${ms(results.transcriptFrameP95Ms ?? 0)}`, "responsive (≈16.7 ms frames)");
	line("event in a second browser: p50 gap", ms(results.secondBrowserGapP50Ms ?? 0), "≤ 100 ms");
	writeFileSync(join(import.meta.dirname, "web-results.json"), `${JSON.stringify(results, null, 2)}\n`);
}

main().then(
	() => process.exit(0),
	(err: unknown) => {
		console.error(err);
		process.exit(1);
	},
);
