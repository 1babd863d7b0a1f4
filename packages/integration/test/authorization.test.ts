// The authorization matrix: every client-callable action of every actor (read from the real actor
// definitions) called as anonymous, an outsider, a member, an admin and across organizations,
// over raw RivetKit connections; plus queue publishing and event subscriptions.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deriveInternalCredential } from "@foundry/backend/auth/credentials";
import { ACCESS, AUTH_INDEX_KEY, type ConnParams, QUEUE } from "@foundry/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	ACTOR_NAMES,
	argsFor,
	definedActions,
	type Expected,
	expected,
	type Fixtures,
	inPool,
	outcome,
	type RawClient,
	type RawHandle,
	ruleOf,
	satisfies,
	subscribe,
	type Target,
	type Who,
	rawClient,
} from "./access-matrix.ts";
import { eventually, startBackend, type TestBackend } from "./harness.ts";
import { organizationsOf, signInRetrying } from "./users.ts";

let backend: TestBackend;
let raw: RawClient;
let octocat: Who;
let hubot: Who;
let mallory: Who;
let targets: Target[];
const fixtures: Fixtures = { repoIdByOrg: {} };

/** A signed-in user as the matrix sees them, once their organizations are known. */
async function whoFor(name: string, token: string, orgs: string[]): Promise<Who> {
	const profile = await organizationsOf(backend, token, orgs);
	const { userId } = await backend.clientFor(token).whoami();
	return { name, userId, login: profile.login, token, roles: Object.fromEntries(profile.organizations.map((m) => [m.orgId, m.role])) };
}

const signIn = async (login: string) => (await signInRetrying(backend, login)).sessionToken;

async function taskIn(token: string, org: string): Promise<string> {
	const client = backend.clientFor(token, org);
	fixtures.repoIdByOrg[org] ??= (await client.repos.add(`https://example.com/${org}/matrix`)).id;
	const { id } = await client.tasks.create({ startSession: false, repo: fixtures.repoIdByOrg[org] ?? "", prompt: "matrix fixture", requestId: `matrix-${org}-${token.slice(0, 8)}` });
	// Start the actors the matrix calls (tasks start lazily, audit logs on first use), so that the
	// matrix measures access rules, not actor creation.
	await eventually(async () => (await client.tasks.get(id)).id, 60_000);
	await eventually(async () => (await client.audit.list({ limit: 1 })).events, 60_000);
	return id;
}

beforeAll(async () => {
	const started = performance.now();
	backend = await startBackend();
	raw = rawClient(backend.engine());
	await backend.sim.control("POST", "/users", { login: "mallory" });
	// One at a time: each first sign-in creates a user actor and a personal organization.
	octocat = await whoFor("octocat (admin of acme)", backend.token, ["acme", "octocat"]);
	hubot = await whoFor("hubot (member of acme)", await signIn("hubot"), ["acme", "hubot"]);
	mallory = await whoFor("mallory (outsider)", await signIn("mallory"), ["mallory"]);
	const t1 = await taskIn(octocat.token, "acme");
	const [t2, t3] = await Promise.all([taskIn(hubot.token, "acme"), taskIn(octocat.token, "octocat")]);
	// Start the github-data actors too, so the matrix measures rules, not actor creation.
	for (const org of ["acme", "octocat"]) await eventually(async () => backend.clientFor(octocat.token, org).github.status(), 60_000);
	for (const [org, task] of [["acme", t1], ["octocat", t3]] as const) {
		await eventually(async () => raw.handle("sandbox", [org, task], { token: octocat.token }).action({ name: "getSandbox", args: [] }), 60_000);
	}
	const userTarget = (w: Who): Target => ({ label: `user ${w.login}`, actor: "user", key: [w.userId], user: { userId: w.userId, login: w.login } });
	targets = [
		{ label: "organization acme", actor: "organization", key: ["acme"], org: "acme" },
		{ label: "organization octocat (personal)", actor: "organization", key: ["octocat"], org: "octocat" },
		{ label: "task acme/T1 (octocat's)", actor: "task", key: ["acme", t1], org: "acme", taskId: t1, ownerId: octocat.userId },
		{ label: "task acme/T2 (hubot's)", actor: "task", key: ["acme", t2], org: "acme", taskId: t2, ownerId: hubot.userId },
		{ label: "task octocat/T3", actor: "task", key: ["octocat", t3], org: "octocat", taskId: t3, ownerId: octocat.userId },
		{ label: "sandbox acme/T1", actor: "sandbox", key: ["acme", t1], org: "acme", taskId: t1 },
		{ label: "sandbox octocat/T3", actor: "sandbox", key: ["octocat", t3], org: "octocat", taskId: t3 },
		{ label: "auditLog acme", actor: "auditLog", key: ["acme"], org: "acme" },
		{ label: "auditLog octocat", actor: "auditLog", key: ["octocat"], org: "octocat" },
		{ label: "githubData acme", actor: "githubData", key: ["acme"], org: "acme" },
		{ label: "githubData octocat", actor: "githubData", key: ["octocat"], org: "octocat" },
		userTarget(octocat),
		userTarget(hubot),
		userTarget(mallory),
		{ label: "authIndex", actor: "authIndex", key: AUTH_INDEX_KEY },
	];
	console.log(`authorization setup ${Math.round(performance.now() - started)} ms`);
}, 300_000);
afterAll(async () => {
	await raw?.dispose();
	await backend?.stop({ cleanup: true });
});

