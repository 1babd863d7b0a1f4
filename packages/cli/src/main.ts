// The CLI's flow: parse, run one command against the backend, print, exit code.
import { createFoundryClient, DEFAULT_ENDPOINT, FoundryError } from "@foundry/client";
import { parseCli, stringFlag, UsageError } from "./args.ts";
import { findCommand } from "./commands.ts";

export interface Io {
	out: { write(s: string): unknown };
	err: { write(s: string): unknown };
	env: Record<string, string | undefined>;
}

export const USAGE = `usage: foundry [--endpoint URL] [--org ID] [--json] <command>

  repo add <url|path>                          add a repository (https URL or absolute local path)
  repo list
  task create --repo <id|url> [--title T] [--branch B] "<prompt>"
  task list [--repo <id|url>] [--status S] [--all]
  task show <id>
  task rename <id> <title>
  task archive <id>
  task unarchive <id>
  audit [--task <id>] [--repo <id>] [--kind K] [--limit N] [--cursor C]
  issues list [--all]                          runtime issues recorded by the backend
  issues clear [id ...]
  health

Endpoint: --endpoint, else FOUNDRY_ENDPOINT, else ${DEFAULT_ENDPOINT}.`;

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export async function run(argv: string[], io: Io): Promise<number> {
	let json = argv.includes("--json");
	try {
		const args = parseCli(argv);
		json = args.flags.json === true;
		if (args.flags.help || args.command.length === 0) {
			io.out.write(`${USAGE}\n`);
			return args.flags.help ? EXIT.ok : EXIT.usage;
		}
		const command = findCommand(args.command);
		if (!command) throw new UsageError(`unknown command '${args.command.join(" ")}' (see foundry --help)`);
		const client = createFoundryClient({
			endpoint: stringFlag(args.flags, "endpoint") ?? io.env.FOUNDRY_ENDPOINT,
			org: stringFlag(args.flags, "org") ?? io.env.FOUNDRY_ORG,
			token: io.env.FOUNDRY_TOKEN,
		});
		try {
			const output = await command.run(client, args);
			io.out.write(json ? `${JSON.stringify(output.json, null, 2)}\n` : `${output.text}\n`);
			return EXIT.ok;
		} finally {
			await client.dispose();
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
