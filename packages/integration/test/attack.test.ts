// The public port tried as an attacker would, with raw fetch and WebSocket: the engine's
// management API, KV, namespaces, runner configs, metadata and inspector are unreachable whatever
// the credential; gateway calls reach only actors the caller's identity owns; the engine listens on
// loopback with a random admin token; unauthenticated traffic is rate limited.
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { eventually, startBackend, type TestBackend } from "./harness.ts";

let backend: TestBackend;
let engine: { url: string; token: string };
let memberToken: string;
let reposBefore: number;

beforeAll(async () => {
	// The anonymous budget is exercised by its own backend below; here it would cut the sweep short.
	backend = await startBackend({ env: { FOUNDRY_RATE_LIMIT_ANONYMOUS: "0" } });
	engine = backend.engine();
	memberToken = backend.token;
	// acme exists with its repositories before the attack (the demo world syncs them).
	await eventually(async () => ((await backend.client().github.status()).phase === "done" ? true : undefined), 60_000);
	reposBefore = (await backend.client().repos.list()).length;
	expect(reposBefore).toBeGreaterThan(0);
}, 180_000);
afterAll(async () => {
	await backend?.stop({ cleanup: true });
});

interface EngineActor {
	actor_id: string;
	name: string;
	key: string;
}

/** What the engine holds, asked the way only the backend can: loopback with the admin token. */
async function engineActors(name: string): Promise<EngineActor[]> {
	const res = await fetch(`${engine.url}/actors?namespace=default&name=${name}`, { headers: { authorization: `Bearer ${engine.token}` } });
	expect(res.status).toBe(200);
	return ((await res.json()) as { actors: EngineActor[] }).actors;
}

async function snapshot(): Promise<Record<string, string[]>> {
	const out: Record<string, string[]> = {};
	for (const name of ["organization", "user", "task", "authIndex", "auditLog", "githubData", "sandbox"]) {
		out[name] = (await engineActors(name)).map((a) => `${a.actor_id}:${a.key}`).sort();
	}
	return out;
}

const connParams = (params: unknown) => ({ "x-rivet-conn-params": JSON.stringify(params) });
const CREDENTIALS = ["anonymous", "Bearer dev", "the engine's own admin token", "a member's session"];

function headersFor(who: string): Record<string, string> {
	if (who === "Bearer dev") return { authorization: "Bearer dev", "x-rivet-token": "dev" };
	if (who === "the engine's own admin token") return { authorization: `Bearer ${engine.token}`, "x-rivet-token": engine.token };
	if (who === "a member's session") return connParams({ token: memberToken });
	return {};
}

