// `pnpm demo`: the flagship flow against a running `pnpm dev`, through @foundry/client — sign in as
// octocat with the device flow (approved the way a browser does, on the GitHub simulator's page),
// create a task with a scripted prompt, stream its transcript, open the PR, merge it and show the
// audit trail. Prints each step; exits 0 when the task is merged and archived, 1 otherwise.
import { deviceLogin } from "@foundry/cli/src/device-flow.ts";
import { createFoundryClient, type FoundryClient, type TaskSummary, type TranscriptEvent } from "@foundry/client";
import { authorizeAt, callback, SESSION_COOKIE, startSignIn } from "../test/auth-flow.ts";

const endpoint = (process.env.FOUNDRY_ENDPOINT ?? "http://127.0.0.1:7741").replace(/\/+$/, "");
const login = process.env.FOUNDRY_DEMO_LOGIN ?? "octocat";
const org = process.env.FOUNDRY_DEMO_ORG ?? "acme";
const PROMPT = "write DEMO.md Hello from pnpm demo\ncommit Add DEMO.md\ntool run-checks";

const started = Date.now();
const step = (text: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${text}`);

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const v = await check();
		if (v !== undefined) return v;
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
}

/** The browser's part of the device flow: sign in on the simulator's page, open the code, approve. */
async function approveInBrowser(userCode: string): Promise<void> {
	const { jar, authorizeUrl } = await startSignIn(endpoint);
	await callback(await authorizeAt(authorizeUrl, login), jar);
	if (!jar.get(SESSION_COOKIE)) throw new Error(`signing in as ${login} on the simulator's page did not give a session`);
	const cookie = jar.header();
	const opened = await fetch(`${endpoint}/v1/auth/device?user_code=${encodeURIComponent(userCode)}`, { headers: { cookie } });
	if (!opened.ok) throw new Error(`opening the device code failed: ${opened.status} ${await opened.text()}`);
	const approved = await fetch(`${endpoint}/v1/auth/device/approve`, {
		method: "POST",
		headers: { "content-type": "application/json", cookie, origin: endpoint },
		body: JSON.stringify({ userCode }),
	});
	if (!approved.ok) throw new Error(`approving the device code failed: ${approved.status} ${await approved.text()}`);
}

async function signIn(): Promise<FoundryClient> {
	let approval: Promise<void> = Promise.resolve();
	const sessionToken = await deviceLogin({
		endpoint,
		timeoutMs: 60_000,
		prompt: (code) => {
			step(`device flow: open ${code.verification_uri_complete} and confirm ${code.user_code} — approving as ${login} on the simulator's page`);
			approval = approveInBrowser(code.user_code);
		},
	});
	await approval;
	const client = createFoundryClient({ endpoint, token: sessionToken, org });
	step(`signed in as ${(await client.whoami()).login}`);
	await until(`${login}'s organization ${org}`, async () => ((await client.me.profile()).organizations.some((o) => o.orgId === org) ? true : undefined), 30_000);
	return client;
}

function printEvent(ev: TranscriptEvent): void {
	const text = ev.text.replace(/\s+/g, " ").trim();
	if (text.length > 0) console.log(`           ${ev.kind.padEnd(18)} ${text.slice(0, 100)}`);
}

async function streamFirstTurn(client: FoundryClient, taskId: string): Promise<void> {
	const session = await until("the first session", async () => (await client.sessions.list(taskId))[0], 60_000);
	step(`session ${session.id} (${session.agent}) — transcript, live:`);
	let ended: () => void = () => undefined;
	const done = new Promise<void>((r) => {
		ended = r;
	});
	const sub = await client.subscribeSession(taskId, session.id, (events) => {
		for (const ev of events) {
			printEvent(ev);
			if (ev.kind === "turn_end" || ev.kind === "error") ended();
		}
	});
	const timer = setTimeout(ended, 120_000);
	await done;
	clearTimeout(timer);
	await sub.close();
}

async function summary(client: FoundryClient, taskId: string): Promise<TaskSummary | undefined> {
	return (await client.tasks.list({ includeArchived: true })).find((t) => t.id === taskId);
}

async function main(): Promise<void> {
	const health = await fetch(`${endpoint}/v1/health`).catch(() => null);
	if (!health?.ok) throw new Error(`no Foundry backend at ${endpoint}: start it with \`pnpm dev\` first`);
	step(`backend at ${endpoint} is up`);
	const client = await signIn();
	const repo = await until(`${org}/widgets synced from GitHub`, async () => (await client.repos.list()).find((r) => r.name === `${org}/widgets`), 60_000);
	step(`repository ${repo.name} (${repo.id})`);
	const task = await client.tasks.create({ repo: repo.id, prompt: PROMPT, title: "Demo: add DEMO.md" });
	step(`task ${task.id} on branch ${task.branch} — ${endpoint}/${org}/tasks/${task.id}`);
	await streamFirstTurn(client, task.id);
	const changes = await until("the changes summary", async () => {
		const c = await client.git.changes(task.id);
		return c && c.files.length > 0 ? c : undefined;
	});
	step(`changes: ${changes.files.map((f) => `${f.path} +${f.added ?? "?"}/−${f.removed ?? "?"}`).join(", ")}`);
	await client.git.publishPr(task.id, { title: "Add DEMO.md" });
	const opened = await until("the pull request", async () => {
		const t = await summary(client, task.id);
		return t?.prNumber && t.prState === "open" ? t : undefined;
	});
	step(`pull request #${opened.prNumber} open: ${opened.prUrl}`);
	await client.git.merge(task.id, { method: "squash" });
	const merged = await until("the merge", async () => {
		const t = await summary(client, task.id);
		return t?.prState === "merged" ? t : undefined;
	});
	step(`merged; task is ${merged.status}`);
	const archived = await until("the task archived after the merge", async () => {
		const t = await summary(client, task.id);
		return t?.status === "archived" ? t : undefined;
	});
	step(`task ${archived.id} ${archived.status}`);
	const trail = await until("the audit trail", async () => {
		const page = await client.audit.list({ taskId: task.id, order: "asc", limit: 100 });
		return page.events.some((e) => e.kind === "task.archived") ? page.events : undefined;
	});
	step(`audit trail of ${task.id}:`);
	for (const e of trail) console.log(`           ${new Date(e.at).toISOString()}  ${e.kind}`);
	await client.dispose();
	step("done");
}

main().then(
	() => process.exit(0),
	(err: unknown) => {
		console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
		process.exit(1);
	},
);
