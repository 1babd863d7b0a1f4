// The changes panel: files with +/−, a file's diff, revert (confirmed); Push, Open/View PR, Merge,
// Archive/Unarchive, Kill; git's own message when an action fails; PR follow-ups.
import type { ChangeFile, TaskRecord, TaskSummary } from "@foundry/client";
import { useQuery } from "@tanstack/react-query";
import { RotateCcw, X } from "lucide-react";
import { lazy, Suspense, useState } from "react";
import { clientFor } from "../lib/foundry.ts";
import { useTaskData } from "../lib/live.ts";
import { Button, Skeleton, toastError } from "./ui.tsx";

export function ChangesPanel({
	orgId,
	taskId,
	task,
	summary,
	activeSessionId,
	open,
	onClose,
}: { orgId: string; taskId: string; task: TaskRecord; summary: TaskSummary | undefined; activeSessionId: string | null; open: boolean; onClose: () => void }) {
	const { changes, gitResults, followUps } = useTaskData(orgId, taskId);
	const client = clientFor(orgId);
	const [diffOf, setDiffOf] = useState<string | null>(null);
	const [method, setMethod] = useState<"merge" | "squash" | "rebase">("squash");
	const act = (what: string, run: () => Promise<unknown>) => () => void run().catch((err: unknown) => toastError(err, what));
	const unsent = (followUps.data ?? []).filter((f) => f.sentAt === null).length;
	const files = changes.data?.files ?? [];
	const added = files.reduce((n, f) => n + (f.added ?? 0), 0);
	const removed = files.reduce((n, f) => n + (f.removed ?? 0), 0);
	const archived = task.status === "archived";
	const last = gitResults.data?.[0];
	return (
		// Narrow windows (< 1024 px): the panel is shown over the transcript when asked for.
		<aside
			aria-label="changes"
			className={`w-90 shrink-0 flex-col gap-3 overflow-y-auto border-l border-line bg-bg p-3 lg:static lg:flex max-lg:absolute max-lg:inset-y-0 max-lg:right-0 max-lg:z-30 max-lg:shadow-xl ${open ? "flex" : "hidden"}`}
		>
			<h2 className="flex items-center gap-1 font-semibold">
				Changes{" "}
				<span className="font-normal text-muted" data-testid="changes-count">
					{files.length} {files.length === 1 ? "file" : "files"} <span className="text-pr-open">+{added}</span> <span className="text-danger">−{removed}</span>
				</span>
				<Button className="ml-auto lg:hidden" aria-label="close changes" onClick={onClose}>
					<X size={14} aria-hidden />
				</Button>
			</h2>
			{files.length === 0 ? (
				<p className="text-muted">{changes.data === null ? "No turn has run yet." : "No changes on the branch."}</p>
			) : (
				<ul className="flex flex-col">
					{files.map((f) => (
						<FileRow key={f.path} file={f} selected={diffOf === f.path} onSelect={() => setDiffOf(diffOf === f.path ? null : f.path)} onRevert={act("revert", () => client.git.revert(taskId, f.path))} />
					))}
				</ul>
			)}
			{diffOf && <DiffView orgId={orgId} taskId={taskId} path={diffOf} computedAt={changes.data?.computedAt ?? 0} />}
			<div className="flex flex-wrap gap-2">
				<Button onClick={act("push", () => client.git.push(taskId))} disabled={archived}>
					Push
				</Button>
				{summary?.prUrl ? (
					<a className="inline-flex items-center rounded-md border border-line px-2.5 py-1" href={summary.prUrl} target="_blank" rel="noreferrer">
						View PR
					</a>
				) : (
					<Button variant="primary" onClick={act("open PR", () => client.git.publishPr(taskId))} disabled={archived}>
						Open PR
					</Button>
				)}
				{summary?.prState === "open" && (
					<span className="flex items-center gap-1">
						<select aria-label="merge method" className="rounded-md border border-line bg-bg px-1 py-1" value={method} onChange={(e) => setMethod(e.target.value as typeof method)}>
							<option value="squash">squash</option>
							<option value="merge">merge</option>
							<option value="rebase">rebase</option>
						</select>
						<Button onClick={act("merge", () => client.git.merge(taskId, { method }))}>Merge</Button>
					</span>
				)}
				{archived ? (
					<Button onClick={act("unarchive", () => client.tasks.unarchive(taskId))}>Unarchive</Button>
				) : (
					<Button onClick={act("archive", () => client.tasks.archive(taskId))}>Archive</Button>
				)}
				<Button variant="danger" onClick={act("kill", async () => window.confirm("Stop every session and destroy this task's sandbox?") && client.tasks.kill(taskId))}>
					Kill
				</Button>
			</div>
			{last && (
				<p className={last.ok ? "text-muted" : "text-danger"} role={last.ok ? "status" : "alert"} data-testid="git-result">
					{last.op}: {last.message}
				</p>
			)}
			{(followUps.data?.length ?? 0) > 0 && (
				<section className="flex flex-col gap-2">
					<h2 className="font-semibold">Follow-ups</h2>
					<ul className="flex flex-col gap-1">
						{followUps.data?.map((f) => (
							<li key={f.id} className="flex flex-col gap-1 rounded border border-line p-2 text-xs" data-testid="follow-up">
								<span className="flex flex-wrap items-center gap-1 text-muted">
									<a href={f.url} target="_blank" rel="noopener" className="font-medium text-fg underline">
										@{f.author}
									</a>
									<span>{FOLLOW_UP_KIND[f.kind]}</span>
									{f.path && (
										<span className="font-mono">
											{f.path}
											{f.line !== null ? `:${f.line}` : ""}
										</span>
									)}
									{f.sentAt !== null && <span>· sent to the agent</span>}
									{!f.trusted && (
										<span className="text-attention" title="Not a member of the organization: never sent automatically; fenced as untrusted when sent">
											untrusted
										</span>
									)}
								</span>
								<span className="whitespace-pre-wrap">{f.body}</span>
							</li>
						))}
					</ul>
					<Button disabled={!activeSessionId || unsent === 0} onClick={act("send follow-ups", () => client.sessions.sendFollowUps(taskId, activeSessionId ?? ""))}>
						Send to agent{unsent > 0 ? ` (${unsent} new)` : ""}
					</Button>
				</section>
			)}
		</aside>
	);
}

