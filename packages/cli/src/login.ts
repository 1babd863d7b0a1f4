// `foundry login` (device flow, or --token) and `foundry logout`. The device flow yields a session
// token; the CLI trades it for a personal API token so the stored credential is listable and
// revocable (`foundry token list/revoke`), and stores only that.
import { hostname } from "node:os";
import { API_TOKEN_PREFIX, type FoundryClient, FoundryError, orgIdSchema, parseInput } from "@foundry/client";
import { intFlag, stringFlag, UsageError } from "./args.ts";
import type { Output } from "./commands.ts";
import type { CliContext } from "./context.ts";
import type { CredentialEntry } from "./credentials.ts";
import { deviceLogin } from "./device-flow.ts";

const DEFAULT_TIMEOUT_S = 600;
const LOGIN_WAIT_MS = 30_000;

export async function login(ctx: CliContext): Promise<Output> {
	const given = stringFlag(ctx.args.flags, "token");
	if (given !== undefined) return loginWithToken(ctx, given);
	const timeoutS = intFlag(ctx.args.flags, "timeout") ?? DEFAULT_TIMEOUT_S;
	const sessionToken = await deviceLogin({
		endpoint: ctx.endpoint,
		timeoutMs: timeoutS * 1000,
		prompt: (code) => {
			const { user_code, verification_uri, verification_uri_complete, expires_in } = code;
			// --json: one JSON line a wrapper can read before the final result; stderr stays for errors.
			if (ctx.json) ctx.io.out.write(`${JSON.stringify({ user_code, verification_uri, verification_uri_complete, expires_in })}\n`);
			else ctx.io.err.write(`Open ${verification_uri_complete} and confirm code ${user_code}\nWaiting for approval…\n`);
		},
	});
	const session = ctx.clientFor(sessionToken);
	const me = await session.whoami();
	const login = me.login || (await discoveredLogin(ctx, session, me.userId));
	const created = await session.tokens.create(`foundry CLI on ${hostname()}`);
	await endSession(ctx, sessionToken);
	ctx.store.set(ctx.endpoint, { token: created.token, login, org: pinnedOrg(ctx, login), tokenId: created.id });
	await retire(ctx, ctx.entry, created.token);
	return signedIn(ctx, login, me.userId, created.id);
}

/** The device flow's session is only a means to the API token: end it so nothing long-lived is left. */
async function endSession(ctx: CliContext, sessionToken: string): Promise<void> {
	const res = await fetch(`${ctx.endpoint}/v1/auth/sign-out`, {
		method: "POST",
		headers: { authorization: `Bearer ${sessionToken}`, "content-type": "application/json", origin: ctx.endpoint },
		body: "{}",
	});
	if (!res.ok) ctx.io.err.write(`note: could not end the temporary sign-in session (HTTP ${res.status}); it expires on its own\n`);
}

async function loginWithToken(ctx: CliContext, token: string): Promise<Output> {
	if (token.trim().length === 0) throw new UsageError("--token needs a token");
	const client = ctx.clientFor(token);
	const me = await client.whoami();
	const login = me.login || (await discoveredLogin(ctx, client, me.userId));
	ctx.store.set(ctx.endpoint, { token, login, org: pinnedOrg(ctx, login) });
	await retire(ctx, ctx.entry, token);
	return signedIn(ctx, login, me.userId, null);
}

/**
 * On a first sign-in the backend learns the GitHub login from organization discovery, moments
 * after the session exists; wait briefly for it (the profile is read fresh, whoami is cached).
 */
async function discoveredLogin(ctx: CliContext, client: FoundryClient, fallback: string): Promise<string> {
	const deadline = Date.now() + LOGIN_WAIT_MS;
	for (;;) {
		const p = await client.me.profile();
		if (p.login) return p.login;
		if (p.organizationsError || Date.now() > deadline) {
			ctx.notice(`Your GitHub account is not known yet (${p.organizationsError ?? "organization discovery is still running"}); see \`foundry whoami\` later`);
			return p.name ?? fallback;
		}
		await new Promise((r) => setTimeout(r, 250));
	}
}

