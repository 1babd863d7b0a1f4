// Bare repositories on disk, <rootDir>/<owner>/<name>.git, driven with the git CLI: creation
// with a real initial commit, branches and refs, and real merges (merge commit or squash).
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const GIT_TIMEOUT_MS = 30_000;

export class GitConflictError extends Error {
	override name = "GitConflictError";
}

export interface Author {
	name: string;
	email: string;
}

function run(args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<{ stdout: string; code: number; stderr: string }> {
	return new Promise((done, fail) => {
		const child = execFile(
			"git",
			args,
			{ cwd: opts.cwd, timeout: GIT_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0", ...opts.env } },
			(err, stdout, stderr) => {
				const code = err && typeof (err as { code?: unknown }).code === "number" ? ((err as { code: number }).code) : err ? -1 : 0;
				if (err && code === -1) fail(new Error(`git ${args[0]} failed: ${stderr || err.message}`));
				else done({ stdout, stderr, code });
			},
		);
		if (opts.input !== undefined) child.stdin?.end(opts.input);
	});
}

async function git(args: string[], opts: { env?: Record<string, string> } = {}): Promise<string> {
	const r = await run(args, opts);
	if (r.code !== 0) throw new Error(`git ${args.join(" ")} exited ${r.code}: ${r.stderr.trim()}`);
	return r.stdout.trim();
}

const authorEnv = (a: Author): Record<string, string> => ({
	GIT_AUTHOR_NAME: a.name,
	GIT_AUTHOR_EMAIL: a.email,
	GIT_COMMITTER_NAME: a.name,
	GIT_COMMITTER_EMAIL: a.email,
});

export class GitRepos {
	readonly rootDir: string;

	constructor(opts: { rootDir: string }) {
		this.rootDir = opts.rootDir;
		mkdirSync(this.rootDir, { recursive: true });
	}

	path(owner: string, name: string): string {
		return join(this.rootDir, owner, `${name}.git`);
	}

	exists(owner: string, name: string): boolean {
		return existsSync(this.path(owner, name));
	}

	async create(owner: string, name: string, opts: { defaultBranch?: string; initialFiles?: Record<string, string>; author?: Author } = {}): Promise<void> {
		const dir = this.path(owner, name);
		const branch = opts.defaultBranch ?? "main";
		mkdirSync(dirname(dir), { recursive: true });
		await git(["init", "--quiet", "--bare", "-b", branch, dir]);
		const files = opts.initialFiles ?? { "README.md": `# ${name}\n` };
		if (Object.keys(files).length === 0) return;
		const work = mkdtempSync(join(tmpdir(), "github-sim-init-"));
		try {
			for (const [path, content] of Object.entries(files)) {
				mkdirSync(dirname(join(work, path)), { recursive: true });
				writeFileSync(join(work, path), content);
			}
			const env = { ...authorEnv(opts.author ?? { name: "GitHub Simulator", email: "sim@github.local" }), GIT_INDEX_FILE: join(work, ".index") };
			const base = [`--git-dir=${dir}`, `--work-tree=${work}`];
			await git([...base, "add", "-A", "--", ":!.index"], { env });
			await git([...base, "commit", "--quiet", "-m", "Initial commit"], { env });
		} finally {
			rmSync(work, { recursive: true, force: true });
		}
	}

	async delete(owner: string, name: string): Promise<void> {
		rmSync(this.path(owner, name), { recursive: true, force: true });
	}

	async rename(owner: string, name: string, newOwner: string, newName: string): Promise<void> {
		const target = this.path(newOwner, newName);
		mkdirSync(dirname(target), { recursive: true });
		renameSync(this.path(owner, name), target);
	}

	async createBranch(owner: string, name: string, branch: string, from: string): Promise<string> {
		const dir = this.path(owner, name);
		const sha = await git([`--git-dir=${dir}`, "rev-parse", `refs/heads/${from}`]);
		await git([`--git-dir=${dir}`, "update-ref", `refs/heads/${branch}`, sha]);
		return sha;
	}

	async refs(owner: string, name: string): Promise<Map<string, string>> {
		const out = await git([`--git-dir=${this.path(owner, name)}`, "for-each-ref", "--format=%(refname) %(objectname)"]);
		const refs = new Map<string, string>();
		for (const line of out.split("\n")) {
			const [ref, sha] = line.split(" ");
			if (ref && sha) refs.set(ref, sha);
		}
		return refs;
	}

	async branches(owner: string, name: string): Promise<Array<{ name: string; sha: string }>> {
		const out: Array<{ name: string; sha: string }> = [];
		for (const [ref, sha] of await this.refs(owner, name)) {
			if (ref.startsWith("refs/heads/")) out.push({ name: ref.slice("refs/heads/".length), sha });
		}
		return out.sort((a, b) => a.name.localeCompare(b.name));
	}

	async resolveRef(owner: string, name: string, ref: string): Promise<string | null> {
		const r = await run([`--git-dir=${this.path(owner, name)}`, "rev-parse", "--verify", "--quiet", ref]);
		return r.code === 0 ? r.stdout.trim() : null;
	}

	/** Merges head into base inside the bare repository and moves base. Throws GitConflictError. */
	async merge(owner: string, name: string, opts: { base: string; head: string; method: "merge" | "squash"; message: string; author: Author }): Promise<{ sha: string }> {
		const dir = [`--git-dir=${this.path(owner, name)}`];
		const baseSha = await git([...dir, "rev-parse", `refs/heads/${opts.base}`]);
		const headSha = await git([...dir, "rev-parse", `refs/heads/${opts.head}`]);
		const merged = await run([...dir, "merge-tree", "--write-tree", baseSha, headSha]);
		if (merged.code === 1) throw new GitConflictError(`merging ${opts.head} into ${opts.base} conflicts`);
		if (merged.code !== 0) throw new Error(`git merge-tree failed: ${merged.stderr.trim()}`);
		const tree = merged.stdout.split("\n")[0]?.trim() ?? "";
		const parents = opts.method === "merge" ? ["-p", baseSha, "-p", headSha] : ["-p", baseSha];
		const sha = await git([...dir, "commit-tree", tree, ...parents, "-m", opts.message], { env: authorEnv(opts.author) });
		await git([...dir, "update-ref", `refs/heads/${opts.base}`, sha, baseSha]);
		return { sha };
	}
}
