// A per-repository credential (for a repository on a host other than GitHub) as it is stored: the
// organization keeps only the secret box's ciphertext; the sandbox actor opens it for one git call.
import { FoundryError } from "@foundry/shared";
import { z } from "zod";
import type { SecretBox } from "../auth/secret-box.ts";

const sealedSchema = z.object({ username: z.string().min(1), token: z.string().min(1) });
export type RepoCredential = z.infer<typeof sealedSchema>;

/** Username git sends with a token when the admin names none (GitHub-style; GitLab and Gitea accept any). */
export const DEFAULT_CREDENTIAL_USERNAME = "x-access-token";

export function sealCredential(secrets: SecretBox, credential: RepoCredential): Promise<string> {
	return secrets.encrypt(JSON.stringify(credential));
}

export async function openCredential(secrets: SecretBox, sealed: string): Promise<RepoCredential> {
	const parsed = sealedSchema.safeParse(JSON.parse(await secrets.decrypt(sealed)));
	if (!parsed.success) throw new FoundryError("INTERNAL", "a stored repository credential is unreadable; set it again");
	return parsed.data;
}