/** `login --org X` pins the organization for this endpoint; signing in again as the same user keeps the pin. */
function pinnedOrg(ctx: CliContext, login: string): string | null {
	const org = stringFlag(ctx.args.flags, "org");
	if (org !== undefined) return parseInput(orgIdSchema, org, "organization id");
	return ctx.entry?.login === login ? ctx.entry.org : null;
}

function signedIn(ctx: CliContext, login: string, userId: string, tokenId: string | null): Output {
	return {
		json: { login, userId, endpoint: ctx.endpoint, tokenId, credentials: ctx.store.path },
		text: `Signed in as ${login}`,
	};
}

/** The id of an API token, from the entry or by its unique visible prefix; null when unknown. */
async function tokenIdOf(client: FoundryClient, entry: CredentialEntry): Promise<string | null> {
	if (entry.tokenId) return entry.tokenId;
	const own = (await client.whoami()).tokenId;
	if (own) return own;
	const matches = (await client.tokens.list()).filter((t) => entry.token.startsWith(t.prefix));
	return matches.length === 1 ? (matches[0]?.id ?? null) : null;
}

interface Revocation {
	revoked: string | null;
	note: string;
}

/** Revokes a stored API token on the server. A token the server already refuses counts as done. */
async function revokeStored(ctx: CliContext, entry: CredentialEntry): Promise<Revocation> {
	if (!entry.token.startsWith(API_TOKEN_PREFIX)) {
		return { revoked: null, note: " (a session token was stored; it stays valid until it expires or you sign out in the browser)" };
	}
	const client = ctx.clientFor(entry.token);
	try {
		const id = await tokenIdOf(client, entry);
		if (!id) return { revoked: null, note: " (the token could not be identified on the server; revoke it with `foundry token revoke`)" };
		return { revoked: (await client.tokens.revoke(id)).revoked, note: "" };
	} catch (err) {
		// Already revoked or expired: the server no longer accepts it, which is what we want.
		if (err instanceof FoundryError && err.code === "UNAUTHORIZED") return { revoked: null, note: " (the token was already revoked)" };
		throw err;
	}
}

export async function logout(ctx: CliContext): Promise<Output> {
	const entry = ctx.entry;
	if (!entry) return { json: { signedOut: false, endpoint: ctx.endpoint }, text: "not signed in" };
	let result: Revocation;
	try {
		result = await revokeStored(ctx, entry);
	} catch (err) {
		const why = err instanceof Error ? err.message : String(err);
		const code = err instanceof FoundryError ? err.code : "INTERNAL";
		throw new FoundryError(code, `could not revoke the stored token, so it was kept (retry \`foundry logout\`): ${why}`);
	}
	ctx.store.delete(ctx.endpoint);
	const { revoked, note } = result;
	return {
		json: { signedOut: true, login: entry.login, endpoint: ctx.endpoint, revokedTokenId: revoked },
		text: `Signed out ${entry.login} from ${ctx.endpoint}${revoked ? `; revoked token ${revoked}` : ""}${note}`,
	};
}

/**
 * After a new login replaced `old`: revoke the old token if an earlier `foundry login` created it,
 * so repeated logins do not pile up tokens. A token the user handed to `login --token` may serve
 * elsewhere too; it is left alone.
 */
async function retire(ctx: CliContext, old: CredentialEntry | null, current: string): Promise<void> {
	if (!old?.tokenId || old.token === current) return;
	try {
		const { revoked } = await revokeStored(ctx, old);
		if (revoked) ctx.notice(`Revoked the previous CLI token ${revoked}`);
	} catch (err) {
		// The new login stands; the old token is only a leftover the user can revoke by hand.
		ctx.notice(`Could not revoke the previous CLI token (${err instanceof Error ? err.message : String(err)}); see \`foundry token list\``);
	}
}
