// Runtime issues: recorded by actors through the organization's internal queue (driven here as a
// peer actor would, with the real RivetKit client), listed and cleared through @foundry/client.
import { QUEUE } from "@foundry/client";
import type { AppRegistry } from "@foundry/backend/registry";
import { createClient } from "rivetkit/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deriveInternalCredential } from "@foundry/backend/auth/credentials";
import { DEFAULT_ORG, eventually, startBackend, type TestBackend } from "./harness.ts";

let backend: TestBackend;
beforeAll(async () => {
	backend = await startBackend();
});
afterAll(async () => {
	await backend?.stop({ cleanup: true });
});

describe("runtime issues", () => {
	it("are listed, counted in the snapshot, cleared by an explicit action and audited", async () => {
		const client = backend.client();
		expect(await client.runtimeIssues.list()).toEqual([]);
		// Backend actors reach each other on the engine directly (the public port refuses internal
		// credentials); so does this stand-in peer.
		const peer = createClient<AppRegistry>({ endpoint: backend.engine().url, token: backend.engine().token, disableMetadataLookup: true });
		// Peers present the backend's internal credential (derived from the auth secret in the data dir).
		const internal = deriveInternalCredential(readFileSync(join(backend.dataDir, "auth-secret"), "utf8").trim());
		const org = peer.organization.getOrCreate([DEFAULT_ORG], { params: { internal } });
		for (const message of ["clone failed: auth", "sandbox expired"]) {
			const res = await org.send(
				QUEUE.organization.recordRuntimeIssue,
				{ actorName: "task", actorKey: [DEFAULT_ORG, "t_aaaaaaaaaa"], command: "task.rename", code: "UPSTREAM_FAILED", message, occurredAt: Date.now() },
				{ wait: true, timeout: 10_000 },
			);
			expect(res.status).toBe("completed");
		}
		const bad = await org.send(QUEUE.organization.recordRuntimeIssue, { nonsense: true }, { wait: true, timeout: 10_000 });
		expect(bad).toMatchObject({ status: "completed", response: { ok: false, error: { code: "INVALID_INPUT" } } });
		await peer.dispose();

		const issues = await client.runtimeIssues.list();
		expect(issues.map((i) => i.message)).toEqual(["sandbox expired", "clone failed: auth"]);
		expect(issues[0]).toMatchObject({ actorName: "task", actorKey: [DEFAULT_ORG, "t_aaaaaaaaaa"], code: "UPSTREAM_FAILED", clearedAt: null });

		const snapshots: number[] = [];
		const sub = await client.subscribeOrganization((s) => snapshots.push(s.openRuntimeIssues));
		await sub.ready;
		expect(snapshots.at(-1)).toBe(2);
		expect(await client.runtimeIssues.clear([issues[1]!.id])).toEqual({ cleared: 1 });
		await eventually(async () => (snapshots.at(-1) === 1 ? true : undefined));
		expect(await client.runtimeIssues.clear()).toEqual({ cleared: 1 });
		expect(await client.runtimeIssues.clear()).toEqual({ cleared: 0 });
		expect(await client.runtimeIssues.list()).toEqual([]);
		expect((await client.runtimeIssues.list({ includeCleared: true })).length).toBe(2);
		await sub.close();
		const audit = await eventually(async () => {
			const page = await client.audit.list({ kind: "runtime_issues.cleared" });
			return page.events.length === 2 ? page : undefined;
		});
		expect(audit.events.map((e) => e.payload)).toEqual([{ ids: [issues[0]!.id] }, { ids: [issues[1]!.id] }]);
	});
});
