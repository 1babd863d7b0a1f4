// Organization settings: the GitHub installation and sync ("Sync now"), members and roles, the
// organization's settings, the user's personal API tokens (shown once) and runtime issues.
import { HTTP_PATH, type OrganizationSnapshot } from "@foundry/client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Copy, RefreshCw, Trash2 } from "lucide-react";
import { useState } from "react";
import { clientFor, describeError } from "../lib/foundry.ts";
import { Avatar, Button, Skeleton, toastError } from "./ui.tsx";

const card = "flex flex-col gap-3 rounded-lg border border-line p-4";
const when = (ms: number | null) => (ms === null ? "never" : new Date(ms).toLocaleString());

export function SettingsPage({ orgId, snapshot }: { orgId: string; snapshot: OrganizationSnapshot | undefined }) {
	if (!snapshot) return <Skeleton lines={8} />;
	return (
		<div className="flex flex-1 flex-col gap-4 overflow-y-auto p-6">
			<h1 className="text-xl font-semibold">Settings · {orgId}</h1>
			<GithubCard orgId={orgId} snapshot={snapshot} />
			<OrgSettingsCard orgId={orgId} snapshot={snapshot} />
			<MembersCard orgId={orgId} />
			<TokensCard orgId={orgId} />
			<RuntimeIssuesCard orgId={orgId} open={snapshot.openRuntimeIssues} />
		</div>
	);
}

function GithubCard({ orgId, snapshot }: { orgId: string; snapshot: OrganizationSnapshot }) {
	const gh = snapshot.github;
	const installation = gh?.installation ?? snapshot.account?.installation ?? null;
	const sync = () => clientFor(orgId).github.sync().catch((err: unknown) => toastError(err, "sync"));
	return (
		<section className={card} aria-labelledby="gh-title">
			<h2 id="gh-title" className="font-semibold">
				GitHub
			</h2>
			{installation === null ? (
				<p className="text-muted">This organization does not mirror a GitHub account.</p>
			) : (
				<>
					<p data-testid="github-status">
						App {installation === "connected" ? "installed" : installation === "suspended" ? "suspended" : "not installed"}
						{gh && (
							<>
								{" "}
								· sync {gh.phase}
								{gh.total > 0 ? ` (${gh.processed}/${gh.total})` : ""} · last synced {when(gh.lastSyncedAt)}
							</>
						)}
					</p>
					{installation !== "connected" && (
						<p>
							{/* GitHub's own page (the simulator's under pnpm dev); this page follows the install live. */}
							<a href={HTTP_PATH.githubInstall} target="_blank" rel="noopener" className="font-medium text-accent underline" data-testid="install-app">
								{installation === "suspended" ? "Manage the GitHub App on GitHub" : "Install the GitHub App"}
							</a>{" "}
							<span className="text-muted">— repositories and members appear here once it is installed.</span>
						</p>
					)}
					{gh?.error && (
						<p role="alert" className="text-danger">
							{gh.error}
						</p>
					)}
					{installation === "connected" && (
						<div>
							<Button onClick={() => void sync()}>
								<RefreshCw size={14} aria-hidden /> Sync now
							</Button>
						</div>
					)}
				</>
			)}
		</section>
	);
}

function OrgSettingsCard({ orgId, snapshot }: { orgId: string; snapshot: OrganizationSnapshot }) {
	const update = (patch: Partial<OrganizationSnapshot["settings"]>) => clientFor(orgId).settings.update(patch).catch((err: unknown) => toastError(err, "settings"));
	return (
		<section className={card} aria-labelledby="org-settings-title">
			<h2 id="org-settings-title" className="font-semibold">
				Tasks
			</h2>
			<label className="flex items-center gap-2">
				<input type="checkbox" checked={snapshot.settings.archiveOnPrClose} onChange={(e) => void update({ archiveOnPrClose: e.target.checked })} />
				Archive a task when its pull request is merged or closed
			</label>
			<label className="flex items-center gap-2">
				<input type="checkbox" checked={snapshot.settings.autoSendFollowUps} onChange={(e) => void update({ autoSendFollowUps: e.target.checked })} />
				Send PR review follow-ups to the agent automatically
			</label>
		</section>
	);
}

