#!/usr/bin/env node
// `pnpm dev`: the GitHub simulator (demo world), the Stripe simulator, the web UI's Vite dev server
// and the backend with the embedded engine, wired together. The backend serves the UI at its own URL
// by proxying to Vite (one origin for the cookie and /v1/rivet); hot reload talks to Vite directly. Prints one line when both are ready; Ctrl-C (or SIGTERM) stops everything it started.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bun = [join(root, "node_modules/bun/bin/bun.exe"), join(root, "node_modules/@oven/bun-linux-x64/bin/bun")].find(
	(p) => existsSync(p) && statSync(p).size > 1_000_000,
);
if (!bun) {
	console.error("foundry dev: bun binary not found; run pnpm install");
	process.exit(1);
}

// Without real agent credentials, sessions use the scripted test agent (deterministic, offline).
const scripted = process.env.FOUNDRY_SCRIPTED_AGENT || (process.env.ANTHROPIC_API_KEY || process.env.OPENAI_API_KEY ? "false" : "true");
// Sandboxes are isolated with bubblewrap by default and the backend refuses to start without it.
// A fresh machine should still run with two commands: without a working bwrap (and unless the
// variable is set) run them unisolated, and say so loudly.
let isolation = process.env.FOUNDRY_SANDBOX_ISOLATION;
if (!isolation) {
	const probe = spawnSync("bwrap", ["--unshare-all", "--share-net", "--unshare-user", "--uid", "1000", "--gid", "1000", "--ro-bind", "/", "/", "true"], { encoding: "utf8" });
	if (probe.error || probe.status !== 0) {
		isolation = "none";
		const why = probe.error ? "bwrap is not installed" : `bwrap cannot create a sandbox here (${probe.stderr.trim()})`;
		const bar = "!".repeat(100);
		console.error(`${bar}\nfoundry dev: WARNING: ${why}.\nfoundry dev: agents run WITHOUT isolation (FOUNDRY_SANDBOX_ISOLATION=none): they can read the data dir, its secrets and other sandboxes.\nfoundry dev: install bubblewrap (apt-get install -y bubblewrap) and restart to isolate them.\n${bar}`);
	} else {
		isolation = "bwrap";
	}
}
const dataDir = process.env.FOUNDRY_DATA_DIR || join(process.env.XDG_DATA_HOME || join(homedir(), ".local/share"), "foundry");
const simPort = process.env.FOUNDRY_GITHUB_SIM_PORT || "7790";
const simUrl = `http://127.0.0.1:${simPort}`;
const stripePort = process.env.FOUNDRY_STRIPE_SIM_PORT || "7791";
const stripeUrl = `http://127.0.0.1:${stripePort}`;
const children = [];

const webPort = process.env.FOUNDRY_WEB_DEV_PORT || "7742";

function start(name, args, cwd, env, readyPattern, command = bun) {
	return new Promise((ready, fail) => {
		const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
		children.push(child);
		let seen = false;
		child.stdout.on("data", (chunk) => {
			for (const line of chunk.toString().split("\n")) {
				if (!seen && readyPattern.test(line)) {
					seen = true;
					ready(line);
				} else if (line.trim()) process.stdout.write(`${line}\n`);
			}
		});
		child.on("exit", (code) => {
			if (!seen) fail(new Error(`${name} exited with ${code} before it was ready`));
			else if (!stopping) shutdown(`${name} exited with ${code}`, 1);
		});
	});
}

let stopping = false;
async function shutdown(reason, code = 0) {
	if (stopping) return;
	stopping = true;
	if (reason) console.error(`foundry dev: ${reason}; stopping`);
	await Promise.all(
		children.map(
			(c) =>
				new Promise((done) => {
					if (c.exitCode !== null || c.signalCode !== null) return done();
					c.once("exit", done);
					c.kill("SIGTERM");
				}),
		),
	);
	process.exit(code);
}
process.on("SIGINT", () => shutdown());
process.on("SIGTERM", () => shutdown());

try {
	await start("github-sim", ["src/main.ts", "--port", simPort, "--demo", "--data", join(dataDir, "github-sim")], join(root, "packages/github-sim"), {}, /github-sim ready on/);
	// Sign-in uses the simulated GitHub App's OAuth client, unless real credentials are configured.
	const { app } = await (await fetch(`${simUrl}/_sim/world`)).json();
	await start("stripe-sim", ["src/main.ts", "--port", stripePort], join(root, "packages/stripe-sim"), {}, /stripe-sim ready on/);
	const webDir = join(root, "packages/web");
	await start("web", [join(webDir, "node_modules/vite/bin/vite.js"), "--clearScreen", "false"], webDir, { FOUNDRY_WEB_DEV_PORT: webPort, NO_COLOR: "1" }, /ready in/, process.execPath);
	const backendLine = await start("backend", ["src/main.ts"], join(root, "packages/backend"), {
		FOUNDRY_DATA_DIR: dataDir,
		FOUNDRY_GITHUB_URL: simUrl,
		FOUNDRY_GITHUB_API_URL: `${simUrl}/api/v3`,
		FOUNDRY_GITHUB_CLIENT_ID: app.clientId,
		FOUNDRY_GITHUB_CLIENT_SECRET: app.clientSecret,
		FOUNDRY_GITHUB_APP_ID: String(app.id),
		FOUNDRY_GITHUB_APP_SLUG: app.slug,
		FOUNDRY_GITHUB_APP_PRIVATE_KEY: app.privateKeyPem,
		FOUNDRY_GITHUB_WEBHOOK_SECRET: app.webhookSecret,
		FOUNDRY_SCRIPTED_AGENT: scripted,
		FOUNDRY_SANDBOX_ISOLATION: isolation,
		// Billing against the local Stripe simulator (checkout pages have Pay / Decline buttons).
		FOUNDRY_STRIPE_API_URL: stripeUrl,
		FOUNDRY_STRIPE_SECRET_KEY: "sk_test_foundry_dev",
		FOUNDRY_STRIPE_WEBHOOK_SECRET: "whsec_test_sim",
		FOUNDRY_WEB_DEV_URL: `http://127.0.0.1:${webPort}`,
	}, /Foundry backend ready on/);
	await fetch(`${stripeUrl}/_sim/webhook`, {
		method: "PUT",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ url: `http://127.0.0.1:${process.env.FOUNDRY_PORT || "7741"}/v1/webhooks/stripe`, secret: "whsec_test_sim" }),
	});
	await fetch(`${simUrl}/_sim/app`, {
		method: "PUT",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ webhookUrl: `http://127.0.0.1:${process.env.FOUNDRY_PORT || "7741"}/v1/webhooks/github`, webhookSecret: app.webhookSecret }),
	});
	console.log(`${backendLine.trim()}; GitHub simulator on ${simUrl} (demo world: ${simUrl}/_sim/world); Stripe simulator on ${stripeUrl}`);
	if (scripted === "true") {
		console.log("Agents: the scripted test agent stands in for agent 'pi' and is the default (FOUNDRY_SCRIPTED_AGENT=false to offer only real agents; `pnpm foundry agents` lists them)");
	}
	console.log(`Open http://127.0.0.1:${process.env.FOUNDRY_PORT || "7741"} and sign in as octocat (hot reload from ${webPort}); CLI: \`pnpm foundry login\` (approve as octocat or hubot in the simulator's page)`);
} catch (err) {
	await shutdown(err.message, 1);
}
