import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FoundryError } from "@foundry/shared";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../config.ts";
import { bwrapArgs, ETC_PATHS, findOnPath, type IsolationSpec, requireBwrap } from "./sandbox-isolation.ts";

const spec = (over: Partial<IsolationSpec> = {}): IsolationSpec => ({
	root: "/tmp/data/sandboxes/acme-t1",
	env: { HOME: "/tmp/data/sandboxes/acme-t1/home", PATH: "/tmp/data/sandboxes/acme-t1/bin:/usr/bin" },
	readOnly: ["/repo/node_modules"],
	binds: [],
	hidden: ["/tmp/data", "/tmp/data/sandboxes"],
	...over,
});

/** Index of the mount option whose destination is `dest`. */
const mountAt = (args: string[], option: string, dest: string) => args.findIndex((a, i) => a === option && args[i + (option === "--tmpfs" ? 1 : 2)] === dest);

describe("bwrapArgs", () => {
	it("unshares everything but the network, maps an unprivileged uid, dies with the backend", () => {
		const args = bwrapArgs(spec());
		expect(args.slice(0, 12)).toEqual(["--unshare-all", "--share-net", "--unshare-user", "--uid", "1000", "--gid", "1000", "--cap-drop", "ALL", "--die-with-parent", "--proc", "/proc"]);
		expect(args).not.toContain("--new-session"); // pause/resume/stop signal the sandbox's process group
	});

	it("binds the toolchain and a short /etc list read-only, never all of /etc or its secrets", () => {
		const args = bwrapArgs(spec());
		expect(mountAt(args, "--ro-bind-try", "/usr")).toBeGreaterThan(-1);
		expect(mountAt(args, "--ro-bind-try", "/etc/resolv.conf")).toBeGreaterThan(-1);
		for (const secret of ["/etc", "/etc/shadow", "/etc/gshadow", "/etc/ssl", "/etc/ssl/private", "/etc/ssh"]) expect(args).not.toContain(secret);
		expect(ETC_PATHS.every((p) => p.startsWith("/etc/"))).toBe(true);
	});

	it("binds the sandbox root writable at its own path last, after /tmp's tmpfs, and works there", () => {
		const args = bwrapArgs(spec());
		const root = mountAt(args, "--bind", "/tmp/data/sandboxes/acme-t1");
		expect(mountAt(args, "--tmpfs", "/tmp")).toBeLessThan(root);
		expect(args.slice(root, root + 6)).toEqual(["--bind", "/tmp/data/sandboxes/acme-t1", "/tmp/data/sandboxes/acme-t1", "--chdir", "/tmp/data/sandboxes/acme-t1", "--clearenv"]);
		expect(args.slice(root + 6)).toEqual(["--setenv", "HOME", "/tmp/data/sandboxes/acme-t1/home", "--setenv", "PATH", "/tmp/data/sandboxes/acme-t1/bin:/usr/bin"]);
		// Under /tmp the data dir is already invisible (a fresh tmpfs): no tmpfs over it.
		expect(mountAt(args, "--tmpfs", "/tmp/data")).toBe(-1);
	});

	it("covers the data dir with a tmpfs when a read-only bind contains it, before the root is bound", () => {
		const args = bwrapArgs(spec({ root: "/repo/.data/sandboxes/x", readOnly: ["/repo"], hidden: ["/repo/.data", "/repo/.data/sandboxes"] }));
		const bind = mountAt(args, "--ro-bind", "/repo");
		const hide = mountAt(args, "--tmpfs", "/repo/.data");
		const hideSandboxes = mountAt(args, "--tmpfs", "/repo/.data/sandboxes");
		const root = mountAt(args, "--bind", "/repo/.data/sandboxes/x");
		expect(bind).toBeGreaterThan(-1);
		expect(bind < hide && hide < hideSandboxes && hideSandboxes < root).toBe(true);
	});

	it("adds extra binds at the same path, writable or not, and refuses ones that would expose the data dir", () => {
		const args = bwrapArgs(spec({ binds: [{ path: "/srv/repos/a", writable: false }, { path: "/srv/scratch", writable: true }] }));
		expect(mountAt(args, "--ro-bind", "/srv/repos/a")).toBeGreaterThan(-1);
		expect(mountAt(args, "--bind", "/srv/scratch")).toBeGreaterThan(-1);
		for (const path of ["/tmp/data", "/tmp/data/sandboxes/other", "relative/path", "/srv/../tmp/data"]) {
			expect(() => bwrapArgs(spec({ binds: [{ path, writable: false }] }))).toThrow(FoundryError);
		}
	});
});

describe("the bwrap probe", () => {
	it("a PATH without bwrap is a configuration error naming the package and the escape hatch", async () => {
		const empty = mkdtempSync(join(tmpdir(), "foundry-no-bwrap-"));
		try {
			expect(findOnPath("bwrap", empty)).toBeNull();
			const refused = requireBwrap(empty);
			await expect(refused).rejects.toBeInstanceOf(ConfigError);
			await expect(refused).rejects.toThrow(/bubblewrap.*apt-get install -y bubblewrap.*FOUNDRY_SANDBOX_ISOLATION=none/);
		} finally {
			rmSync(empty, { recursive: true, force: true });
		}
	});
});

describe("a real bwrap run with these arguments", () => {
	const data = mkdtempSync(join(tmpdir(), "foundry-isolation-"));
	afterAll(() => rmSync(data, { recursive: true, force: true }));

	it("sees its root (writable) and the toolchain (read-only), not the data dir, other sandboxes, the host's processes or env", async () => {
		const bwrap = await requireBwrap(process.env.PATH);
		const root = join(data, "sandboxes", "mine");
		mkdirSync(root, { recursive: true });
		mkdirSync(join(data, "sandboxes", "other"), { recursive: true });
		writeFileSync(join(data, "auth-secret"), "s3cret");
		writeFileSync(join(data, "sandboxes", "other", "token"), "other-token");
		const args = bwrapArgs({ root, env: { PATH: "/usr/bin:/bin", MARK: "inside" }, readOnly: [], binds: [], hidden: [data, join(data, "sandboxes")] });
		const script = [
			`cat ${data}/auth-secret 2>&1`,
			`cat ${data}/sandboxes/other/token 2>&1`,
			`ls ${data}/sandboxes`,
			"echo written > own.txt && cat own.txt",
			"touch /usr/x 2>&1 || true",
			`test -e /proc/${process.pid}/environ && echo host-pid-visible || echo no-host-pid`,
			"env | sort | tr '\\n' ' '",
			"id -u",
		].join("; echo; ");
		const out = execFileSync(bwrap, [...args, "sh", "-c", script], { encoding: "utf8", env: { FOUNDRY_AUTH_SECRET: "leak" } });
		expect(out).toContain(`${data}/auth-secret: No such file or directory`);
		expect(out).toContain(`${data}/sandboxes/other/token: No such file or directory`);
		expect(out).not.toContain("s3cret");
		expect(out).not.toContain("other-token");
		expect(out).toMatch(/^mine$/m); // the only entry of the sandboxes dir
		expect(out).toContain("written");
		expect(out).toMatch(/Read-only file system/);
		expect(out).toContain("no-host-pid");
		expect(out).not.toContain("FOUNDRY_AUTH_SECRET");
		expect(out).toContain("MARK=inside");
		expect(out).toMatch(/^1000$/m);
	});
});
