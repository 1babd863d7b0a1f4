// `foundry login/logout/whoami/org/token` as a user runs them: the device flow with this test as
// the browser, credentials on disk (mode 600), API tokens that stop working the moment they are
// revoked.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { FoundryError } from "@foundry/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliProcess, eventually, runCli, spawnCli, startBackend, type TestBackend } from "./harness.ts";

let backend: TestBackend;
let scratch: string;
const started: CliProcess[] = [];

beforeAll(async () => {
	backend = await startBackend();
	scratch = mkdtempSync(join(tmpdir(), "foundry-cli-auth-"));
});
afterAll(async () => {
	for (const cli of started) cli.kill();
	await backend?.stop({ cleanup: true });
	if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** A fresh config location; no credential from the environment leaks in. */
function userEnv(name: string, via: "HOME" | "XDG_CONFIG_HOME" = "HOME") {
	const dir = join(scratch, name);
	mkdirSync(dir, { recursive: true });
	const env = { FOUNDRY_ENDPOINT: backend.url, FOUNDRY_TOKEN: "", FOUNDRY_ORG: "", HOME: dir, XDG_CONFIG_HOME: "" };
	if (via === "XDG_CONFIG_HOME") env.XDG_CONFIG_HOME = join(dir, "xdg");
	const file = via === "HOME" ? join(dir, ".config/foundry/credentials") : join(dir, "xdg/foundry/credentials");
	return { env, file };
}

type Entry = { token: string; login: string; org: string | null; tokenId?: string };
const entries = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Record<string, Entry>;
const mode = (path: string) => statSync(path).mode & 0o777;

async function expectRefused(token: string): Promise<void> {
	const err = await backend.clientFor(token).me.profile().then(() => null, (e: unknown) => e);
	expect(err).toBeInstanceOf(FoundryError);
	expect((err as FoundryError).code).toBe("UNAUTHORIZED");
}

/** The browser: sign in as `login`, open the code (claims it for this session), approve or deny. */
async function decide(userCode: string, login: string, decision: "approve" | "deny"): Promise<void> {
	const { cookie } = await backend.signIn(login).catch((err: unknown) => {
		throw new Error(`browser sign-in as ${login} failed: ${String(err)}\n${backend.output().slice(-4_000)}`);
	});
	const claim = await fetch(`${backend.url}/v1/auth/device?user_code=${encodeURIComponent(userCode)}`, { headers: { cookie } });
	expect(claim.status).toBe(200);
	const res = await fetch(`${backend.url}/v1/auth/device/${decision}`, {
		method: "POST",
		headers: { "content-type": "application/json", cookie, origin: backend.url },
		body: JSON.stringify({ userCode }),
	});
	expect(res.status, await res.clone().text()).toBe(200);
}

function startLogin(args: string[], env: Record<string, string>): CliProcess {
	const cli = spawnCli(["login", ...args], env);
	started.push(cli);
	return cli;
}

async function loginThroughBrowser(env: Record<string, string>, login: string) {
	const cli = startLogin(["--timeout", "60"], env);
	const [, , code = ""] = await cli.waitFor(/Open (\S+) and confirm code (\S+)/);
	await decide(code, login, "approve");
	return cli.exited;
}

describe("foundry login (device flow)", () => {
	it("signs in through the browser, stores an API token privately, and logout revokes it", async () => {
		const { env, file } = userEnv("device");
		const cli = startLogin(["--timeout", "60"], env);
		const [, url = "", code = ""] = await cli.waitFor(/Open (\S+) and confirm code (\S+)/);
		expect(url).toBe(`${backend.url}/v1/device?user_code=${encodeURIComponent(code)}`);
		const page = await fetch(url);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain(code.replace(/[^A-Za-z0-9-]/g, ""));

		await decide(code, "hubot", "approve");
		const done = await cli.exited;
		expect(done.code, done.stderr).toBe(0);
		expect(done.stdout.trim(), done.stderr).toBe("Signed in as hubot");

		expect(mode(file)).toBe(0o600);
		expect(mode(join(file, ".."))).toBe(0o700);
		const entry = entries(file)[backend.url];
		expect(entry).toMatchObject({ login: "hubot", org: null, tokenId: expect.stringMatching(/^tok_/) });
		const token = entry?.token ?? "";
		expect(token).toMatch(/^fdy_/);
		expect(done.stdout + done.stderr).not.toContain(token);

		// hubot's organizations are discovered after sign-in; then the stored token drives everything.
		const orgs = await eventually(async () => {
			const res = await runCli(["org", "list", "--json"], env);
			const list = JSON.parse(res.stdout) as Array<{ orgId: string; role: string; active: boolean }>;
			return list.some((o) => o.orgId === "acme") ? list : undefined;
		}, 20_000);
		expect(orgs.find((o) => o.orgId === "acme")?.role).toBe("member");

		const who = await runCli(["whoami"], env);
		expect(who.code, who.stderr).toBe(0);
		expect(who.stdout).toMatch(/^login: +hubot$/m);
		expect(who.stdout).toMatch(/^user id: +\S+$/m);
		expect(who.stdout).toMatch(/acme +member/);
		expect(who.stdout).not.toContain(token);

		const use = await runCli(["org", "use", "acme"], env);
		expect(use.code, use.stderr).toBe(0);
		expect(entries(file)[backend.url]?.org).toBe("acme");
		expect(mode(file)).toBe(0o600);
		const listed = await runCli(["org", "list"], env);
		expect(listed.stdout).toMatch(/^\* acme /m);
		const whoJson = JSON.parse((await runCli(["whoami", "--json"], env)).stdout) as { login: string; activeOrg: string };
		expect(whoJson).toMatchObject({ login: "hubot", activeOrg: "acme" });
		expect((await runCli(["repo", "list"], env)).code).toBe(0);

		const tokens = JSON.parse((await runCli(["token", "list", "--json"], env)).stdout) as Array<{ id: string; name: string; current: boolean }>;
		expect(tokens).toContainEqual(expect.objectContaining({ id: entry?.tokenId, name: `foundry CLI on ${hostname()}`, current: true }));

		// Signing in again replaces the stored token and revokes the one the first login created.
		const second = await loginThroughBrowser(env, "hubot");
		expect(second.code, second.stderr).toBe(0);
		expect(second.stderr).toContain(`Revoked the previous CLI token ${entry?.tokenId}`);
		await expectRefused(token);
		const renewed = entries(file)[backend.url];
		expect(renewed).toMatchObject({ login: "hubot", org: "acme" });
		expect(renewed?.tokenId).not.toBe(entry?.tokenId);
		expect((await runCli(["whoami"], env)).code).toBe(0);

		const out = await runCli(["logout"], env);
		expect(out.code, out.stderr).toBe(0);
		expect(out.stdout).toContain(`Signed out hubot from ${backend.url}; revoked token ${renewed?.tokenId}`);
		await expectRefused(renewed?.token ?? "");
		expect(existsSync(file) ? entries(file)[backend.url] : undefined).toBeUndefined();

		const again = await runCli(["logout"], env);
		expect(again).toMatchObject({ code: 0, stdout: "not signed in\n" });
		const anonymous = await runCli(["whoami"], env);
		expect(anonymous.code).toBe(1);
		expect(anonymous.stderr).toMatch(/^foundry: UNAUTHORIZED: not signed in to http:\/\/127\.0\.0\.1:\d+; run `foundry login`/);
	});

	it("exits 1 when the browser denies the login (--json: a code line first, a JSON error)", async () => {
		const { env, file } = userEnv("denied");
		const cli = startLogin(["--json", "--timeout", "60"], env);
		const [line = ""] = await cli.waitFor(/^\{.*"user_code".*\}$/m);
		const prompt = JSON.parse(line) as { user_code: string; verification_uri_complete: string };
		expect(prompt.verification_uri_complete).toContain("/v1/device?user_code=");
		await decide(prompt.user_code, "octocat", "deny");
		const done = await cli.exited;
		expect(done.code).toBe(1);
		expect(JSON.parse(done.stderr)).toEqual({ error: { code: "UNAUTHORIZED", message: "the login was denied in the browser" } });
		expect(existsSync(file)).toBe(false);
	});

	it("gives up after --timeout without approval", async () => {
		const { env, file } = userEnv("timeout");
		const res = await runCli(["login", "--timeout", "1"], env);
		expect(res.code).toBe(1);
		expect(res.stderr).toMatch(/^Open \S+ and confirm code \S+$/m);
		expect(res.stderr).toMatch(/^foundry: UNAUTHORIZED: the login was not approved in time/m);
		expect(existsSync(file)).toBe(false);
	});
});

describe("foundry login --token", () => {
	it("verifies the token before saving it, and fixes the file's mode", async () => {
		const { env, file } = userEnv("token", "XDG_CONFIG_HOME");
		const bad = await runCli(["login", "--token", "fdy_0000000000000000000000000000000000000000"], env);
		expect(bad.code).toBe(1);
		expect(bad.stderr.trim()).toBe("foundry: UNAUTHORIZED: API token is invalid or revoked");
		expect(existsSync(file)).toBe(false);

		// An existing file with loose permissions and another endpoint's entry.
		mkdirSync(join(file, ".."), { recursive: true });
		const other: Entry = { token: "fdy_other", login: "someone", org: null };
		writeFileSync(file, JSON.stringify({ "https://other.example": other }), { mode: 0o644 });

		const created = await backend.client().tokens.create("laptop");
		const good = await runCli(["login", "--token", created.token], env);
		expect(good.code, good.stderr).toBe(0);
		expect(good.stdout.trim()).toBe("Signed in as octocat");
		expect(mode(file)).toBe(0o600);
		expect(entries(file)).toEqual({
			"https://other.example": other,
			[backend.url]: { token: created.token, login: "octocat", org: null },
		});
		const who = JSON.parse((await runCli(["whoami", "--json"], env)).stdout) as { login: string; activeOrg: string };
		const { activeOrgId } = await backend.client().me.profile();
		expect(who).toMatchObject({ login: "octocat", activeOrg: activeOrgId });
		const current = JSON.parse((await runCli(["token", "list", "--json"], env)).stdout) as Array<{ id: string; current: boolean }>;
		expect(current.filter((t) => t.current).map((t) => t.id)).toEqual([created.id]);

		// logout finds the token by its prefix and revokes it; the other endpoint's entry stays.
		const out = await runCli(["logout"], env);
		expect(out.code, out.stderr).toBe(0);
		expect(out.stdout).toContain(`revoked token ${created.id}`);
		await expectRefused(created.token);
		expect(entries(file)).toEqual({ "https://other.example": other });
	});
});

describe("foundry token", () => {
	it("creates, lists and revokes personal API tokens; a revoked token is refused at once", async () => {
		const { env: base } = userEnv("tokens");
		const env = { ...base, FOUNDRY_TOKEN: backend.token };
		const made = await runCli(["token", "create", "ci", "bot", "--expires-in-days", "7", "--json"], env);
		expect(made.code, made.stderr).toBe(0);
		const created = JSON.parse(made.stdout) as { id: string; name: string; token: string; expiresAt: number };
		expect(created).toMatchObject({ name: "ci bot", token: expect.stringMatching(/^fdy_/) });
		expect(created.expiresAt - Date.now()).toBeGreaterThan(6.9 * 86_400_000);

		const human = await runCli(["token", "create", "shown", "once"], env);
		expect(human.code, human.stderr).toBe(0);
		expect(human.stdout).toMatch(/^fdy_\w{40}$/m);
		expect(human.stdout).toMatch(/never expires/);

		const listed = await runCli(["token", "list"], env);
		expect(listed.stderr).toBe("");
		expect(listed.stdout).toMatch(new RegExp(`${created.id} +${created.token.slice(0, 8)}…`));
		expect(listed.stdout).not.toContain(created.token);
		const listJson = JSON.parse((await runCli(["token", "list", "--json"], env)).stdout) as Array<Record<string, unknown>>;
		expect(listJson.some((t) => "token" in t)).toBe(false);

		// A client that has already used the token (warm principal cache) is refused right after.
		const user = backend.clientFor(created.token);
		expect((await user.me.profile()).login).toBe("octocat");
		const revoked = await runCli(["token", "revoke", created.id], env);
		expect(revoked).toMatchObject({ code: 0, stdout: `revoked ${created.id}\n` });
		await expectRefused(created.token);
		const cli = await runCli(["whoami"], { ...env, FOUNDRY_TOKEN: created.token });
		expect(cli.code).toBe(1);
		expect(cli.stderr).toMatch(/^foundry: UNAUTHORIZED: /);
		const listedAfter = await runCli(["token", "list"], env);
		expect(listedAfter.stdout).not.toContain(created.id);

		const cases: Array<[string[], number, RegExp]> = [
			[["token", "revoke", created.id], 1, /^foundry: NOT_FOUND: no API token/],
			[["token", "revoke", "nope"], 2, /^foundry: INVALID_INPUT: .*token id looks like/],
			[["token", "create"], 2, /^foundry: usage: missing token name/],
			[["token", "create", "x", "--expires-in-days", "0"], 2, /^foundry: usage: --expires-in-days must be a positive integer/],
			[["org", "use", "nowhere"], 1, /^foundry: FORBIDDEN: you are not a member of organization nowhere/],
		];
		for (const [args, code, message] of cases) {
			const res = await runCli(args, env);
			expect(res.code, args.join(" ")).toBe(code);
			expect(res.stderr).toMatch(message);
			expect(res.stderr.trim().split("\n")).toHaveLength(1);
		}
	});
});