describe("the action list", () => {
	it("has exactly one access rule per action the actors define (a new action without a rule fails)", () => {
		const actual = definedActions();
		expect(Object.keys(actual).sort()).toEqual([...ACTOR_NAMES].sort());
		for (const actor of ACTOR_NAMES) {
			expect({ actor, actions: actual[actor] }).toEqual({ actor, actions: Object.keys(ACCESS[actor]).sort() });
			for (const action of actual[actor] ?? []) expect(argsFor(actor, action), `${actor}.${action} has matrix arguments`).toBeDefined();
		}
	});
});

interface Case {
	caller: string;
	target: Target;
	action: string;
	rule: string;
	params: ConnParams;
	want: Expected;
	got?: string;
}

/** Every action is called without credentials; invalid credentials are tried on one action per actor. */
const NO_CREDENTIALS = "no credentials";
const ANONYMOUS: Array<{ caller: string; params: ConnParams }> = [
	{ caller: NO_CREDENTIALS, params: {} },
	{ caller: "unknown API token", params: { token: `fdy_${"x".repeat(40)}` } },
	{ caller: "unknown session token", params: { token: "not-a-session-token" } },
	{ caller: "forged internal credential", params: { internal: "forged" } },
	{ caller: "malformed params", params: { token: 42 } as unknown as ConnParams },
];

function buildCases(): Case[] {
	const actions = definedActions();
	const cases: Case[] = [];
	for (const target of targets) {
		for (const action of actions[target.actor] ?? []) {
			const rule = ruleOf(target.actor, action) ?? "missing";
			const firstOfItsKind = targets.find((t) => t.actor === target.actor) === target;
			const firstAction = actions[target.actor]?.[0] === action;
			for (const a of ANONYMOUS) {
				if (firstOfItsKind && (a.caller === NO_CREDENTIALS || firstAction)) cases.push({ ...a, target, action, rule, want: "UNAUTHORIZED" });
			}
			for (const who of [mallory, hubot, octocat]) {
				const want = rule === "missing" ? "FORBIDDEN" : expected(who, rule, target);
				cases.push({ caller: who.name, params: { token: who.token }, target, action, rule, want });
			}
		}
	}
	return cases;
}

const describeCase = (c: Case) => `${c.caller} → ${c.target.label} ${c.action} [${c.rule}]: want ${c.want}, got ${c.got}`;

