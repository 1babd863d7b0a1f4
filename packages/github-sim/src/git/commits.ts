// Writing commits straight into a bare repository with plumbing (hash-object, a temporary index,
// write-tree, commit-tree, update-ref): no work tree, author identity always explicit.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GitInvalidNameError } from "./errors.ts";
import { git } from "./exec.ts";

export const ZERO_SHA = "0".repeat(40);

export interface Author {
	name: string;
	email: string;
}

/** `-c user.name=… -c user.email=…`: author and committer of what we write, never global config. */
export const identityArgs = (author: Author): string[] => ["-c", `user.name=${author.name}`, "-c", `user.email=${author.email}`];

/** Path → content (UTF-8), or null to delete the path. */
export type FileChanges = Record<string, string | null>;

/** A repository-relative path git would check out safely: no "", ".", "..", ".git" segments. */
function assertSafePath(path: string): void {
	const segments = path.split("/");
	const bad = segments.some((s) => s === "" || s === "." || s === ".." || s.toLowerCase() === ".git" || s.includes("\0"));
	if (bad) throw new GitInvalidNameError(`invalid file path: ${JSON.stringify(path)}`);
}

async function writeTree(gitDir: string, parent: string | null, files: FileChanges): Promise<string> {
	const scratch = await mkdtemp(join(tmpdir(), "github-sim-index-"));
	try {
		const env = { GIT_INDEX_FILE: join(scratch, "index") };
		const dir = `--git-dir=${gitDir}`;
		if (parent) await git([dir, "read-tree", parent], { env });
		const records: string[] = [];
		for (const [path, content] of Object.entries(files)) {
			assertSafePath(path);
			if (content === null) {
				records.push(`0 ${ZERO_SHA}\t${path}`);
				continue;
			}
			const blob = await git([dir, "hash-object", "-w", "--no-filters", "--stdin"], { input: content });
			records.push(`100644 ${blob}\t${path}`);
		}
		// -z: paths may hold any character but NUL (refused above, like the unsafe segments git would skip).
		if (records.length > 0) await git([dir, "update-index", "-z", "--index-info"], { env, input: `${records.join("\0")}\0` });
		return await git([dir, "write-tree"], { env });
	} finally {
		await rm(scratch, { recursive: true, force: true });
	}
}

export interface WriteCommitInput {
	gitDir: string;
	/** The full ref to move, e.g. refs/heads/main. */
	ref: string;
	/** The commit the new one builds on (and the ref's expected current value); null for a root commit. */
	parent: string | null;
	/** The ref's required current value when it differs from parent; null = the ref must not exist. */
	expected?: string | null;
	files: FileChanges;
	message: string;
	author: Author;
}

/** Writes one commit and moves `ref` to it only if the ref still holds `expected` (default: `parent`). */
export async function writeCommit(input: WriteCommitInput): Promise<string> {
	const tree = await writeTree(input.gitDir, input.parent, input.files);
	const dir = `--git-dir=${input.gitDir}`;
	const parents = input.parent ? ["-p", input.parent] : [];
	const sha = await git([...identityArgs(input.author), dir, "commit-tree", tree, ...parents, "-m", input.message]);
	await git([dir, "update-ref", input.ref, sha, (input.expected === undefined ? input.parent : input.expected) ?? ZERO_SHA]);
	return sha;
}