describe("the engine behind the public port", () => {
	it("refuses every management, KV, namespace, runner-config, metadata and inspector route, and changes nothing", async () => {
		const before = await snapshot();
		const acme = (await engineActors("organization")).find((a) => a.key === "acme");
		expect(acme).toBeDefined();
		const id = acme?.actor_id ?? "";
		const routes: Array<[string, string, unknown?]> = [
			["GET", "/actors?namespace=default&name=organization"],
			["GET", `/actors?namespace=default&actor_ids=${id}`],
			["GET", "/actors/names?namespace=default"],
			["POST", "/actors?namespace=default", { name: "organization", key: "evil", runner_name_selector: "default", crash_policy: "sleep" }],
			["PUT", "/actors?namespace=default", { name: "organization", key: "evil", runner_name_selector: "default", crash_policy: "sleep" }],
			["DELETE", `/actors/${id}?namespace=default`],
			["GET", `/actors/${id}/kv/keys/state?namespace=default`],
			["GET", "/namespaces"],
			["POST", "/namespaces", { name: "evil", display_name: "evil" }],
			["GET", "/runner-configs?namespace=default"],
			["PUT", "/runner-configs/default?namespace=default", { datacenters: { default: { normal: {} } } }],
			["GET", "/metadata"],
			["GET", "/health"],
			["GET", `/gateway/${id}/action/ping`],
			["POST", `/gateway/${id}/action/ping`, { args: [] }],
			["GET", "/gateway/organization/inspector/state?rvt-namespace=default&rvt-method=get&rvt-key=acme"],
			["POST", "/gateway/organization/inspector/action/ping?rvt-namespace=default&rvt-method=get&rvt-key=acme", { args: [] }],
			["POST", "/gateway/authIndex/action/lookup?rvt-namespace=default&rvt-method=getOrCreate&rvt-key=app", { args: [] }],
			["POST", "/gateway/organization/action/ping?rvt-namespace=default&rvt-method=getOrCreate&rvt-key=acme&rvt-token=dev", { args: [] }],
			["POST", "/gateway/organization/action/ping?rvt-namespace=other&rvt-method=getOrCreate&rvt-key=acme", { args: [] }],
			["POST", "/gateway/organization/queue/organization.addRepo?rvt-namespace=default&rvt-method=getOrCreate&rvt-key=acme", { body: {} }],
			["POST", "/gateway/organization/action/ping?rvt-namespace=default&rvt-method=create&rvt-key=acme", { args: [] }],
		];
		const answers: string[] = [];
		for (const who of CREDENTIALS) {
			for (const [method, path, body] of routes) {
				const res = await fetch(`${backend.url}/v1/rivet${path}`, {
					method,
					headers: { "content-type": "application/json", ...headersFor(who) },
					body: body === undefined ? undefined : JSON.stringify(body),
				});
				const text = await res.text();
				answers.push(`${who} ${method} ${path} → ${res.status} ${text.includes("NOT_FOUND") ? "NOT_FOUND" : text.slice(0, 80)}`);
			}
		}
		expect(answers.filter((a) => !a.endsWith("→ 404 NOT_FOUND"))).toEqual([]);
		expect(await snapshot()).toEqual(before);
		expect((await backend.client().repos.list()).length).toBe(reposBefore);
	});

	it("a WebSocket to anything but a public actor's event connection is refused; a stranger's creates no actor and gets no events", async () => {
		/** "opened", or the HTTP status the upgrade was refused with. */
		const open = async (path: string, protocols: string[]) =>
			new Promise<string>((done) => {
				const ws = new WebSocket(`${backend.url.replace("http", "ws")}/v1/rivet${path}`, protocols);
				ws.on("open", () => {
					ws.close();
					done("opened");
				});
				ws.on("unexpected-response", (_req, res) => {
					done(`refused ${res.statusCode}`);
					res.resume();
				});
				ws.on("error", () => undefined);
			});
		const member = `rivet_conn_params.${encodeURIComponent(JSON.stringify({ token: memberToken }))}`;
		const connect = (key: string) => `/gateway/organization/connect?rvt-namespace=default&rvt-method=getOrCreate&rvt-runner=default&rvt-key=${key}&rvt-crash-policy=sleep`;
		expect(await open("/actors?namespace=default", ["rivet"])).toBe("refused 404");
		expect(await open(`/gateway/${"x".repeat(30)}/connect`, ["rivet", member])).toBe("refused 404");
		expect(await open("/gateway/authIndex/connect?rvt-namespace=default&rvt-method=getOrCreate&rvt-key=app", ["rivet", member])).toBe("refused 404");
		const before = await snapshot();
		// Anonymous and stranger connections are forwarded as "get": no actor comes into being for them.
		await open(connect("ghost-org-1"), ["rivet", "rivet_encoding.json"]);
		await open(connect("ghost-org-2"), ["rivet", "rivet_encoding.json", member]);
		expect(await snapshot()).toEqual(before);
		// Positive control: the member's own organization opens.
		expect(await open(connect("acme"), ["rivet", "rivet_encoding.json", member])).toBe("opened");
	});

	it("gateway calls reach only actors the caller owns; unauthenticated calls create no actor", async () => {
		const call = (key: string, actor: string, headers: Record<string, string>) =>
			fetch(`${backend.url}/v1/rivet/gateway/${actor}/action/ping?rvt-namespace=default&rvt-method=getOrCreate&rvt-key=${key}&rvt-runner=default&rvt-crash-policy=sleep`, {
				method: "POST",
				headers: { "content-type": "application/json", ...headers },
				body: JSON.stringify({ args: [] }),
			});
		const before = await snapshot();
		const refused = await call("not-an-org", "organization", {});
		expect(refused.status).toBe(401);
		// In RivetKit's error shape, so @foundry/client raises it as a typed error.
		expect(await refused.json()).toMatchObject({ group: "user", code: "UNAUTHORIZED" });
		expect((await call("not-an-org", "organization", connParams({ token: "forged" }))).status).toBe(401);
		expect((await call("not-an-org", "organization", connParams({ internal: "forged" }))).status).toBe(401);
		expect((await call("not-an-org", "organization", connParams({ token: memberToken }))).status).toBe(403);
		expect((await call("someone-else", "user", connParams({ token: memberToken }))).status).toBe(403);
		expect(await snapshot()).toEqual(before);
		// Positive control: the same call on the member's organization is forwarded and answered.
		expect((await call("acme", "organization", connParams({ token: memberToken }))).status).toBe(200);
	});
});