function MembersCard({ orgId }: { orgId: string }) {
	const members = useQuery({ queryKey: ["members", orgId], queryFn: () => clientFor(orgId).members.list(), staleTime: 60_000 });
	return (
		<section className={card} aria-labelledby="members-title">
			<h2 id="members-title" className="font-semibold">
				Members
			</h2>
			{!members.data ? (
				<Skeleton />
			) : (
				<ul className="flex flex-col gap-1">
					{members.data.map((m) => (
						<li key={m.userId} className="flex items-center gap-2">
							<Avatar url={m.avatarUrl} login={m.login} decorative />
							<span className="flex-1">@{m.login}</span>
							<span className="text-muted">{m.role}</span>
						</li>
					))}
				</ul>
			)}
			<p className="text-muted">Roles come from GitHub: change them in the organization on GitHub.</p>
		</section>
	);
}

function TokensCard({ orgId }: { orgId: string }) {
	const client = clientFor(orgId);
	const qc = useQueryClient();
	const tokens = useQuery({ queryKey: ["tokens"], queryFn: () => client.tokens.list() });
	const [name, setName] = useState("");
	const [created, setCreated] = useState<string | null>(null);
	const [error, setError] = useState<string | null>(null);
	const create = async () => {
		setError(null);
		try {
			const token = await client.tokens.create(name.trim());
			setCreated(token.token);
			setName("");
			await qc.invalidateQueries({ queryKey: ["tokens"] });
		} catch (err) {
			const { code, message } = describeError(err);
			setError(`${code}: ${message}`);
		}
	};
	const revoke = async (id: string) => {
		try {
			await client.tokens.revoke(id);
			await qc.invalidateQueries({ queryKey: ["tokens"] });
		} catch (err) {
			toastError(err, "revoke token");
		}
	};
	return (
		<section className={card} aria-labelledby="tokens-title">
			<h2 id="tokens-title" className="font-semibold">
				Personal API tokens
			</h2>
			<p className="text-muted">For the CLI and scripts (FOUNDRY_TOKEN). A token acts as you in every organization you belong to.</p>
			<form
				className="flex gap-2"
				onSubmit={(e) => {
					e.preventDefault();
					void create();
				}}
			>
				<input aria-label="token name" className="flex-1 rounded-md border border-line bg-bg px-2 py-1" placeholder="e.g. ci-bot" value={name} onChange={(e) => setName(e.target.value)} />
				<Button type="submit" variant="primary" disabled={name.trim().length === 0}>
					Create token
				</Button>
			</form>
			{error && (
				<p role="alert" className="text-danger">
					{error}
				</p>
			)}
			{created && (
				<div className="flex flex-col gap-1 rounded-md border border-attention p-2" data-testid="new-token">
					<span>Copy it now — it is not shown again:</span>
					<span className="flex items-center gap-2">
						<code className="flex-1 font-mono break-all">{created}</code>
						<Button aria-label="copy token" onClick={() => void navigator.clipboard?.writeText(created)}>
							<Copy size={14} aria-hidden />
						</Button>
					</span>
				</div>
			)}
			<ul className="flex flex-col gap-1" data-testid="token-list">
				{(tokens.data ?? []).map((t) => (
					<li key={t.id} className="flex items-center gap-2" data-testid="token-row">
						<span className="flex-1">
							{t.name} <code className="font-mono text-muted">{t.prefix}…</code>
						</span>
						<span className="text-xs text-muted">last used {when(t.lastUsedAt)}</span>
						<Button variant="danger" aria-label={`revoke ${t.name}`} onClick={() => void revoke(t.id)}>
							<Trash2 size={14} aria-hidden /> Revoke
						</Button>
					</li>
				))}
				{tokens.data?.length === 0 && <li className="text-muted">No tokens yet.</li>}
			</ul>
		</section>
	);
}

function RuntimeIssuesCard({ orgId, open }: { orgId: string; open: number }) {
	const client = clientFor(orgId);
	const issues = useQuery({ queryKey: ["runtimeIssues", orgId, open], queryFn: () => client.runtimeIssues.list() });
	const clear = () => client.runtimeIssues.clear().catch((err: unknown) => toastError(err, "clear issues"));
	return (
		<section className={card} aria-labelledby="issues-title" id="runtime-issues">
			<h2 id="issues-title" className="font-semibold">
				Runtime issues
			</h2>
			{(issues.data ?? []).length === 0 ? (
				<p className="text-muted">Nothing is wrong on the system's side.</p>
			) : (
				<>
					<ul className="flex flex-col gap-1">
						{issues.data?.map((i) => (
							<li key={i.id} className="font-mono text-xs">
								{new Date(i.occurredAt).toLocaleString()} · {i.actorName} {i.command}: {i.code} {i.message}
							</li>
						))}
					</ul>
					<div>
						<Button onClick={() => void clear()}>Clear all</Button>
					</div>
				</>
			)}
		</section>
	);
}
