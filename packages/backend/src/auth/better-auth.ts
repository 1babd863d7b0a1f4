// Better Auth, configured for Foundry: GitHub (or GHES, or the simulator) through genericOAuth with
// endpoint URLs from configuration, OAuth tokens encrypted at rest, sessions stored in actors,
// and the device flow the CLI signs in with.
import { HTTP_PATH } from "@foundry/shared";
import { betterAuth } from "better-auth";
import { bearer, deviceAuthorization, genericOAuth } from "better-auth/plugins";
import type { Logger } from "pino";
import type { GithubUserApi } from "../adapters/github.ts";
import type { Config } from "../config.ts";
import { type AuthStore, actorAuthAdapter } from "./adapter.ts";

export const CLI_CLIENT_ID = "foundry-cli";
export const GITHUB_SCOPES = ["read:user", "user:email", "read:org", "repo"];
const SESSION_DAYS = 30;
export const DISABLED_PATHS = [
	"/get-access-token",
	"/refresh-token",
	"/account-info",
	"/link-social",
	"/unlink-account",
	"/update-user",
	"/change-email",
	"/delete-user",
	"/update-session",
];

export interface AuthOptions {
	config: Config;
	secret: string;
	store: AuthStore;
	github: GithubUserApi;
	log: Logger;
}

function providers(o: AuthOptions) {
	const { clientId, clientSecret, webUrl } = o.config.github;
	if (!clientId || !clientSecret) return [];
	return [
		{
			providerId: "github",
			clientId,
			clientSecret,
			authorizationUrl: `${webUrl}/login/oauth/authorize`,
			tokenUrl: `${webUrl}/login/oauth/access_token`,
			scopes: GITHUB_SCOPES,
			getUserInfo: async (tokens: { accessToken?: string }) => {
				if (!tokens.accessToken) return null;
				const me = await o.github.identity(tokens.accessToken);
				const email = me.email ?? (await o.github.primaryEmail(tokens.accessToken)) ?? `${me.id}+${me.login}@users.noreply.github.com`;
				return {
					id: String(me.id),
					name: me.name ?? me.login,
					email,
					image: me.avatarUrl ?? undefined,
					emailVerified: true,
				};
			},
		},
	];
}

export function createAuth(o: AuthOptions) {
	const log = o.log.child({ component: "better-auth" });
	return betterAuth({
		appName: "Foundry",
		baseURL: o.config.publicUrl,
		basePath: HTTP_PATH.auth,
		secret: o.secret,
		database: actorAuthAdapter(o.store, (op, model, ms) => log.debug({ op, model, ms }, "auth storage")),
		trustedOrigins: [o.config.publicUrl, ...o.config.auth.trustedOrigins],
		telemetry: { enabled: false },
		// GitHub is the source of identity, and its tokens never reach clients: no endpoint returns
		// or refreshes a provider token, and identity/account edits happen on GitHub, not here.
		disabledPaths: DISABLED_PATHS,
		session: { expiresIn: SESSION_DAYS * 86_400 },
		account: { encryptOAuthTokens: true, accountLinking: { enabled: true, trustedProviders: ["github"] } },
		logger: {
			level: "warn",
			// Better Auth messages go through pino (redaction applies); arguments may hold secrets.
			log: (level, message) => log[level]({ source: "better-auth" }, message),
		},
		plugins: [
			genericOAuth({ config: providers(o) }),
			// Lets a CLI end the session the device flow gave it (sign-out with Authorization: Bearer).
			bearer(),
			deviceAuthorization({
				verificationUri: `${o.config.publicUrl}/v1/device`,
				expiresIn: "10m",
				interval: "2s",
				validateClient: (clientId) => clientId === CLI_CLIENT_ID,
			}),
		],
	});
}

export type FoundryAuth = ReturnType<typeof createAuth>;