const FOLLOW_UP_KIND = { changes_requested: "requested changes", review_comment: "commented on a line", comment: "commented" } as const;

function FileRow({ file, selected, onSelect, onRevert }: { file: ChangeFile; selected: boolean; onSelect: () => void; onRevert: () => void }) {
	return (
		<li className={`flex items-center gap-2 rounded px-1 ${selected ? "bg-panel" : ""}`} data-testid="changed-file">
			<button type="button" className="flex-1 truncate text-left font-mono text-xs" onClick={onSelect} aria-pressed={selected}>
				{file.path}
			</button>
			<span className="text-xs text-pr-open">+{file.added ?? "?"}</span>
			<span className="text-xs text-danger">−{file.removed ?? "?"}</span>
			<button
				type="button"
				aria-label={`revert ${file.path}`}
				className="text-muted hover:text-fg"
				onClick={() => {
					if (window.confirm(`Revert ${file.path} to the base branch?`)) onRevert();
				}}
			>
				<RotateCcw size={12} aria-hidden />
			</button>
		</li>
	);
}

const FileDiff = lazy(() => import("./diff.tsx"));

function DiffView({ orgId, taskId, path, computedAt }: { orgId: string; taskId: string; path: string; computedAt: number }) {
	const diff = useQuery({ queryKey: ["diff", orgId, taskId, path, computedAt], queryFn: () => clientFor(orgId).git.diff(taskId, path) });
	const text = diff.data?.[0]?.diff ?? "";
	return (
		<div className="max-h-96 overflow-auto rounded border border-line font-mono text-xs" data-testid="diff" title={`diff of ${path}`}>
			{diff.isPending ? (
				<Skeleton />
			) : (
				<Suspense fallback={<pre>{text}</pre>}>
					<FileDiff text={text} path={path} />
				</Suspense>
			)}
		</div>
	);
}
