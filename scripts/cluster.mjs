#!/usr/bin/env node
// `pnpm cluster`: Foundry on a Rivet Engine cluster, locally — a private PostgreSQL (initdb in a
// temp dir on a free port), a private NATS server, two engine processes sharing them, two backends
// (the same code as `pnpm dev`, runners of the cluster), the GitHub and Stripe simulators, and one
// front door that spreads client connections over both backends. Prints one ready line; Ctrl-C
// stops everything it started. Only configuration differs from `pnpm dev`.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { connect, createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bun = [join(root, "node_modules/bun/bin/bun.exe"), join(root, "node_modules/@oven/bun-linux-x64/bin/bun")].find((p) => existsSync(p) && statSync(p).size > 1_000_000);
if (!bun) fail("bun binary not found; run pnpm install");
const { getEnginePath } = await import(pathToFileURL(join(root, "packages/integration/node_modules/@rivetkit/engine-cli/index.js")).href);

const port = Number(process.env.FOUNDRY_PORT || 7741);
/** Backends (runners) behind the front door: 2 by default; 1 for comparisons. */
const backendCount = Number(process.env.FOUNDRY_CLUSTER_BACKENDS || 2);
if (![1, 2].includes(backendCount)) fail("FOUNDRY_CLUSTER_BACKENDS must be 1 or 2");
/** How long the engine waits before it reschedules a dead runner's actors (its default is 15 s). */
const envoyLostMs = Number(process.env.FOUNDRY_CLUSTER_ENVOY_LOST_MS || 5_000);
const dir = mkdtempSync(join(tmpdir(), "foundry-cluster-"));
chmodSync(dir, 0o755);
const adminToken = `cluster-${randomBytes(24).toString("hex")}`;
const authSecret = process.env.FOUNDRY_AUTH_SECRET || randomBytes(32).toString("hex");
const children = [];
let stopping = false;

function fail(message) {
	console.error(`foundry cluster: ${message}`);
	process.exit(1);
}

async function freePort() {
	return new Promise((done) => {
		const s = createNetServer().listen(0, "127.0.0.1", () => {
			const { port: p } = s.address();
			s.close(() => done(p));
		});
	});
}

/** A free port p with p+1 and p+2 free too (an engine's guard, peer API and metrics). */
async function freeTriple() {
	for (;;) {
		const p = await freePort();
		if (p > 65_000) continue;
		const ok = await Promise.all([p + 1, p + 2].map((q) => new Promise((done) => {
			const s = createNetServer().once("error", () => done(false)).listen(q, "127.0.0.1", () => s.close(() => done(true)));
		})));
		if (ok.every(Boolean)) return p;
	}
}

function start(name, command, args, { env = {}, cwd = root, ready, user } = {}) {
	return new Promise((resolveReady, rejectReady) => {
		const [cmd, argv] = user ? ["runuser", ["-u", user, "--", command, ...args]] : [command, args];
		const child = spawn(cmd, argv, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
		children.push({ name, child });
		let seen = !ready;
		if (seen) resolveReady("");
		const onData = (chunk) => {
			for (const line of chunk.toString().split("\n")) {
				if (!seen && ready.test(line)) {
					seen = true;
					resolveReady(line);
				} else if (line.trim() && process.env.FOUNDRY_CLUSTER_VERBOSE) process.stderr.write(`[${name}] ${line}\n`);
			}
		};
		child.stdout.on("data", onData);
		child.stderr.on("data", onData);
		child.on("exit", (code, signal) => {
			if (!seen) rejectReady(new Error(`${name} exited with ${code ?? signal} before it was ready (FOUNDRY_CLUSTER_VERBOSE=1 shows its output)`));
			else if (!stopping) console.error(`foundry cluster: ${name} exited with ${code ?? signal}`);
		});
	});
}

async function until(what, check, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await check().catch(() => false)) return;
		if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs} ms`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

/** A PostgreSQL server binary: on the PATH, else Debian's versioned directory (newest first). */
function pgBin(name) {
	if (spawnSync("sh", ["-c", `command -v ${name}`]).status === 0) return name;
	const base = "/usr/lib/postgresql";
	const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
	const found = versions.map((v) => join(base, v, "bin", name)).find((p) => existsSync(p));
	if (!found) throw new Error(`${name} not found: install PostgreSQL (apt-get install -y postgresql) or set FOUNDRY_CLUSTER_PG_URL`);
	return found;
}

async function postgres() {
	if (process.env.FOUNDRY_CLUSTER_PG_URL) return process.env.FOUNDRY_CLUSTER_PG_URL;
	const pgPort = await freePort();
	const data = join(dir, "pg");
	mkdirSync(data);
	// initdb refuses to run as root: the server runs as the postgres user when we are root.
	const user = process.getuid?.() === 0 ? "postgres" : undefined;
	if (user) spawnSync("chown", ["-R", user, data]);
	const initdbArgs = ["-A", "trust", "-U", "postgres", "-D", data];
	const initdb = user ? spawnSync("runuser", ["-u", user, "--", pgBin("initdb"), ...initdbArgs], { encoding: "utf8" }) : spawnSync(pgBin("initdb"), initdbArgs, { encoding: "utf8" });
	if (initdb.status !== 0) throw new Error(`initdb failed (set FOUNDRY_CLUSTER_PG_URL to use a running PostgreSQL): ${initdb.stderr || initdb.error}`);
	await start("postgres", pgBin("postgres"), ["-D", data, "-p", String(pgPort), "-k", data, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"], { user, ready: /ready to accept connections/ });
	const createdb = spawnSync(pgBin("createdb"), ["-h", "127.0.0.1", "-p", String(pgPort), "-U", "postgres", "rivet"], { encoding: "utf8" });
	if (createdb.status !== 0) throw new Error(`createdb failed: ${createdb.stderr}`);
	return `postgresql://postgres@127.0.0.1:${pgPort}/rivet?sslmode=disable`;
}

