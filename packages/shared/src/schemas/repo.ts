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
});
export type Repo = z.infer<typeof repoSchema>;