describe("every action × every kind of caller", () => {
	let cases: Case[] = [];
	beforeAll(async () => {
		cases = buildCases();
		const started = performance.now();
		await inPool(cases, 16, async (c) => {
			const args = argsFor(c.target.actor, c.action)?.(c.target, fixtures) ?? [];
			const handle = raw.handle(c.target.actor, c.target.key, c.params);
			c.got = await outcome(() => handle.action({ name: c.action, args }));
		});
		const counts: Record<string, number> = {};
		for (const c of cases) counts[c.want] = (counts[c.want] ?? 0) + 1;
		const actionCount = Object.values(definedActions()).flat().length;
		console.log(`matrix: ${cases.length} calls (${actionCount} actions; anonymous, ${ANONYMOUS.length - 1} invalid credentials, outsider, member, admin) in ${Math.round(performance.now() - started)} ms`, counts);
	}, 300_000);

	const failures = (filter: (c: Case) => boolean) => cases.filter(filter).filter((c) => !satisfies(c.got ?? "", c.want)).map(describeCase);
	const count = (filter: (c: Case) => boolean) => cases.filter(filter).length;

	it("anonymous callers get UNAUTHORIZED on every action; so do invalid credentials", () => {
		const anonymous = (c: Case) => ANONYMOUS.some((a) => a.caller === c.caller);
		const actionCount = Object.values(definedActions()).flat().length;
		expect(count((c) => c.caller === NO_CREDENTIALS)).toBe(actionCount);
		expect(count(anonymous)).toBe(actionCount + (ANONYMOUS.length - 1) * ACTOR_NAMES.length);
		expect(failures(anonymous)).toEqual([]);
	});

	it("a signed-in user who is not a member gets FORBIDDEN on acme's and other users' actors", () => {
		const outsider = (c: Case) => c.caller === mallory.name && c.target.user?.userId !== mallory.userId;
		expect(cases.filter(outsider).every((c) => c.want === "FORBIDDEN")).toBe(true);
		expect(failures(outsider)).toEqual([]);
	});

	it("a member may use member actions; admin-only, owner-only and internal actions are FORBIDDEN", () => {
		const member = (c: Case) => c.caller === hubot.name && c.target.org === "acme";
		expect(count((c) => member(c) && c.want === "allowed")).toBeGreaterThan(10);
		expect(cases.filter((c) => member(c) && c.want === "FORBIDDEN").map((c) => `${c.target.label} ${c.action}`)).toEqual(
			expect.arrayContaining(["organization acme addRepo", "organization acme clearRuntimeIssues", "task acme/T1 (octocat's) setOwner"]),
		);
		expect(failures(member)).toEqual([]);
	});

	it("an admin may use admin and owner-or-admin actions, never internal ones", () => {
		const admin = (c: Case) => c.caller === octocat.name && c.target.org === "acme";
		expect(count((c) => admin(c) && c.rule === "internal")).toBeGreaterThan(0);
		expect(failures(admin)).toEqual([]);
	});

	it("user actors answer only to their own user; internal user actions to nobody", () => {
		const onUsers = (c: Case) => !ANONYMOUS.some((a) => a.caller === c.caller) && c.target.actor === "user";
		expect(count((c) => onUsers(c) && c.want === "allowed")).toBe(3 * Object.values(ACCESS.user).filter((r) => r === "self").length);
		expect(failures(onUsers)).toEqual([]);
	});

	it("cross-organization: a member of acme naming octocat's organization, audit log or task is FORBIDDEN", () => {
		const cross = (c: Case) => c.caller === hubot.name && c.target.org === "octocat";
		expect(count(cross)).toBe(
			Object.keys(ACCESS.organization).length +
				Object.keys(ACCESS.task).length +
				Object.keys(ACCESS.auditLog).length +
				Object.keys(ACCESS.githubData).length +
				Object.keys(ACCESS.sandbox).length,
		);
		expect(failures(cross)).toEqual([]);
	});

	it("the authIndex refuses every signed-in caller", () => {
		expect(failures((c) => c.target.actor === "authIndex")).toEqual([]);
	});

	it("the backend's own internal credential passes the internal rules (the refusals above are not blanket)", async () => {
		const secret = readFileSync(join(backend.dataDir, "auth-secret"), "utf8").trim();
		const params: ConnParams = { internal: deriveInternalCredential(secret) };
		const internal = cases.filter((c) => (c.rule === "internal" || c.rule === "schedule") && c.caller === hubot.name && (c.target.org === "acme" || c.target.user?.userId === hubot.userId || c.target.actor === "authIndex"));
		const results = await inPool(internal, 8, async (c) => {
			const got = await outcome(() => raw.handle(c.target.actor, c.target.key, params).action({ name: c.action, args: [] }));
			return { ...c, caller: "internal", want: "allowed" as const, got };
		});
		expect(results.length).toBe(Object.values(ACCESS).flatMap((a) => Object.values(a)).filter((r) => r === "internal" || r === "schedule").length);
		expect(results.filter((c) => !satisfies(c.got, c.want)).map(describeCase)).toEqual([]);
	});
});

