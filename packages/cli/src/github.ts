// GitHub-related CLI commands: sync status and re-sync, members, PR follow-ups, org settings.
import type { FoundryClient, GithubStatus } from "@foundry/client";
import { type ParsedArgs, positional, UsageError } from "./args.ts";
import type { Output } from "./commands.ts";

type Command = (client: FoundryClient, args: ParsedArgs) => Promise<Output>;
const time = (ms: number | null) => (ms === null ? "never" : new Date(ms).toISOString().replace("T", " ").slice(0, 19));

function formatStatus(s: GithubStatus): string {
	const progress = s.total > 0 ? ` ${s.processed}/${s.total}` : "";
	const limited = s.rateLimitedUntil ? `\nrate limited until ${time(s.rateLimitedUntil)}` : "";
	const error = s.error ? `\nerror: ${s.error}` : "";
	return `installation: ${s.installation}${s.installationId ? ` (#${s.installationId})` : ""}\nsync: ${s.phase}${progress} (generation ${s.generation}, last ${time(s.lastSyncedAt)}, ${s.requests} requests, ${s.notModified} not modified)${limited}${error}`;
}

const onOff = (value: string | undefined): boolean => {
	if (value === "on" || value === "true") return true;
	if (value === "off" || value === "false") return false;
	throw new UsageError("expected on or off");
};

export const GITHUB_COMMANDS: Record<string, Command> = {
	"github status": async (c) => {
		const status = await c.github.status();
		return { json: status, text: formatStatus(status) };
	},
	"github sync": async (c) => {
		const res = await c.github.sync();
		return { json: res, text: "sync queued; follow it with `foundry github status`" };
	},
	"member list": async (c) => {
		const members = await c.members.list();
		return { json: members, text: members.map((m) => `${m.login.padEnd(24)}  ${m.role}`).join("\n") || "no members" };
	},
	"task followups": async (c, a) => {
		const items = await c.tasks.followUps(positional(a.command, 2, "task id"));
		// Untrusted: the author is not a member; never sent to the agent without a member asking.
		const who = (f: (typeof items)[number]) => (f.trusted ? f.author : `${f.author} (untrusted: not a member)`);
		const text = items.map((f) => `${time(f.createdAt)}  ${f.kind.padEnd(17)}  ${who(f)}${f.path ? `  ${f.path}:${f.line ?? ""}` : ""}${f.sentAt !== null ? "  (sent to the agent)" : ""}\n  ${f.body.split("\n").join("\n  ")}`).join("\n");
		return { json: items, text: text || "no follow-ups" };
	},
	"settings set": async (c, a) => {
		const key = positional(a.command, 2, "setting");
		const field = ({ "archive-on-pr-close": "archiveOnPrClose", "auto-send-follow-ups": "autoSendFollowUps" } as const)[key];
		if (!field) throw new UsageError(`unknown setting '${key}' (known: archive-on-pr-close, auto-send-follow-ups)`);
		const settings = await c.settings.update({ [field]: onOff(a.command[3]) });
		return { json: settings, text: `${key}: ${settings[field] ? "on" : "off"}` };
	},
};
