// Local sandboxes in a bubblewrap namespace (FOUNDRY_SANDBOX_ISOLATION=bwrap, the default): the
// bwrap arguments (a pure function, tested beside) and the startup probe.
//
// What a sandbox sees: the toolchain read-only (/usr with the merged-/usr links, a short list of
// /etc entries), the sandbox-agent binary and the scripted agent's code read-only, and its own
// directory read-write at the same absolute path as outside (the backend names files and session
// cwds by that path through the SDK). Never the data dir (auth secret, engine token, other
// sandboxes): where a bind would contain it, a tmpfs covers it before the sandbox root is bound.
// Own mount, PID (its /proc shows only itself), IPC, UTS and cgroup namespaces; `--clearenv`, so
// only the variables we set exist inside.
// User: a user namespace maps the backend's uid to SANDBOX_UID with no capabilities, so nothing
// inside can remount, override file modes or reach files of other users; git sees its files as
// its own (no "dubious ownership"). On the host the processes still run as the backend's uid:
// files the agent writes are the backend's, and every file we bind that the backend owns is
// readable inside whatever its mode — hence no /etc/shadow, /etc/ssl/private, /etc/ssh.
// The network is shared (git remotes, model APIs): loopback services stay reachable and must
// authenticate. No `--new-session`: the sandbox is spawned detached (setsid) with stdin on
// /dev/null, so it has no controlling terminal to inject into (TIOCSTI), and every process in it
// stays in the one process group that pause, resume and stop signal.
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute, join, resolve, sep } from "node:path";
import { FoundryError } from "@foundry/shared";
import { ConfigError } from "../config.ts";

/** The uid/gid agents run as inside the namespace (mapped to the backend's own outside). */
export const SANDBOX_UID = 1000;
export const SANDBOX_GID = 1000;

/** The toolchain, read-only; missing ones (no /lib64 on arm64) are skipped. */
export const SYSTEM_PATHS = ["/usr", "/bin", "/lib", "/lib64", "/sbin"] as const;

/** Only what DNS, TLS, user lookups, the dynamic loader, git and `alternatives` symlinks need. */
export const ETC_PATHS = [
	"/etc/resolv.conf",
	"/etc/hosts",
	"/etc/host.conf",
	"/etc/nsswitch.conf",
	"/etc/gai.conf",
	"/etc/services",
	"/etc/protocols",
	"/etc/passwd",
	"/etc/group",
	"/etc/localtime",
	"/etc/ld.so.cache",
	"/etc/ld.so.conf",
	"/etc/ld.so.conf.d",
	"/etc/alternatives",
	"/etc/ssl/certs",
	"/etc/ssl/openssl.cnf",
	"/etc/ca-certificates",
	"/etc/ca-certificates.conf",
	"/etc/gitconfig",
] as const;

/** PATH inside: the sandbox's bin (agent launchers) first, then only directories that exist there. */
export const ISOLATED_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface Bind {
	/** Absolute, normalised; bound at the same path inside. */
	path: string;
	writable: boolean;
}

export interface IsolationSpec {
	/** The sandbox's own directory: writable, its working directory. */
	root: string;
	/** The complete environment inside. */
	env: Record<string, string>;
	/** More read-only directories (the sandbox-agent binary, the scripted agent). */
	readOnly: readonly string[];
	/** Extra binds asked for at create (e.g. a repository that is a local path). */
	binds: readonly Bind[];
	/** Never visible inside (the data dir, the sandboxes dir). */
	hidden: readonly string[];
}

const within = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`);

function checkBind(bind: Bind, hidden: readonly string[]): void {
	if (!isAbsolute(bind.path) || resolve(bind.path) !== bind.path) {
		throw new FoundryError("INVALID_INPUT", `a sandbox bind must be an absolute, normalised path (got '${bind.path}')`);
	}
	// A bind inside the data dir would hand the sandbox secrets or another sandbox.
	if (hidden.some((dir) => within(bind.path, dir))) {
		throw new FoundryError("INVALID_INPUT", `a sandbox bind may not expose the data dir (got '${bind.path}')`);
	}
}

/** bwrap's options (everything before the command) for one sandbox. Order matters: later mounts cover earlier ones. */
export function bwrapArgs(spec: IsolationSpec): string[] {
	for (const bind of spec.binds) checkBind(bind, spec.hidden);
	const args = ["--unshare-all", "--share-net", "--unshare-user", "--uid", String(SANDBOX_UID), "--gid", String(SANDBOX_GID)];
	args.push("--cap-drop", "ALL", "--die-with-parent", "--proc", "/proc", "--dev", "/dev");
	// Before any bind under /tmp (the data dir often is there), or it would cover them.
	args.push("--tmpfs", "/tmp");
	for (const path of [...SYSTEM_PATHS, ...ETC_PATHS]) args.push("--ro-bind-try", path, path);
	for (const dir of spec.readOnly) args.push("--ro-bind", dir, dir);
	for (const bind of spec.binds) args.push(bind.writable ? "--bind" : "--ro-bind", bind.path, bind.path);
	const bound = [...SYSTEM_PATHS, ...ETC_PATHS, ...spec.readOnly, ...spec.binds.map((b) => b.path)];
	for (const dir of spec.hidden) if (bound.some((path) => within(dir, path))) args.push("--tmpfs", dir);
	args.push("--bind", spec.root, spec.root, "--chdir", spec.root, "--clearenv");
	for (const [name, value] of Object.entries(spec.env)) args.push("--setenv", name, value);
	return args;
}

/** The first executable `name` on `pathEnv`, or null. */
export function findOnPath(name: string, pathEnv: string | undefined): string | null {
	for (const dir of (pathEnv ?? "").split(delimiter).filter((d) => isAbsolute(d))) {
		const candidate = join(dir, name);
		try {
			accessSync(candidate, constants.X_OK);
			return candidate;
		} catch {
			// Not in this directory (or not executable): look in the next one.
		}
	}
	return null;
}

const ESCAPE = "or set FOUNDRY_SANDBOX_ISOLATION=none to run agents without isolation (only for agents you trust)";

/**
 * The bwrap binary, after a sandbox with the namespaces we use started here (`true` in it):
 * a missing binary or a kernel/container that forbids user namespaces is a configuration error.
 */
export async function requireBwrap(pathEnv: string | undefined): Promise<string> {
	const bwrap = findOnPath("bwrap", pathEnv);
	if (!bwrap) {
		throw new ConfigError(`invalid configuration: FOUNDRY_SANDBOX_ISOLATION=bwrap needs bubblewrap, and bwrap is not on PATH: install it (apt-get install -y bubblewrap) ${ESCAPE}`);
	}
	const probe = ["--unshare-all", "--share-net", "--unshare-user", "--uid", String(SANDBOX_UID), "--gid", String(SANDBOX_GID)];
	probe.push("--cap-drop", "ALL", "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "true");
	const failure = await new Promise<string | null>((done) => {
		execFile(bwrap, probe, { timeout: 10_000, env: {} }, (error, _stdout, stderr) => done(error ? stderr.trim() || error.message : null));
	});
	if (failure !== null) {
		throw new ConfigError(`invalid configuration: FOUNDRY_SANDBOX_ISOLATION=bwrap, but ${bwrap} cannot create a sandbox here (${failure.replace(/\s+/g, " ")}): allow user namespaces, ${ESCAPE}`);
	}
	return bwrap;
}
