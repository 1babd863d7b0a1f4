// Typed errors of the git building block: a failed git command, a missing or already existing
// repository/ref, an invalid name, and a merge conflict (with the conflicting paths).

export class GitError extends Error {}

/** A git child process exited non-zero, was killed (timeout) or could not start. */
export class GitCommandError extends GitError {
	override name = "GitCommandError";
	constructor(
		readonly args: readonly string[],
		readonly exitCode: number | null,
		readonly stderr: string,
		options?: { cause?: unknown },
	) {
		super(`git ${args.join(" ")} failed (${exitCode === null ? "killed or not started" : `exit ${exitCode}`}): ${stderr.trim()}`, options);
	}
}

/** A repository, branch or ref that the operation needs does not exist. */
export class GitNotFoundError extends GitError {
	override name = "GitNotFoundError";
}

/** The repository (or branch) to create already exists. */
export class GitAlreadyExistsError extends GitError {
	override name = "GitAlreadyExistsError";
}

/** An owner or repository name that is not a safe single path segment (GitHub's charset). */
export class GitInvalidNameError extends GitError {
	override name = "GitInvalidNameError";
}

/** Merging head into base conflicts; nothing was written to the base branch. */
export class GitConflictError extends GitError {
	override name = "GitConflictError";
	constructor(
		message: string,
		readonly conflicts: readonly string[] = [],
	) {
		super(message);
	}
}
