// One task: header (title rename, status, branch, owner, PR), session tabs, the live transcript,
// the composer (the user's backend-owned draft, Ctrl/Cmd+Enter sends, Stop while a turn runs) and
// the changes panel.
import type { OrganizationSnapshot, Session, TaskViewer } from "@foundry/client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { ExternalLink, Eye, FileDiff, Pencil, Plus, Square, X } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { clientFor, describeError } from "../lib/foundry.ts";
import { keys, usePageVisible, useTaskData, useTaskSubscription, useTranscript } from "../lib/live.ts";
import { ChangesPanel } from "./changes-panel.tsx";
import { Transcript } from "./transcript.tsx";
import { Avatar, Button, PrBadge, SessionMark, Skeleton, StatusMark, toastError } from "./ui.tsx";

const BUSY = new Set(["running", "pending_provision"]);

export function TaskView({ orgId, taskId, sessionParam, snapshot }: { orgId: string; taskId: string; sessionParam: string | undefined; snapshot: OrganizationSnapshot | undefined }) {
	useTaskSubscription(orgId, taskId);
	// Below 1024 px the changes panel is a drawer (always shown on wider windows).
	const [changesOpen, setChangesOpen] = useState(false);
	const { task, sessions, viewers } = useTaskData(orgId, taskId);
	const navigate = useNavigate();
	const summary = snapshot?.tasks.find((t) => t.id === taskId);
	const open = (sessions.data ?? []).filter((s) => s.status !== "closed");
	const active = open.find((s) => s.id === sessionParam) ?? open.at(-1) ?? null;
	const selectSession = (id: string) => void navigate({ to: "/$orgId/tasks/$taskId", params: { orgId, taskId }, search: { session: id } });

	if (task.error) {
		const { code, message } = describeError(task.error);
		return (
			<section className="flex flex-1 items-center justify-center text-danger" role="alert">
				{code}: {message}
			</section>
		);
	}
	if (!task.data) {
		return (
			<section className="flex-1">
				<Skeleton lines={8} />
			</section>
		);
	}
	const t = task.data;
	return (
		<div className="relative flex min-w-0 flex-1">
			<section className="flex min-w-0 flex-1 flex-col" aria-label="task">
				<header className="flex flex-col gap-1 border-b border-line px-4 py-2">
					<div className="flex items-center gap-3">
						<TitleEditor orgId={orgId} taskId={taskId} title={t.title} />
						<StatusMark status={t.status} withLabel />
						<PrBadge state={summary?.prState ?? null} number={summary?.prNumber ?? null} review={summary?.reviewDecision ?? null} />
						<Button className="ml-auto lg:hidden" aria-expanded={changesOpen} onClick={() => setChangesOpen((v) => !v)}>
							<FileDiff size={14} aria-hidden /> Changes
						</Button>
						{summary?.prUrl && (
							<a href={summary.prUrl} target="_blank" rel="noreferrer" className="flex items-center gap-1 text-accent" title="the pull request on GitHub">
								<ExternalLink size={14} aria-hidden /> PR{summary.prNumber !== null ? ` #${summary.prNumber}` : ""}
							</a>
						)}
					</div>
					<div className="flex items-center gap-2 text-muted">
						<span>branch</span>
						<code className="font-mono text-fg" data-testid="task-branch">
							{t.branch}
						</code>
						<span>· owner</span>
						<OwnerPicker orgId={orgId} taskId={taskId} ownerLogin={t.ownerLogin} ownerAvatarUrl={t.ownerAvatarUrl} />
						<Viewers orgId={orgId} viewers={viewers.data ?? []} />
					</div>
				</header>
				<SessionTabs orgId={orgId} taskId={taskId} sessions={open} activeId={active?.id ?? null} onSelect={selectSession} />
				{sessions.isPending ? <Skeleton /> : active ? <SessionPane key={active.id} orgId={orgId} taskId={taskId} session={active} /> : <p className="p-4 text-muted">No open session. Start one with +.</p>}
			</section>
			<ChangesPanel orgId={orgId} taskId={taskId} task={t} summary={summary} activeSessionId={active?.id ?? null} open={changesOpen} onClose={() => setChangesOpen(false)} />
		</div>
	);
}

/** Presence: everyone with this task open right now (this browser included). */
function Viewers({ orgId, viewers }: { orgId: string; viewers: TaskViewer[] }) {
	const members = useMembers(orgId);
	if (viewers.length === 0) return null;
	const avatar = (login: string) => members.data?.find((m) => m.login === login)?.avatarUrl ?? null;
	return (
		<span className="ml-auto flex items-center gap-1" data-testid="presence" title={`viewing now: ${viewers.map((v) => v.login).join(", ")}`}>
			<Eye size={14} aria-hidden />
			{viewers.map((v) => (
				<Avatar key={v.userId} url={avatar(v.login)} login={v.login} size={20} />
			))}
		</span>
	);
}