function engineConfig(guard, pgUrl, natsAddress) {
	return {
		auth: { admin_token: adminToken },
		guard: { host: "127.0.0.1", port: guard, tcp_nodelay: true },
		api_peer: { host: "127.0.0.1", port: guard + 1 },
		metrics: { host: "127.0.0.1", port: guard + 2 },
		telemetry: { enabled: false },
		pegboard: { envoy_lost_threshold: envoyLostMs },
		topology: {
			datacenter_label: 1,
			datacenters: { default: { datacenter_label: 1, is_leader: true, public_url: `http://127.0.0.1:${guard}`, peer_url: `http://127.0.0.1:${guard + 1}` } },
		},
		postgres: { url: pgUrl, nats: { addresses: [natsAddress] } },
		nats: { addresses: [natsAddress] },
	};
}

async function engine(name, pgUrl, natsAddress) {
	const guard = await freeTriple();
	const file = join(dir, `${name}.json`);
	writeFileSync(file, JSON.stringify(engineConfig(guard, pgUrl, natsAddress), null, 2), { mode: 0o600 });
	const url = `http://127.0.0.1:${guard}`;
	await start(name, getEnginePath(), ["start", "--config", file], { env: { RUST_LIB_BACKTRACE: "0" } });
	await until(name, async () => (await fetch(`${url}/health`)).ok);
	return url;
}

async function admin(url, method, path, body) {
	const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" }, body: JSON.stringify(body) });
	if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

/** One front door: each client connection goes to the next backend (HTTP and WebSocket alike). */
function frontDoor(backends) {
	let next = 0;
	const pick = new WeakMap();
	const server = createServer((req, res) => {
		const target = pick.get(req.socket);
		const upstream = request({ host: "127.0.0.1", port: target, method: req.method, path: req.url, headers: req.headers }, (up) => {
			res.writeHead(up.statusCode ?? 502, up.headers);
			up.pipe(res);
		});
		upstream.on("error", () => {
			if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
			res.end(JSON.stringify({ error: { code: "UPSTREAM_FAILED", message: `backend on port ${target} is not answering` } }));
		});
		req.pipe(upstream);
	});
	server.on("connection", (socket) => {
		pick.set(socket, backends[next++ % backends.length]);
	});
	server.on("upgrade", (req, socket, head) => {
		const target = pick.get(socket) ?? backends[0];
		const upstream = connect(target, "127.0.0.1", () => {
			const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`).join("\r\n");
			upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers}\r\n\r\n`);
			if (head.length > 0) upstream.write(head);
			upstream.pipe(socket).pipe(upstream);
		});
		upstream.on("error", () => socket.destroy());
		socket.on("error", () => upstream.destroy());
	});
	return new Promise((done) => server.listen(port, "127.0.0.1", () => done(server)));
}

async function shutdown(reason, code = 0) {
	if (stopping) return;
	stopping = true;
	if (reason) console.error(`foundry cluster: ${reason}; stopping`);
	// Backends first (they hand their actors over), then engines, NATS and PostgreSQL.
	for (const group of [["backend-a", "backend-b"], ["engine-1", "engine-2", "github-sim", "stripe-sim"], ["nats", "postgres"]]) {
		await Promise.all(
			children
				.filter((c) => group.includes(c.name))
				.map(({ child }) => new Promise((done) => {
					if (child.exitCode !== null || child.signalCode !== null) return done();
					const kill = setTimeout(() => child.kill("SIGKILL"), 15_000);
					child.once("exit", () => done(clearTimeout(kill)));
					child.kill("SIGTERM");
				})),
		);
	}
	rmSync(dir, { recursive: true, force: true });
	process.exit(code);
}
process.on("SIGINT", () => shutdown());
process.on("SIGTERM", () => shutdown());

