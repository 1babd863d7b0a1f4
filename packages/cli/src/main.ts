// The CLI's flow: parse, run one command against the backend, print, exit code.
import { DEFAULT_ENDPOINT, FoundryError } from "@foundry/client";
import { ACCOUNT_COMMANDS } from "./account.ts";
import { parseCli, UsageError } from "./args.ts";
import { BILLING_COMMANDS } from "./billing-commands.ts";
import { COMMANDS, findCommand, type Output } from "./commands.ts";
import { GIT_COMMANDS } from "./git-commands.ts";
import { GITHUB_COMMANDS } from "./github.ts";
import { CliContext, type Io } from "./context.ts";
import { login, logout } from "./login.ts";
import { REPO_COMMANDS } from "./repo-commands.ts";
import { sendCommand } from "./send.ts";
import { SESSION_COMMANDS } from "./session-commands.ts";
import { watchCommand } from "./watch.ts";

export type { Io } from "./context.ts";

export const USAGE = `usage: foundry [--endpoint URL] [--org ID] [--json] <command>

  login [--timeout S]                          sign in through the browser (shows a code and a URL)
  login --token <token>                        sign in with a personal API token
  logout                                       revoke the stored token and forget it
  whoami                                       who you are, your organizations, the active one
  org list
  org use <id>                                 make <id> the active organization
  token create <name> [--expires-in-days N]    a personal API token (shown once)
  token list
  token revoke <id>                            takes effect at once
  repo add <url|path>                          add a repository (https URL, absolute local path or file:// URL)
  repo list
  repo credential set <repo> --token-stdin [--username U]
                                               the token git uses for a repository on a host other than
                                               GitHub (admin; read from standard input, never shown again)
  repo credential clear <repo>                 remove it (admin)
  task create --repo <id|url> [--title T] [--branch B] [--agent A] [--model M] [--no-session] "<prompt>"
  task list [--repo <id|url>] [--status S] [--all]
  task show <id>
  task rename <id> <title>
  task archive <id>
  task unarchive <id>
  task followups <id>                          PR reviews and comments recorded on the task
  task kill <id>                               stop the task's sessions and release its sandbox (owner/admin)
  task session new <id> [--agent A] [--model M] [--name N]
  task sessions <id>                           the task's agent sessions
  task send <id> "<text>" [--session S]        message a session (default: the latest open one, else a new one);
                                               returns once the turn started
  task watch <id> [--session S]                follow the transcript live until the turn ends (Ctrl-C stops)
  task allow <id> <request> [--session S] [--always|--reject]
                                               answer an agent's permission request (default: once)
  task stop <id> [--session S]                 stop the running turn
  task push <id>                               push the task's branch; waits for the result
  task pr <id> [--title T] [--draft]           open a pull request; waits for the result
  task merge <id> [--method merge|squash|rebase]
  task revert <id> <file>                      undo the branch's changes to one file
  task diff <id> [--file F]                    the changes on the branch, per file
  github status                                the organization's GitHub installation and sync
  github sync                                  re-sync from GitHub now (admin)
  member list
  settings set archive-on-pr-close|auto-send-follow-ups on|off   (admin)
  audit [--task <id>] [--repo <id>] [--kind K] [--limit N] [--cursor C]
  issues list [--all]                          runtime issues recorded by the backend
  issues clear [id ...]
  agents                                       agents sessions can run, their models and credentials
  billing                                      plan, status, seats, period, payment method, spend cap, invoices
  billing checkout [--seats N]                 start a team-plan checkout (admin); prints the URL to pay at
  billing finalize <session id>                apply a paid checkout now instead of waiting for the webhook (admin)
  billing portal                               a billing portal link: payment method, seats, invoices (admin)
  billing cancel                               cancel the subscription at the end of the period (admin)
  billing resume                               undo a pending cancellation (admin)
  billing cap <minutes>|off                    agent minutes allowed per period, or no cap (admin)
  usage [--by user|task|session]               agent minutes in this period, optionally per user, task or session
  prune [--older-than 30d] [--yes]             delete archived tasks older than N days (admin; without --yes: list)
  health

Endpoint: --endpoint, else FOUNDRY_ENDPOINT, else ${DEFAULT_ENDPOINT}.
Token: FOUNDRY_TOKEN, else the one \`foundry login\` stored in $XDG_CONFIG_HOME/foundry/credentials
(default ~/.config/foundry/credentials, mode 600).
Organization: --org, else FOUNDRY_ORG, else the one \`org use\` stored, else your active one.`;

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

type Handler = (ctx: CliContext) => Promise<Output>;

/** Commands that need no credentials. */
const PUBLIC = new Set(["health"]);

const HANDLERS: Record<string, Handler> = {
	...Object.fromEntries(
		Object.entries({ ...COMMANDS, ...GITHUB_COMMANDS }).map(([name, run]): [string, Handler] => [
			name,
			(ctx) => run(PUBLIC.has(name) ? ctx.clientFor(undefined) : ctx.client(), ctx.args),
		]),
	),
	...ACCOUNT_COMMANDS,
	...SESSION_COMMANDS,
	...GIT_COMMANDS,
	...BILLING_COMMANDS,
	...REPO_COMMANDS,
	"task send": sendCommand,
	"task watch": watchCommand,
	login,
	logout,
};

export async function run(argv: string[], io: Io): Promise<number> {
	let json = argv.includes("--json");
	try {
		const args = parseCli(argv);
		json = args.flags.json === true;
		if (args.flags.help || args.command.length === 0) {
			io.out.write(`${USAGE}\n`);
			return args.flags.help ? EXIT.ok : EXIT.usage;
		}
		const command = findCommand(HANDLERS, args.command);
		if (!command) throw new UsageError(`unknown command '${args.command.join(" ")}' (see foundry --help)`);
		const ctx = new CliContext(io, args);
		try {
			const output = await command.run(ctx);
			// A command that streamed its output (watch) may have nothing left to say.
			if (json) io.out.write(`${JSON.stringify(output.json, null, 2)}\n`);
			else if (output.text.length > 0) io.out.write(`${output.text}\n`);
			return EXIT.ok;
		} finally {
			await ctx.dispose();
		}
	} catch (err) {
		return report(err, json, io);
	}
}

function report(err: unknown, json: boolean, io: Io): number {
	const usage = err instanceof UsageError;
	const code = err instanceof FoundryError ? err.code : usage ? "INVALID_INPUT" : "INTERNAL";
	const message = err instanceof Error ? err.message : String(err);
	const oneLine = message.split("\n")[0] ?? message;
	if (json) io.err.write(`${JSON.stringify({ error: { code, message: oneLine } })}\n`);
	else io.err.write(`foundry: ${usage ? "usage" : code}: ${oneLine}\n`);
	return code === "INVALID_INPUT" ? EXIT.usage : EXIT.failure;
}