function useMembers(orgId: string) {
	return useQuery({ queryKey: ["members", orgId], queryFn: () => clientFor(orgId).members.list(), staleTime: 60_000 });
}

function TitleEditor({ orgId, taskId, title }: { orgId: string; taskId: string; title: string }) {
	const [editing, setEditing] = useState(false);
	const qc = useQueryClient();
	if (editing) {
		return (
			<RenameInput
				label="task title"
				value={title}
				className="min-w-0 flex-1 text-lg font-semibold"
				onDone={() => setEditing(false)}
				save={async (next) => qc.setQueryData(keys.task(orgId, taskId), await clientFor(orgId).tasks.rename(taskId, next))}
				what="rename"
			/>
		);
	}
	return (
		<h1 className="flex min-w-0 items-center gap-1 text-lg font-semibold">
			<span className="truncate" data-testid="task-title">
				{title}
			</span>
			<button type="button" aria-label="rename task" className="text-muted hover:text-fg" onClick={() => setEditing(true)}>
				<Pencil size={14} aria-hidden />
			</button>
		</h1>
	);
}

/** Renames in place: Enter or leaving the field saves (unless unchanged or empty), Escape cancels. */
function RenameInput({ label, value, className, save, onDone, what }: { label: string; value: string; className: string; save: (next: string) => Promise<unknown>; onDone: () => void; what: string }) {
	const [text, setText] = useState(value);
	const finish = async (keep: boolean) => {
		onDone();
		const next = text.trim();
		if (!keep || next.length === 0 || next === value) return;
		await save(next).catch((err: unknown) => toastError(err, what));
	};
	return (
		<input
			// biome-ignore lint/a11y/noAutofocus: the user asked to rename it.
			autoFocus
			aria-label={label}
			className={`rounded border border-line bg-bg px-1 ${className}`}
			value={text}
			onChange={(e) => setText(e.target.value)}
			onBlur={() => void finish(true)}
			onKeyDown={(e) => {
				if (e.key === "Enter") void finish(true);
				if (e.key === "Escape") void finish(false);
			}}
		/>
	);
}

function OwnerPicker({ orgId, taskId, ownerLogin, ownerAvatarUrl }: { orgId: string; taskId: string; ownerLogin: string; ownerAvatarUrl: string | null }) {
	const members = useMembers(orgId);
	const qc = useQueryClient();
	const current = members.data?.find((m) => m.login === ownerLogin);
	return (
		<span className="flex items-center gap-1">
			<Avatar url={ownerAvatarUrl} login={ownerLogin} size={16} decorative />
			<select
				aria-label="task owner"
				className="bg-transparent text-fg"
				value={current?.userId ?? ""}
				onChange={async (e) => {
					try {
						qc.setQueryData(keys.task(orgId, taskId), await clientFor(orgId).tasks.setOwner(taskId, e.target.value));
					} catch (err) {
						toastError(err, "set owner");
					}
				}}
			>
				{!current && <option value="">@{ownerLogin}</option>}
				{(members.data ?? []).map((m) => (
					<option key={m.userId} value={m.userId}>
						@{m.login}
					</option>
				))}
			</select>
		</span>
	);
}

function SessionTabs({ orgId, taskId, sessions, activeId, onSelect }: { orgId: string; taskId: string; sessions: Session[]; activeId: string | null; onSelect: (id: string) => void }) {
	const create = async () => {
		try {
			onSelect((await clientFor(orgId).sessions.create(taskId)).id);
		} catch (err) {
			toastError(err, "new session");
		}
	};
	const close = async (id: string) => {
		try {
			await clientFor(orgId).sessions.close(taskId, id);
		} catch (err) {
			toastError(err, "close session");
		}
	};
	return (
		<nav aria-label="sessions" className="flex items-center gap-1 border-b border-line px-2">
			{sessions.map((s) => (
				<div key={s.id} className={`flex items-center gap-1 border-b-2 px-2 py-1 ${s.id === activeId ? "border-accent" : "border-transparent"}`}>
					<SessionTab orgId={orgId} taskId={taskId} session={s} active={s.id === activeId} onSelect={() => onSelect(s.id)} />
					<button type="button" aria-label={`close ${s.name}`} className="text-muted hover:text-fg" onClick={() => void close(s.id)}>
						<X size={12} aria-hidden />
					</button>
				</div>
			))}
			<button type="button" aria-label="new session" className="rounded p-1 text-muted hover:bg-panel" onClick={() => void create()}>
				<Plus size={14} aria-hidden />
			</button>
		</nav>
	);
}

