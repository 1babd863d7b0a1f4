// Repository catalog contracts.
import { z } from "zod";
import { LIMITS } from "../limits.ts";

export const addRepoInputSchema = z.object({
	url: z.string().trim().min(1, "repository URL is required").max(LIMITS.REPO_URL_MAX),
});
export type AddRepoInput = z.infer<typeof addRepoInputSchema>;

export const repoKindSchema = z.enum(["remote", "local"]);
export const repoSourceSchema = z.enum(["manual", "github"]);

export const repoSchema = z.object({
	id: z.string(),
	url: z.string(),
	name: z.string(),
	kind: repoKindSchema,
	source: repoSourceSchema,
	createdAt: z.number(),
	updatedAt: z.number(),
	/** An admin set a credential for this (non-GitHub) repository; the credential itself is never read back. */
	credentialSet: z.boolean(),
});
export type Repo = z.infer<typeof repoSchema>;

/**
 * A token for a repository on a host other than the configured GitHub (GitHub repositories use the
 * task owner's token). Sent over the credential protocol, so no control characters: a newline would
 * let it add lines of its own. `token: null` removes the credential.
 */
export const setRepoCredentialInputSchema = z
	.object({
		repo: z.string().trim().min(1, "repository is required").max(LIMITS.REPO_URL_MAX),
		// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
		token: z.string().min(1, "token is required").max(4_096).regex(/^[^\x00-\x20\x7f]+$/, "token must not contain spaces or control characters").nullable(),
		username: z
			.string()
			.regex(/^[A-Za-z0-9._@+-]{1,100}$/, "username may use letters, digits and . _ @ + -")
			.optional(),
	})
	.strict();
export type SetRepoCredentialInput = z.input<typeof setRepoCredentialInputSchema>;
