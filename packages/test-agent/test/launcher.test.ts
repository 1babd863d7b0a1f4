import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AGENT_ENTRY, installLauncher, launcherReadPaths, resolveBunBinary } from "../src/index.ts";

const dir = mkdtempSync(join(tmpdir(), "foundry-test-agent-bin-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("installLauncher", () => {
	it("writes an executable pi-acp that runs the agent with the repo's bun", () => {
		const launcher = installLauncher(join(dir, "bin"));
		expect(launcher).toBe(join(dir, "bin", "pi-acp"));
		expect(statSync(launcher).mode & 0o111).toBe(0o111);
		const script = readFileSync(launcher, "utf8");
		expect(script).toContain(resolveBunBinary());
		expect(script).toContain(AGENT_ENTRY);
		expect(statSync(resolveBunBinary()).size).toBeGreaterThan(1_000_000);
	});

	it("speaks ACP v1 ndjson on stdio and exits at end of input", () => {
		const launcher = installLauncher(join(dir, "bin"));
		const request = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: 1 } };
		const out = execFileSync(launcher, { input: `${JSON.stringify(request)}\n`, encoding: "utf8", timeout: 10_000 });
		expect(JSON.parse(out.trim())).toMatchObject({
			id: 1,
			result: { protocolVersion: 1, agentCapabilities: { loadSession: false }, agentInfo: { name: "foundry-test-agent" } },
		});
	});

	it("needs nothing but launcherReadPaths() and the toolchain: it starts in a namespace that binds only those", () => {
		const launcher = installLauncher(join(dir, "bin"));
		const paths = launcherReadPaths();
		expect(paths).toContain(realpathSync(dirname(dirname(AGENT_ENTRY))));
		expect(paths.some((p) => realpathSync(resolveBunBinary()).startsWith(`${p}/`))).toBe(true);
		const binds = [...["/usr", "/bin", "/lib", "/lib64"].flatMap((p) => ["--ro-bind-try", p, p]), ...[...paths, join(dir, "bin")].flatMap((p) => ["--ro-bind", p, p])];
		const request = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: 1 } };
		const out = execFileSync("bwrap", ["--unshare-all", "--die-with-parent", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", ...binds, "--clearenv", launcher], {
			input: `${JSON.stringify(request)}\n`,
			encoding: "utf8",
			timeout: 10_000,
		});
		expect(JSON.parse(out.trim())).toMatchObject({ id: 1, result: { protocolVersion: 1 } });
	});
});