function SessionPane({ orgId, taskId, session }: { orgId: string; taskId: string; session: Session }) {
	const events = useTranscript(orgId, taskId, session.id);
	const answer = async (requestId: string, reply: "once" | "always" | "reject") => {
		try {
			await clientFor(orgId).sessions.respondPermission(taskId, session.id, requestId, reply);
		} catch (err) {
			toastError(err, "answer permission");
		}
	};
	return (
		<>
			{session.status === "error" && session.error && (
				<p role="alert" className="border-b border-line px-4 py-1 text-danger">
					{session.error}
				</p>
			)}
			<Transcript events={events} onAnswer={(id, reply) => void answer(id, reply)} />
			<Composer orgId={orgId} taskId={taskId} session={session} />
		</>
	);
}

/** A session's tab: click selects, double-click renames in place. */
function SessionTab({ orgId, taskId, session, active, onSelect }: { orgId: string; taskId: string; session: Session; active: boolean; onSelect: () => void }) {
	const [editing, setEditing] = useState(false);
	if (editing) {
		return (
			<RenameInput
				label="session name"
				value={session.name}
				className="w-32"
				onDone={() => setEditing(false)}
				save={(next) => clientFor(orgId).sessions.rename(taskId, session.id, next)}
				what="rename session"
			/>
		);
	}
	return (
		<button type="button" aria-current={active ? "true" : undefined} onClick={onSelect} onDoubleClick={() => setEditing(true)} title="double-click to rename" className="flex items-center gap-2">
			{session.name}
			<SessionMark status={session.status} />
		</button>
	);
}

const DRAFT_SAVE_MS = 400;
const BILLING_REFUSAL = /seat|spend cap|past due|payment|plan/i;

function Composer({ orgId, taskId, session }: { orgId: string; taskId: string; session: Session }) {
	const client = clientFor(orgId);
	const state = useQuery({ queryKey: ["taskState", orgId, taskId], queryFn: () => client.me.taskState(taskId) });
	const [text, setText] = useState<string | null>(null);
	const [refusal, setRefusal] = useState<string | null>(null);
	const [sending, setSending] = useState(false);
	const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
	const value = text ?? state.data?.drafts[session.id] ?? "";
	const busy = BUSY.has(session.status);
	const qc = useQueryClient();
	const visible = usePageVisible();

	// Shown on a visible page: what the session had new for this user is read now.
	const unread = state.data?.unreadSessionIds.includes(session.id) ?? false;
	useEffect(() => {
		if (!unread || !visible) return;
		client.me
			.markSessionRead(taskId, session.id)
			.then((next) => {
				qc.setQueryData(["taskState", orgId, taskId], next);
				void qc.invalidateQueries({ queryKey: ["unreadTasks", orgId] });
			})
			.catch((err: unknown) => toastError(err, "mark read"));
	}, [unread, visible, client, qc, orgId, taskId, session.id]);

	// The draft lives in the user's actor: it survives a reload and follows to another device.
	const saveDraft = (next: string) => {
		setText(next);
		clearTimeout(timer.current);
		timer.current = setTimeout(() => {
			client.me.setDraft(taskId, session.id, next).catch((err: unknown) => toastError(err, "save draft"));
		}, DRAFT_SAVE_MS);
	};
	useEffect(() => () => clearTimeout(timer.current), []);

	const send = async () => {
		if (value.trim().length === 0 || sending) return;
		setSending(true);
		setRefusal(null);
		try {
			await client.sessions.send(taskId, session.id, value);
			clearTimeout(timer.current);
			setText("");
			await client.me.setDraft(taskId, session.id, "");
		} catch (err) {
			const { code, message } = describeError(err);
			setRefusal(`${code}: ${message}`);
		} finally {
			setSending(false);
		}
	};
	const stop = async () => {
		try {
			await client.sessions.stop(taskId, session.id);
		} catch (err) {
			toastError(err, "stop");
		}
	};
	return (
		<div className="border-t border-line p-3">
			{refusal && (
				<p role="alert" className="mb-2 text-danger" data-testid="composer-refusal">
					{refusal}
					{/* Seat, spend cap and payment refusals are fixed on the billing page. */}
					{BILLING_REFUSAL.test(refusal) && (
						<>
							{" "}
							<Link to="/$orgId/billing" params={{ orgId }} className="underline">
								Open billing
							</Link>
						</>
					)}
				</p>
			)}
			<div className="flex items-end gap-2">
				<textarea
					aria-label="message"
					className="min-h-16 flex-1 rounded-md border border-line bg-bg px-2 py-1 font-mono"
					placeholder={busy ? "The agent is working — stop it, or write your next message" : "Message the agent — Ctrl/Cmd+Enter sends"}
					value={value}
					onChange={(e) => saveDraft(e.target.value)}
					onKeyDown={(e) => {
						if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
							e.preventDefault();
							void send();
						}
					}}
				/>
				{busy ? (
					<Button variant="danger" onClick={() => void stop()}>
						<Square size={12} aria-hidden /> Stop
					</Button>
				) : (
					<Button variant="primary" onClick={() => void send()} disabled={sending || value.trim().length === 0}>
						Send
					</Button>
				)}
			</div>
		</div>
	);
}
