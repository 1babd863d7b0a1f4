// The workbench sidebar: repositories → tasks (virtualized), search (`/`), status filter, New task (`c`).
import type { OrganizationSnapshot } from "@foundry/client";
import { Link, useParams } from "@tanstack/react-router";
import { useVirtualizer } from "@tanstack/react-virtual";
import { ChevronDown, ChevronRight, Plus, Search } from "lucide-react";
import { useEffect, useMemo, useRef, useState } from "react";
import { useUnreadTasks } from "../lib/live.ts";
import { type StatusFilter, sidebarRows } from "../lib/sidebar-model.ts";
import { Avatar, Button, PrBadge, Skeleton, StatusMark } from "./ui.tsx";

const FILTERS: Array<{ value: StatusFilter; label: string }> = [
	{ value: "active", label: "Active" },
	{ value: "all", label: "All" },
	{ value: "running", label: "Running" },
	{ value: "needs_input", label: "Needs input" },
	{ value: "error", label: "Error" },
	{ value: "idle", label: "Idle" },
	{ value: "archived", label: "Archived" },
];

export function Sidebar({ orgId, snapshot, onNewTask }: { orgId: string; snapshot: OrganizationSnapshot | undefined; onNewTask: () => void }) {
	const [query, setQuery] = useState("");
	const [filter, setFilter] = useState<StatusFilter>("active");
	const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
	const search = useRef<HTMLInputElement>(null);
	const scroller = useRef<HTMLDivElement>(null);
	const params = useParams({ strict: false }) as { taskId?: string };
	const unread = useUnreadTasks(orgId);
	const rows = useMemo(() => sidebarRows(snapshot?.repos ?? [], snapshot?.tasks ?? [], query, filter, collapsed), [snapshot, query, filter, collapsed]);
	const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => 34, overscan: 12 });

	useEffect(() => {
		const onKey = (e: KeyboardEvent) => {
			const typing = e.target instanceof HTMLElement && (e.target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(e.target.tagName));
			if (typing || e.metaKey || e.ctrlKey || e.altKey) return;
			if (e.key === "/") {
				e.preventDefault();
				search.current?.focus();
			} else if (e.key === "c") {
				e.preventDefault();
				onNewTask();
			}
		};
		window.addEventListener("keydown", onKey);
		return () => window.removeEventListener("keydown", onKey);
	}, [onNewTask]);

	const toggle = (repoId: string) =>
		setCollapsed((held) => {
			const next = new Set(held);
			if (next.has(repoId)) next.delete(repoId);
			else next.add(repoId);
			return next;
		});

	return (
		<nav aria-label="tasks" className="flex w-72 shrink-0 flex-col border-r border-line bg-panel max-lg:w-60">
			<div className="flex flex-col gap-2 p-2">
				<Button variant="primary" onClick={onNewTask} className="justify-between">
					<span className="flex items-center gap-1.5">
						<Plus size={14} aria-hidden /> New task
					</span>
					<kbd className="text-xs opacity-75">c</kbd>
				</Button>
				<label className="flex items-center gap-1.5 rounded-md border border-line bg-bg px-2">
					<Search size={14} aria-hidden className="text-muted" />
					<input ref={search} value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Search tasks  /" aria-label="search tasks" className="w-full bg-transparent py-1 outline-none" />
				</label>
				<select value={filter} onChange={(e) => setFilter(e.target.value as StatusFilter)} aria-label="status filter" className="rounded-md border border-line bg-bg px-1 py-1">
					{FILTERS.map((f) => (
						<option key={f.value} value={f.value}>
							{f.label}
						</option>
					))}
				</select>
			</div>
			{!snapshot ? (
				<Skeleton lines={6} />
			) : rows.length === 0 ? (
				<p className="p-3 text-muted" data-testid="sidebar-empty">
					{snapshot.repos.length > 0 ? (
						"No task matches."
					) : snapshot.account?.installation === "install_required" ? (
						<>
							The GitHub App is not installed on {snapshot.account.name}.{" "}
							<Link to="/$orgId/settings" params={{ orgId }} className="text-accent underline">
								Install it from Settings
							</Link>
							, or add a repository with the CLI.
						</>
					) : (
						"No repositories yet. Add one with the CLI (foundry repo add <url>)."
					)}
				</p>
			) : (
				<div ref={scroller} className="flex-1 overflow-y-auto" data-testid="sidebar-list">
					<ul style={{ height: virtual.getTotalSize(), position: "relative" }}>
						{virtual.getVirtualItems().map((item) => {
							const row = rows[item.index];
							if (!row) return null;
							return (
								<li key={row.key} style={{ position: "absolute", top: 0, left: 0, right: 0, height: item.size, transform: `translateY(${item.start}px)` }}>
									{row.type === "repo" ? (
										<button type="button" onClick={() => toggle(row.repo.id)} className="flex h-full w-full items-center gap-1 px-2 text-left font-medium" aria-expanded={!collapsed.has(row.repo.id)}>
											{collapsed.has(row.repo.id) ? <ChevronRight size={14} aria-hidden /> : <ChevronDown size={14} aria-hidden />}
											<span className="truncate">{row.repo.name}</span>
											<span className="ml-auto text-xs text-muted">{row.count}</span>
										</button>
									) : (
										<Link
											to="/$orgId/tasks/$taskId"
											params={{ orgId, taskId: row.task.id }}
											className={`flex h-full items-center gap-2 pr-2 pl-6 hover:bg-bg ${params.taskId === row.task.id ? "bg-bg font-medium" : ""}`}
											data-testid="sidebar-task"
										>
											<StatusMark status={row.task.status} />
											<span className={`flex-1 truncate ${row.task.status === "archived" ? "italic text-muted" : ""} ${unread.has(row.task.id) ? "font-semibold" : ""}`}>{row.task.title}</span>
											{unread.has(row.task.id) && <span className="size-2 rounded-full bg-accent" role="img" aria-label="unread" data-testid="unread-dot" />}
											<PrBadge state={row.task.prState} number={row.task.prNumber} review={row.task.reviewDecision} />
											<Avatar url={row.task.ownerAvatarUrl} login={row.task.ownerLogin} size={16} />
										</Link>
									)}
								</li>
							);
						})}
					</ul>
				</div>
			)}
		</nav>
	);
}
