// Input limits, in one place so validation, docs and tests agree.

export const LIMITS = {
	/** Explicit task titles; derived titles are capped shorter (DERIVED_TITLE_MAX). */
	TITLE_MAX: 120,
	DERIVED_TITLE_MAX: 60,
	/** Prompts travel in queue messages (64 KiB cap), so stay well below it. */
	PROMPT_MAX: 32_000,
	BRANCH_MAX: 200,
	DERIVED_BRANCH_MAX: 50,
	REPO_URL_MAX: 2_000,
	AUDIT_PAGE_MAX: 500,
	AUDIT_PAGE_DEFAULT: 50,
	ORG_ID_MAX: 64,
	/** Reviews/comments kept for a PR-only (virtual) task until someone opens it. */
	PENDING_FOLLOW_UPS_PER_TASK: 200,
} as const;
