// Small reusable zod pieces.
import { z } from "zod";
import { LIMITS } from "../limits.ts";

export const orgIdSchema = z
	.string()
	.trim()
	.min(1, "organization id is required")
	.max(LIMITS.ORG_ID_MAX)
	.regex(/^[a-z0-9][a-z0-9-]*$/, "organization id must be lowercase letters, digits and '-'");

export const taskIdSchema = z
	.string()
	.trim()
	.regex(/^t_[a-z0-9]{10}$/, "task id looks like t_xxxxxxxxxx");

export const repoIdSchema = z
	.string()
	.trim()
	.regex(/^r_[a-z0-9]{10}$/, "repository id looks like r_xxxxxxxxxx");

/** Who did something. Until sign-in exists (step 3) client calls act as "anonymous". */
export const actorRefSchema = z.string().min(1).max(200);

export const requestIdSchema = z.string().min(8).max(100);
