// Repository credentials from the CLI (admin): `repo credential set <repo> --token-stdin` reads the
// token from standard input so it is never in the shell history or the process list; `clear` removes
// it. The token is never printed, and the backend never returns it.
import { positional, stringFlag, UsageError } from "./args.ts";
import type { ContextCommand } from "./commands.ts";
import { formatRepo } from "./format.ts";

export const REPO_COMMANDS: Record<string, ContextCommand> = {
	"repo credential set": async (ctx) => {
		const repo = positional(ctx.args.command, 3, "repository id, URL or name");
		if (ctx.args.flags["token-stdin"] !== true) throw new UsageError("repo credential set reads the token from standard input: pass --token-stdin");
		if (!ctx.io.readStdin) throw new UsageError("standard input is not available here");
		const token = (await ctx.io.readStdin()).trim();
		if (token.length === 0) throw new UsageError("no token on standard input");
		const username = stringFlag(ctx.args.flags, "username");
		const updated = await ctx.client().repos.setCredential(repo, token, username === undefined ? {} : { username });
		return { json: updated, text: `credential set for ${formatRepo(updated)}` };
	},
	"repo credential clear": async (ctx) => {
		const updated = await ctx.client().repos.setCredential(positional(ctx.args.command, 3, "repository id, URL or name"), null);
		return { json: updated, text: `credential removed from ${formatRepo(updated)}` };
	},
};
