// Messages github-data sends its organization after a batch: consecutive PR upserts are merged per
// repository (order kept within each repository; other messages keep their place), so a webhook
// burst costs one organization command per repository per batch instead of one per delivery.
import { QUEUE } from "@foundry/shared";
import type { OrgMessage } from "../shared/outbox.ts";

interface PullsBody {
	repoFullName: string;
	pulls: unknown[];
	complete: boolean;
}

const isUpsert = (m: OrgMessage): m is OrgMessage & { body: PullsBody } =>
	m.queue === QUEUE.organization.applyPullRequests && (m.body as PullsBody).complete === false;

export function mergeOrgMessages(messages: OrgMessage[]): OrgMessage[] {
	const out: OrgMessage[] = [];
	let run = new Map<string, PullsBody>();
	const closeRun = () => {
		for (const body of run.values()) out.push({ queue: QUEUE.organization.applyPullRequests, body });
		run = new Map();
	};
	for (const m of messages) {
		if (!isUpsert(m)) {
			closeRun();
			out.push(m);
			continue;
		}
		const held = run.get(m.body.repoFullName);
		if (held) held.pulls.push(...m.body.pulls);
		else run.set(m.body.repoFullName, { ...m.body, pulls: [...m.body.pulls] });
	}
	closeRun();
	return out;
}
