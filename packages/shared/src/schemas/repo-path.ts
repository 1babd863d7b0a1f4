// A path inside a task's repository as a user names it (revert, diff). Parsed once at entry so an
// unchecked string never reaches `rm`, `git checkout` or a file read in the sandbox: relative,
// normalized, no `..`, nothing under `.git`. Symlinks are checked in the sandbox (it owns the files).
import { z } from "zod";

export const REPO_PATH_MAX = 1_000;
/** Most filesystems cap one name at 255 bytes; a longer segment can only be a mistake or a probe. */
const SEGMENT_MAX = 255;

export type RepoPath = string & z.$brand<"RepoPath">;

/** Why `raw` is not a repository path, or null with `normalized` set. */
function problemOf(raw: string): string | null {
	if (raw.length === 0) return "is empty";
	// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL and control characters are the point
	if (/[\x00-\x1f\x7f]/.test(raw)) return "must not contain control characters (NUL, newline …)";
	// A backslash is a separator on Windows and a classic way past `..` checks; git paths never need one.
	if (raw.includes("\\")) return "must not contain a backslash";
	if (raw.startsWith("/")) return "must be relative to the repository, not absolute";
	if (/^[A-Za-z]:/.test(raw)) return "must be relative to the repository, not a drive path";
	if (raw.startsWith("~")) return "must be relative to the repository, not to a home directory";
	for (const segment of raw.split("/")) {
		if (segment === "..") return "must not contain a '..' segment";
		// `.git` in any case: its contents are git's own state (hooks, config), never a change to revert.
		if (segment.toLowerCase() === ".git") return "must not name anything under .git";
		if (new TextEncoder().encode(segment).length > SEGMENT_MAX) return `has a segment longer than ${SEGMENT_MAX} bytes`;
	}
	return null;
}

/** `a//b/./c/` → `a/b/c` (the `..` case is refused before this). */
function normalize(raw: string): string {
	return raw
		.split("/")
		.filter((s) => s.length > 0 && s !== ".")
		.join("/");
}

export const repoPathSchema = z
	.string()
	.max(REPO_PATH_MAX, `path must be at most ${REPO_PATH_MAX} characters`)
	.superRefine((raw, ctx) => {
		const problem = problemOf(raw);
		if (problem) ctx.addIssue({ code: "custom", message: `path ${problem}` });
		else if (normalize(raw).length === 0) ctx.addIssue({ code: "custom", message: "path names the repository itself, not a file in it" });
	})
	.transform(normalize)
	.brand<"RepoPath">();
