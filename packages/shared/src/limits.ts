// Input limits, in one place so validation, docs and tests agree.

export const LIMITS = {
	/** Explicit task titles; derived titles are capped shorter (DERIVED_TITLE_MAX). */
	TITLE_MAX: 120,
	DERIVED_TITLE_MAX: 60,
	/** Prompts travel in queue messages (48–64 KiB caps), so stay well below them: in characters… */
	PROMPT_MAX: 32_000,
	/** …and in UTF-8 bytes (32,000 characters of CJK text are ~96 KB). */
	PROMPT_MAX_BYTES: 40 * 1024,
	BRANCH_MAX: 200,
	DERIVED_BRANCH_MAX: 50,
	REPO_URL_MAX: 2_000,
	AUDIT_PAGE_MAX: 500,
	AUDIT_PAGE_DEFAULT: 50,
	ORG_ID_MAX: 64,
	/** Reviews/comments kept for a PR-only (virtual) task until someone opens it. */
	PENDING_FOLLOW_UPS_PER_TASK: 200,
} as const;

/** UTF-8 size of a string (what a queue message's limit counts). */
export const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length;
