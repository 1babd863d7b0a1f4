// Deriving a task title from its prompt: first line, trimmed, capped, with a conventional prefix when it fits.
import { LIMITS } from "@foundry/shared";

const CONVENTIONAL = /^(feat|fix|docs|chore|refactor|test|perf|ci|build|style)(\([^)]*\))?!?:\s*/i;

/** First word of the prompt → conventional type. `strip` drops the verb ("fix the bug" → "fix: the bug"). */
const VERB_TYPES: Record<string, { type: string; strip: boolean }> = {
	fix: { type: "fix", strip: true },
	repair: { type: "fix", strip: false },
	resolve: { type: "fix", strip: false },
	add: { type: "feat", strip: false },
	implement: { type: "feat", strip: false },
	create: { type: "feat", strip: false },
	support: { type: "feat", strip: false },
	introduce: { type: "feat", strip: false },
	document: { type: "docs", strip: false },
	docs: { type: "docs", strip: true },
	refactor: { type: "refactor", strip: true },
	test: { type: "test", strip: false },
	optimize: { type: "perf", strip: false },
	speed: { type: "perf", strip: false },
	bump: { type: "chore", strip: false },
	upgrade: { type: "chore", strip: false },
};

export function deriveTitle(prompt: string): string {
	const firstLine = prompt
		.split(/\r?\n/)
		.map((l) => l.replace(/\s+/g, " ").trim())
		.find((l) => l.length > 0);
	const line = (firstLine ?? "").replace(/[.!:;,]+$/, "");
	return capTitle(withConventionalPrefix(line), LIMITS.DERIVED_TITLE_MAX);
}

function withConventionalPrefix(line: string): string {
	const existing = CONVENTIONAL.exec(line);
	if (existing) return `${existing[0].trim().toLowerCase()} ${line.slice(existing[0].length)}`.trim();
	const [first = "", ...rest] = line.split(" ");
	const verb = VERB_TYPES[first.toLowerCase()];
	if (!verb || rest.length === 0) return line;
	const body = verb.strip ? rest.join(" ") : line;
	return `${verb.type}: ${lowerFirst(body)}`;
}

function lowerFirst(s: string): string {
	// Keep acronyms and identifiers ("API", "README") as they are.
	if (/^[A-Z][a-z]/.test(s)) return s[0]!.toLowerCase() + s.slice(1);
	return s;
}

/** Cut at a word boundary so the result (with an ellipsis) fits in `max` characters. */
export function capTitle(title: string, max: number): string {
	if (title.length <= max) return title;
	const room = title.slice(0, max - 1);
	const lastSpace = room.lastIndexOf(" ");
	const cut = lastSpace > max / 2 ? room.slice(0, lastSpace) : room;
	return `${cut.replace(/[\s.,:;-]+$/, "")}…`;
}
