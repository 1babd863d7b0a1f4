// Better Auth, configured for Foundry: GitHub (or GHES, or the simulator) through genericOAuth with
// endpoint URLs from configuration, OAuth tokens encrypted at rest, sessions stored in actors,
// and the device flow the CLI signs in with.
import { HTTP_PATH } from "@foundry/shared";
import { betterAuth } from "better-auth";
import { createCookieGetter, parseCookies } from "better-auth/cookies";
import { bearer, deviceAuthorization, genericOAuth } from "better-auth/plugins";
import type { Logger } from "pino";
import type { GithubUserApi } from "../adapters/github.ts";
import type { Config } from "../config.ts";
import { type AuthStore, actorAuthAdapter } from "./adapter.ts";
import { unsignSessionCookie } from "./credentials.ts";

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

/**
 * The pre-auth cookie Better Auth sets on the browser that starts a sign-in and checks on the
 * OAuth callback: `state`, signed with the auth secret (our configuration keeps the OAuth state in
 * the database). Returns a check answering the cookie (`name=value`) when a request holds a genuine
 * one for `state` (the browser that started this sign-in), else null. Anyone can send a cookie of
 * that name; only Better Auth can sign one for a given state.
 */
export function preAuthCookieCheck(auth: FoundryAuth, secret: string): (cookies: ReadonlyMap<string, string>, state: string) => string | null {
	const name = createCookieGetter(auth.options)("state").name;
	return (cookies, state) => {
		const value = cookies.get(name);
		return value && unsignSessionCookie(value, secret) === state ? `${name}=${value}` : null;
	};
}

/** The cookies a request carries (name → value, decoded), parsed the way Better Auth does. */
export const requestCookies = (cookieHeader: string | null): Map<string, string> =>
	cookieHeader ? parseCookies(cookieHeader) : new Map();

/** Where Better Auth sends a browser whose OAuth callback failed (`?error=<code>` is appended). */
export function authErrorUrl(auth: FoundryAuth): string {
	return `${String(auth.options.baseURL)}${auth.options.basePath}/error`;
}
