import { afterAll, beforeAll, expect, it } from "vitest";
import { rawClient, type RawClient } from "./access-matrix.ts";
import { eventually, startBackend, type TestBackend } from "./harness.ts";

let backend: TestBackend;
let raw: RawClient;
beforeAll(async () => {
	backend = await startBackend();
	raw = rawClient(backend.url);
}, 120_000);
afterAll(async () => {
	await raw?.dispose();
	console.log(backend?.output().slice(-4000));
	await backend?.stop({ cleanup: true });
});

it("smoke", async () => {
	const client = backend.client();
	const repos = await eventually(async () => {
		const r = await client.repos.list();
		return r.find((x) => x.name === "acme/widgets");
	}, 60_000);
	const task = await client.tasks.create({ repo: repos.id, prompt: "write hello.txt hi there\ncommit add hello" });
	const params = { token: backend.token };
	const t = raw.handle("task", ["acme", task.id], params);
	const sessions = await eventually(async () => {
		const s = (await t.action({ name: "listSessions", args: [] })) as Array<{ status: string; error: string | null }>;
		console.log(JSON.stringify(s));
		return s.length > 0 && (s[0]?.status === "idle" || s[0]?.status === "error") ? s : undefined;
	}, 90_000);
	console.log(sessions);
	const sb = raw.handle("sandbox", ["acme", task.id], params);
	const page = await sb.action({ name: "transcript", args: [{ sessionId: (sessions[0] as unknown as { id: string }).id }] });
	console.log(JSON.stringify(page, null, 1).slice(0, 3000));
	console.log(await t.action({ name: "getChanges", args: [] }));
	expect(sessions[0]?.status).toBe("idle");
}, 180_000);
