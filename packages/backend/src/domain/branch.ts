// Deriving a git-ref-safe branch name from a task title.
import { LIMITS } from "@foundry/shared";
import { randomBase36 } from "./ids.ts";

const TYPE_PREFIX = /^(feat|fix|docs|chore|refactor|test|perf|ci|build|style)(\([^)]*\))?!?:\s*/i;
const SUFFIX_LENGTH = 4;

export function slugify(text: string): string {
	return text
		.normalize("NFKD")
		.replace(/[\u0300-\u036f]/g, "")
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "-")
		.replace(/^-+|-+$/g, "");
}

/**
 * `feat: add dark mode` → `feat/add-dark-mode-x7k2`. Always ≤ DERIVED_BRANCH_MAX characters,
 * always ends in a random suffix so two tasks with the same title get different branches.
 */
export function deriveBranch(title: string, suffix: string = randomBase36(SUFFIX_LENGTH)): string {
	const prefix = TYPE_PREFIX.exec(title);
	const type = prefix?.[1]?.toLowerCase();
	const rest = prefix ? title.slice(prefix[0].length) : title;
	const head = type ? `${type}/` : "";
	const room = LIMITS.DERIVED_BRANCH_MAX - head.length - suffix.length - 1;
	let slug = slugify(rest).slice(0, room).replace(/-+$/g, "");
	if (slug.length === 0) slug = "task";
	return `${head}${slug}-${suffix}`;
}
