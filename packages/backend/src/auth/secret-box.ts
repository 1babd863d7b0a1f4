// Decrypts the GitHub OAuth tokens Better Auth stores encrypted (account.encryptOAuthTokens) with
// the auth secret from the environment. Plaintext tokens exist only in memory, for a request.
import { symmetricDecrypt } from "better-auth/crypto";

export interface SecretBox {
	decrypt(stored: string): Promise<string>;
}

export function secretBox(secret: string): SecretBox {
	return { decrypt: (stored) => symmetricDecrypt({ key: secret, data: stored }) };
}