/** Sends to a queue and waits for the command, so an accepted message would have taken effect. */
const publish = (h: RawHandle, name: string, body: unknown) => outcome(() => h.send(name, body, { wait: true, timeout: 5_000 }));

describe("queues and events", () => {
	it("clients cannot publish to any queue, even with a member's or admin's credentials", async () => {
		const task = targets.find((t) => t.actor === "task" && t.ownerId === hubot.userId);
		const keys: Record<keyof typeof QUEUE, string[]> = { organization: ["acme"], task: task?.key ?? [], auditLog: ["acme"], user: [hubot.userId], githubData: ["acme"], sandbox: task?.key ?? [] };
		const sends = (Object.keys(QUEUE) as Array<keyof typeof QUEUE>).flatMap((actor) =>
			Object.values(QUEUE[actor]).flatMap((name) =>
				[hubot, octocat]
					.map((who): { actor: typeof actor; name: string; who: string; params: ConnParams } => ({ actor, name, who: who.name, params: { token: who.token } }))
					.concat({ actor, name, who: "anonymous", params: {} }),
			),
		);
		const results = await inPool(sends, 16, async (s) => `${s.who} → ${s.name}: ${await publish(raw.handle(s.actor, keys[s.actor], s.params), s.name, {})}`);
		expect(results.filter((r) => !r.endsWith(": auth/forbidden"))).toEqual([]);
		expect(results.length).toBe(3 * Object.values(QUEUE).flatMap((q) => Object.values(q)).length);
	});

	it("a member cannot grant themselves another organization through its queues", async () => {
		const account = { login: "octocat", kind: "personal", name: "octocat", avatarUrl: null, installation: "install_required" };
		const asHubot = { token: hubot.token };
		const results = await Promise.all([
			publish(raw.handle("user", [hubot.userId], asHubot), QUEUE.user.applyMembership, { ...account, orgId: "octocat", role: "admin", kind: "personal" }),
			publish(raw.handle("organization", ["octocat"], asHubot), QUEUE.organization.syncMember, { userId: hubot.userId, login: "hubot", avatarUrl: null, role: "admin", account }),
		]);
		expect(results).toEqual(["auth/forbidden", "auth/forbidden"]);
		const members = await backend.clientFor(octocat.token, "octocat").members.list();
		expect(members.map((m) => m.login)).toEqual(["octocat"]);
		expect((await backend.clientFor(hubot.token).me.profile()).organizations.map((o) => o.orgId).sort()).toEqual(["acme", "hubot"]);
		expect(await outcome(() => raw.handle("organization", ["octocat"], asHubot).action({ name: "listTasks", args: [{}] }))).toBe("user/FORBIDDEN");
	});
});

describe("event subscriptions", () => {
	it("another organization's, task's or user's events are refused; anonymous subscribers are refused", async () => {
		const t3 = targets.find((t) => t.org === "octocat" && t.actor === "task");
		const asHubot = { token: hubot.token };
		const results = await Promise.all([
			subscribe(raw.handle("organization", ["octocat"], asHubot), "organizationUpdated"),
			subscribe(raw.handle("task", t3?.key ?? [], asHubot), "taskUpdated"),
			subscribe(raw.handle("user", [octocat.userId], asHubot), "userUpdated"),
			subscribe(raw.handle("organization", ["acme"], {}), "organizationUpdated"),
		]);
		expect(results).toEqual(["user/FORBIDDEN", "user/FORBIDDEN", "user/FORBIDDEN", "user/UNAUTHORIZED"]);
	});

	it("a member receives their own organization's events", async () => {
		const admin = backend.clientFor(octocat.token, "acme");
		const t1 = targets.find((t) => t.ownerId === octocat.userId && t.org === "acme")?.taskId ?? "";
		let n = 0;
		const got = await subscribe(raw.handle("organization", ["acme"], { token: hubot.token }), "organizationUpdated", () =>
			admin.tasks.rename(t1, `renamed for subscribers ${n++}`),
		);
		expect(got).toBe("event");
	});
});
