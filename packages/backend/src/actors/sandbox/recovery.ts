// At start: the sandboxes a previous run left behind (their servers already stopped) are told so;
// each actor closes its open turns as interrupted and keeps its sessions usable.
import { type ConnParams, QUEUE, sandboxKey } from "@foundry/shared";
import type { Logger } from "pino";
import type { SandboxOwner } from "../../adapters/sandbox-agent.ts";
import type { RawPeerClient } from "../shared/peers.ts";
import { deliver } from "../shared/command-loop.ts";
import { retrying } from "../shared/route-retry.ts";

const PARALLEL = 4;

export const RESTART_REASON = "the backend restarted while it ran";

export async function recoverSandboxes(client: RawPeerClient, params: ConnParams, owners: Array<SandboxOwner & { pid: number }>, log: Logger): Promise<void> {
	const keys = [...new Map(owners.map((o) => [`${o.orgId}/${o.taskId}`, { key: sandboxKey(o.orgId, o.taskId), pid: o.pid }])).values()];
	const tell = async ({ key, pid }: { key: string[]; pid: number }) => {
		const send = async () => {
			await retrying(client.sandbox.getOrCreate(key, { params })).send(QUEUE.sandbox.recover, { reason: RESTART_REASON, gone: true, pid });
		};
		// Its actor also recovers on its own when it wakes (the reclaimed set): this is the nudge.
		await deliver(send, log, QUEUE.sandbox.recover).catch((err: unknown) =>
			log.error({ err, key }, "a sandbox of the previous run could not be told to recover (it recovers when it next wakes)"),
		);
	};
	const queue = [...keys];
	await Promise.all(
		Array.from({ length: Math.min(PARALLEL, queue.length) }, async () => {
			for (let key = queue.shift(); key; key = queue.shift()) await tell(key);
		}),
	);
	if (keys.length > 0) log.info({ sandboxes: keys.length }, "sandboxes of the previous run told to recover");
}