describe("the engine itself", () => {
	it("listens on loopback only and has a random admin token in the data dir (mode 600), not dev", async () => {
		const pid = backend.enginePid();
		expect(pid).not.toBeNull();
		const listening = execFileSync("ss", ["-Hltnp"], { encoding: "utf8" })
			.split("\n")
			.filter((l) => l.includes(`pid=${pid},`))
			.map((l) => l.trim().split(/\s+/)[3] ?? "");
		expect(listening.length).toBeGreaterThanOrEqual(2);
		expect(listening.filter((addr) => !addr.startsWith("127.0.0.1:"))).toEqual([]);
		expect(engine.token).not.toBe("dev");
		expect(engine.token.length).toBeGreaterThanOrEqual(32);
		expect(statSync(join(backend.dataDir, "engine-token")).mode & 0o777).toBe(0o600);
		const dev = await fetch(`${engine.url}/actors?namespace=default&name=organization`, { headers: { authorization: "Bearer dev" } });
		expect(dev.status).toBe(403);
	});
});

describe("edge rate limits", () => {
	let limited: TestBackend;
	beforeAll(async () => {
		limited = await startBackend({
			signIn: false,
			env: { FOUNDRY_RATE_LIMIT_AUTH: "10", FOUNDRY_RATE_LIMIT_DEVICE: "5", FOUNDRY_RATE_LIMIT_ANONYMOUS: "5" },
		});
	}, 180_000);
	afterAll(async () => {
		await limited?.stop({ cleanup: true });
	});

	const statuses = async (n: number, request: () => Promise<Response>) => {
		const out: Response[] = [];
		for (let i = 0; i < n; i++) out.push(await request());
		return out;
	};

	it("answers 429 with Retry-After once a client exceeds its budget on sign-in, device and anonymous gateway routes", async () => {
		const cases: Array<[string, number, () => Promise<Response>]> = [
			["auth", 10, () => fetch(`${limited.url}/v1/auth/get-session`)],
			["device", 5, () => fetch(`${limited.url}/v1/auth/device/code`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ client_id: "foundry-cli" }) })],
			["gateway", 5, () => fetch(`${limited.url}/v1/rivet/actors?namespace=default`)],
		];
		for (const [name, budget, request] of cases) {
			const answers = await statuses(budget + 2, request);
			const codes = answers.map((r) => r.status);
			expect({ name, first: codes.slice(0, budget).includes(429) }).toEqual({ name, first: false });
			expect({ name, last: codes.slice(budget) }).toEqual({ name, last: [429, 429] });
			const last = answers.at(-1);
			expect(Number(last?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
			for (const r of answers) await r.body?.cancel();
		}
		// Other budgets are separate: health is never limited.
		expect((await fetch(`${limited.url}/v1/health`)).status).toBe(200);
	});
});
