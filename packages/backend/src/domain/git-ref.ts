// Branch name validation following `git check-ref-format --branch` rules.

/** Returns null when `name` is a legal branch name, else the reason it is not. */
export function branchNameProblem(name: string): string | null {
	if (name.length === 0) return "is empty";
	if (name === "@") return "cannot be '@'";
	if (name.startsWith("-")) return "cannot start with '-'";
	if (name.startsWith("/") || name.endsWith("/")) return "cannot start or end with '/'";
	if (name.endsWith(".")) return "cannot end with '.'";
	if (name.includes("//")) return "cannot contain '//'";
	if (name.includes("..")) return "cannot contain '..'";
	if (name.includes("@{")) return "cannot contain '@{'";
	// biome-ignore lint/suspicious/noControlCharactersInRegex: git forbids control characters in refs
	if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return "cannot contain spaces, control characters or any of ~ ^ : ? * [ \\";
	for (const part of name.split("/")) {
		if (part.startsWith(".")) return "has a path component starting with '.'";
		if (part.endsWith(".lock")) return "has a path component ending in '.lock'";
	}
	return null;
}
