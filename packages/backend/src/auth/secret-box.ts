// Decrypts the GitHub OAuth tokens Better Auth stores encrypted (account.encryptOAuthTokens) with
// the auth secret from the environment. Plaintext tokens exist only in memory, for a request.
// Sandbox handles (they carry the sandbox-agent token) are encrypted the same way.
import { symmetricDecrypt, symmetricEncrypt } from "better-auth/crypto";

export interface SecretBox {
	encrypt(plain: string): Promise<string>;
	decrypt(stored: string): Promise<string>;
}

export function secretBox(secret: string): SecretBox {
	return {
		encrypt: (plain) => symmetricEncrypt({ key: secret, data: plain }),
		decrypt: (stored) => symmetricDecrypt({ key: secret, data: stored }),
	};
}
