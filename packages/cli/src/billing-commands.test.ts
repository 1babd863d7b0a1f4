// Billing arguments (--seats, --by, the cap, the checkout session id) and the usage errors that end a
// billing command before any request (exit 2).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseCli, UsageError } from "./args.ts";
import { byFlag, capArg, checkoutSessionArg, seatsFlag, USAGE_GROUPINGS } from "./billing-commands.ts";
import { run, USAGE } from "./main.ts";

describe("billing arguments", () => {
	it("reads --seats and --by", () => {
		const a = parseCli(["billing", "checkout", "--seats", "3", "--by", "task"]);
		expect(a.command).toEqual(["billing", "checkout"]);
		expect(a.flags).toMatchObject({ seats: "3", by: "task" });
	});

	it("--seats: a positive integer the checkout accepts, else a usage error", () => {
		expect(seatsFlag({})).toBeUndefined();
		expect(seatsFlag({ seats: "1" })).toBe(1);
		expect(seatsFlag({ seats: "25" })).toBe(25);
		for (const bad of ["0", "x", "-2", "1.5", "", "1001"]) expect(() => seatsFlag({ seats: bad }), bad).toThrow(UsageError);
		expect(() => seatsFlag({ seats: "0" })).toThrow("--seats must be a positive integer, got '0'");
		expect(() => seatsFlag({ seats: "1001" })).toThrow(/^--seats: /);
	});

	it("--by: user, task or session", () => {
		expect(USAGE_GROUPINGS).toEqual(["user", "task", "session"]);
		expect(byFlag({ command: ["usage"], flags: {} })).toBeUndefined();
		for (const by of USAGE_GROUPINGS) expect(byFlag({ command: ["usage"], flags: { by } })).toBe(by);
		expect(() => byFlag({ command: ["usage"], flags: { by: "bogus" } })).toThrow("--by must be one of user, task, session");
	});

	it("cap: positive minutes, or off/none for no cap", () => {
		expect(capArg("600")).toBe(600);
		expect(capArg(" 90.5 ")).toBe(90.5);
		expect(capArg("off")).toBeNull();
		expect(capArg("none")).toBeNull();
		expect(() => capArg(undefined)).toThrow(/missing cap/);
		expect(() => capArg("")).toThrow(/missing cap/);
		for (const bad of ["abc", "-5", "1e3", "0x10", "5m", "Infinity"]) expect(() => capArg(bad), bad).toThrow(/cap must be a number of agent minutes or off/);
		expect(() => capArg("0")).toThrow("cap: the cap must be more than 0 minutes");
		expect(() => capArg("99999999")).toThrow(/^cap: /);
	});

	it("finalize: needs the checkout session id", () => {
		expect(checkoutSessionArg(["billing", "finalize", "cs_test_123"])).toBe("cs_test_123");
		expect(() => checkoutSessionArg(["billing", "finalize"])).toThrow(/missing checkout session id/);
		expect(() => checkoutSessionArg(["billing", "finalize", "x".repeat(201)])).toThrow(/^checkout session id: /);
	});
});

describe("billing usage errors", () => {
	const config = mkdtempSync(join(tmpdir(), "foundry-cli-"));
	afterAll(() => rmSync(config, { recursive: true, force: true }));

	async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
		let out = "";
		let err = "";
		const io = { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) }, env: { XDG_CONFIG_HOME: config, FOUNDRY_TOKEN: "fdy_test", FOUNDRY_ENDPOINT: "http://127.0.0.1:9" } };
		const code = await run(argv, io);
		return { code, out, err };
	}

	it("exit 2 with a clear message, before any request", async () => {
		const cases: Array<[string[], RegExp]> = [
			[["billing", "checkout", "--seats", "0"], /--seats must be a positive integer, got '0'/],
			[["billing", "checkout", "--seats", "x"], /--seats must be a positive integer, got 'x'/],
			[["billing", "checkout", "--seats=-3"], /--seats must be a positive integer/],
			[["billing", "cap", "abc"], /cap must be a number of agent minutes or off, got 'abc'/],
			[["billing", "cap", "-5"], /Unknown option '-5'/],
			[["billing", "cap", "--", "-5"], /cap must be a number of agent minutes or off, got '-5'/],
			[["billing", "cap", "0"], /the cap must be more than 0 minutes/],
			[["billing", "cap"], /missing cap/],
			[["billing", "finalize"], /missing checkout session id/],
			[["billing", "bogus"], /unknown command 'billing bogus'/],
			[["billing", "portal", "now"], /unknown command 'billing portal now'/],
			[["usage", "--by", "bogus"], /--by must be one of user, task, session/],
			[["usage", "user"], /unknown command 'usage user'/],
		];
		for (const [argv, message] of cases) {
			const res = await cli(...argv);
			expect(res.code, argv.join(" ")).toBe(2);
			expect(res.err, argv.join(" ")).toMatch(/^foundry: usage: /);
			expect(res.err, argv.join(" ")).toMatch(message);
			expect(res.out, argv.join(" ")).toBe("");
		}
	});

	it("reports usage errors as JSON with --json", async () => {
		const res = await cli("--json", "usage", "--by", "bogus");
		expect(res.code).toBe(2);
		expect(JSON.parse(res.err)).toEqual({ error: { code: "INVALID_INPUT", message: "--by must be one of user, task, session" } });
	});

	it("lists the billing commands and flags in the usage text", () => {
		for (const command of ["billing", "billing checkout", "billing finalize", "billing portal", "billing cancel", "billing resume", "billing cap", "usage"]) {
			expect(USAGE).toContain(`  ${command} `);
		}
		expect(USAGE).toContain("--seats N");
		expect(USAGE).toContain("--by user|task|session");
	});
});
