// The signed-in user from the CLI: `whoami`, `org list|use`, `token create|list|revoke`.
// A new token is printed once, by `token create`; no other command ever prints a token.
import type { ApiTokenInfo, UserProfile } from "@foundry/client";
import { intFlag, positional, UsageError } from "./args.ts";
import type { Output } from "./commands.ts";
import type { CliContext } from "./context.ts";
import { formatApiToken, formatMembership } from "./format.ts";

type AccountCommand = (ctx: CliContext) => Promise<Output>;

/** The organization the CLI acts in: the one named (flag, env, stored) or the user's active one. */
const activeOrg = (ctx: CliContext, p: UserProfile): string | null => ctx.org ?? p.activeOrgId;

function credentialSource(ctx: CliContext): string {
	return ctx.tokenSource === "env" ? "FOUNDRY_TOKEN" : ctx.store.path;
}

/** Which listed token is the credential in effect: the stored id, else a unique prefix match. */
function currentTokenId(ctx: CliContext, tokens: ApiTokenInfo[]): string | null {
	if (ctx.usingStoredToken && ctx.entry?.tokenId) return ctx.entry.tokenId;
	const token = ctx.token ?? "";
	const matches = tokens.filter((t) => token.startsWith(t.prefix));
	return matches.length === 1 ? (matches[0]?.id ?? null) : null;
}

export const ACCOUNT_COMMANDS: Record<string, AccountCommand> = {
	whoami: async (ctx) => {
		const profile = await ctx.client().me.profile();
		const active = activeOrg(ctx, profile);
		const orgs = profile.organizations.map((m) => ({ orgId: m.orgId, role: m.role, name: m.name, kind: m.kind }));
		const text = [
			`login:         ${profile.login}`,
			`user id:       ${profile.id}`,
			`endpoint:      ${ctx.endpoint}`,
			`active org:    ${active ?? "(none)"}`,
			`credentials:   ${credentialSource(ctx)}`,
			"organizations:",
			...(orgs.length === 0 ? ["  (none yet)"] : profile.organizations.map((m) => `  ${formatMembership(m, m.orgId === active)}`)),
		].join("\n");
		return {
			json: { userId: profile.id, login: profile.login, endpoint: ctx.endpoint, activeOrg: active, organizations: orgs },
			text,
		};
	},
	"org list": async (ctx) => {
		const profile = await ctx.client().me.profile();
		const active = activeOrg(ctx, profile);
		const orgs = profile.organizations;
		const text = orgs.length === 0 ? "no organizations yet" : orgs.map((m) => formatMembership(m, m.orgId === active)).join("\n");
		return { json: orgs.map((m) => ({ ...m, active: m.orgId === active })), text };
	},
	"org use": async (ctx) => {
		const orgId = positional(ctx.args.command, 2, "organization id");
		const profile = await ctx.client().me.useOrganization(orgId);
		// The stored entry remembers the choice, so it holds even if the browser switches later.
		if (ctx.usingStoredToken && ctx.entry) ctx.store.set(ctx.endpoint, { ...ctx.entry, org: orgId });
		return { json: { activeOrg: profile.activeOrgId }, text: `Now using organization ${orgId}` };
	},
	"token create": async (ctx) => {
		const name = ctx.args.command.slice(2).join(" ").trim();
		if (name.length === 0) throw new UsageError("missing token name");
		const expiresInDays = intFlag(ctx.args.flags, "expires-in-days");
		const created = await ctx.client().tokens.create(name, expiresInDays === undefined ? {} : { expiresInDays });
		const { token, ...info } = created;
		const text = [
			formatApiToken(info, false).slice(2),
			token,
			"This is the only time the token is shown: store it now (e.g. FOUNDRY_TOKEN, or `foundry login --token`).",
		].join("\n");
		return { json: created, text };
	},
	"token list": async (ctx) => {
		const tokens = await ctx.client().tokens.list();
		const current = currentTokenId(ctx, tokens);
		const text = tokens.length === 0 ? "no API tokens" : tokens.map((t) => formatApiToken(t, t.id === current)).join("\n");
		return { json: tokens.map((t) => ({ ...t, current: t.id === current })), text };
	},
	"token revoke": async (ctx) => {
		const id = positional(ctx.args.command, 2, "token id");
		const res = await ctx.client().tokens.revoke(id);
		const self = ctx.usingStoredToken && ctx.entry?.tokenId === res.revoked ? " (the token this CLI signs in with: run `foundry login` again)" : "";
		return { json: res, text: `revoked ${res.revoked}${self}` };
	},
};
