// Builds the auth side of the backend from configuration: the secret, the principal resolver,
// Better Auth over actor storage, and the GitHub adapter actors use for the user's own calls.

import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Principal } from "@foundry/shared";
import type { Logger } from "pino";
import { createClient } from "rivetkit/client";
import { type GithubUserApi, githubUserApi } from "../adapters/github.ts";
import type { Config } from "../config.ts";
import { sessionFromCookie } from "../http/session-params.ts";
import type { AppRegistry } from "../registry.ts";
import { AuthStore, type AuthStoreClient } from "./adapter.ts";
import { createAuth, type FoundryAuth } from "./better-auth.ts";
import { deriveInternalCredential } from "./credentials.ts";
import { PrincipalResolver } from "./principals.ts";
import { type SecretBox, secretBox } from "./secret-box.ts";

export interface AuthSetup {
	secret: string;
	resolver: PrincipalResolver;
	github: GithubUserApi;
	secrets: SecretBox;
	/** Better Auth needs the actor client, which exists once the registry is built. */
	createAuth(engine: { endpoint: string; token?: string; namespace?: string }): FoundryAuth;
	/** The principal behind a bearer token or session cookie of an HTTP request. */
	whoami(headers: Headers): Promise<Principal>;
	/** The backend's own actor client (after createAuth). */
	client(): unknown;
	dispose(): Promise<void>;
}

/** FOUNDRY_AUTH_SECRET, or one generated once into the data dir (mode 600) for local use. */
export function loadAuthSecret(config: Config, log: Logger): string {
	if (config.auth.secret) return config.auth.secret;
	const file = join(config.dataDir, "auth-secret");
	if (existsSync(file)) return readFileSync(file, "utf8").trim();
	mkdirSync(config.dataDir, { recursive: true });
	const secret = randomBytes(32).toString("base64url");
	writeFileSync(file, `${secret}\n`, { mode: 0o600 });
	chmodSync(file, 0o600);
	log.warn({ file }, "FOUNDRY_AUTH_SECRET is not set: generated one in the data dir (set it in production)");
	return secret;
}

export function setupAuth(config: Config, log: Logger): AuthSetup {
	const secret = loadAuthSecret(config, log);
	const resolver = new PrincipalResolver(deriveInternalCredential(secret), config.auth.cacheMs);
	const github = githubUserApi(config.github);
	const clients: { dispose(): Promise<void> }[] = [];
	let internalClient: unknown = null;
	if (!config.github.clientId) log.warn("FOUNDRY_GITHUB_CLIENT_ID is not set: GitHub sign-in is disabled");
	return {
		secret,
		resolver,
		github,
		secrets: secretBox(secret),
		createAuth(engine) {
			const client = createClient<AppRegistry>({ ...engine, disableMetadataLookup: true });
			clients.push(client);
			internalClient = client;
			const store = new AuthStore({
				client: client as unknown as AuthStoreClient,
				params: resolver.internalParams,
				onSessionsEnded: (userId) => resolver.invalidateUser(userId),
			});
			return createAuth({ config, secret, store, github, log });
		},
		client() {
			if (!internalClient) throw new Error("auth client not created yet");
			return internalClient;
		},
		async whoami(headers) {
			const bearer = headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
			const session = sessionFromCookie(headers.get("cookie"), secret);
			const params = bearer ? { token: bearer } : session ? { session } : {};
			return resolver.resolve(params, () => internalClient);
		},
		async dispose() {
			await Promise.allSettled(clients.map((c) => c.dispose()));
		},
	};
}