try {
	const pgUrl = await postgres();
	const natsPort = await freePort();
	await start("nats", "nats-server", ["-a", "127.0.0.1", "-p", String(natsPort)], { ready: /Server is ready/ });
	const nats = `127.0.0.1:${natsPort}`;
	// One at a time: two engines initialising an empty schema at once collide.
	const engines = [await engine("engine-1", pgUrl, nats), await engine("engine-2", pgUrl, nats)];
	await admin(engines[0], "PUT", "/runner-configs/default?namespace=default", { datacenters: { default: { normal: {} } } });

	const simPort = await freePort();
	const simUrl = `http://127.0.0.1:${simPort}`;
	await start("github-sim", bun, ["src/main.ts", "--port", String(simPort), "--demo"], { cwd: join(root, "packages/github-sim"), ready: /github-sim ready on/ });
	const { app } = await (await fetch(`${simUrl}/_sim/world`)).json();
	const stripePort = await freePort();
	const stripeUrl = `http://127.0.0.1:${stripePort}`;
	await start("stripe-sim", bun, ["src/main.ts", "--port", String(stripePort)], { cwd: join(root, "packages/stripe-sim"), ready: /stripe-sim ready on/ });

	const backendPorts = backendCount === 2 ? [await freePort(), await freePort()] : [await freePort()];
	const shared = {
		FOUNDRY_PUBLIC_URL: `http://127.0.0.1:${port}`,
		FOUNDRY_AUTH_SECRET: authSecret,
		FOUNDRY_ENGINE_TOKEN: adminToken,
		FOUNDRY_GITHUB_URL: simUrl,
		FOUNDRY_GITHUB_API_URL: `${simUrl}/api/v3`,
		FOUNDRY_GITHUB_CLIENT_ID: app.clientId,
		FOUNDRY_GITHUB_CLIENT_SECRET: app.clientSecret,
		FOUNDRY_GITHUB_APP_ID: String(app.id),
		FOUNDRY_GITHUB_APP_SLUG: app.slug,
		FOUNDRY_GITHUB_APP_PRIVATE_KEY: app.privateKeyPem,
		FOUNDRY_GITHUB_WEBHOOK_SECRET: app.webhookSecret,
		FOUNDRY_STRIPE_API_URL: stripeUrl,
		FOUNDRY_STRIPE_SECRET_KEY: "sk_test_foundry_dev",
		FOUNDRY_STRIPE_WEBHOOK_SECRET: "whsec_test_sim",
		FOUNDRY_SCRIPTED_AGENT: process.env.FOUNDRY_SCRIPTED_AGENT || "true",
		FOUNDRY_SANDBOX_ISOLATION: process.env.FOUNDRY_SANDBOX_ISOLATION || "bwrap",
	};
	await Promise.all(
		["a", "b"].slice(0, backendCount).map((id, i) =>
			start(`backend-${id}`, bun, ["src/main.ts"], {
				cwd: join(root, "packages/backend"),
				env: { ...shared, FOUNDRY_PORT: String(backendPorts[i]), FOUNDRY_DATA_DIR: join(dir, `backend-${id}`), FOUNDRY_ENGINE_ENDPOINT: engines[i] },
				ready: /Foundry backend ready on/,
			}),
		),
	);
	await frontDoor(backendPorts);
	await fetch(`${stripeUrl}/_sim/webhook`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ url: `http://127.0.0.1:${port}/v1/webhooks/stripe`, secret: "whsec_test_sim" }) });
	await fetch(`${simUrl}/_sim/app`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ webhookUrl: `http://127.0.0.1:${port}/v1/webhooks/github`, webhookSecret: app.webhookSecret }) });
	console.log(
		`Foundry cluster ready on http://127.0.0.1:${port} (front door → backends on ${backendPorts.join(", ")}; engines ${engines.join(", ")} on PostgreSQL ${pgUrl.replace(/\/\/[^@]*@/, "//")} + NATS ${nats}; envoy lost threshold ${envoyLostMs} ms; GitHub simulator ${simUrl}, Stripe simulator ${stripeUrl})`,
	);
} catch (err) {
	await shutdown(err instanceof Error ? err.message : String(err), 1);
}
