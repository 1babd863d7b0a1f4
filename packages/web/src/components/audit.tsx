// The audit log: every significant mutation, newest first, filtered by task, repository and kind,
// a page at a time (the log's own cursor).
import { AUDIT_KINDS, type AuditKind, type OrganizationSnapshot } from "@foundry/client";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { clientFor, describeError } from "../lib/foundry.ts";
import { Button, Skeleton } from "./ui.tsx";

const PAGE = 50;
const field = "rounded-md border border-line bg-bg px-2 py-1";

export function AuditPage({ orgId, snapshot }: { orgId: string; snapshot: OrganizationSnapshot | undefined }) {
	const [kind, setKind] = useState<AuditKind | "">("");
	const [repoId, setRepoId] = useState("");
	const [taskId, setTaskId] = useState("");
	const filters = { ...(kind ? { kind } : {}), ...(repoId ? { repoId } : {}), ...(taskId.trim() ? { taskId: taskId.trim() } : {}) };
	const pages = useInfiniteQuery({
		queryKey: ["audit", orgId, filters],
		queryFn: ({ pageParam }) => clientFor(orgId).audit.list({ ...filters, limit: PAGE, order: "desc", ...(pageParam ? { cursor: pageParam } : {}) }),
		initialPageParam: "",
		getNextPageParam: (last) => last.nextCursor ?? undefined,
	});
	const events = pages.data?.pages.flatMap((p) => p.events) ?? [];
	const title = (id: string | null) => (id ? (snapshot?.tasks.find((t) => t.id === id)?.title ?? id) : "");
	const members = useQuery({ queryKey: ["members", orgId], queryFn: () => clientFor(orgId).members.list(), staleTime: 60_000 });
	const login = (userId: string) => members.data?.find((m) => m.userId === userId)?.login ?? userId;
	return (
		<div className="flex flex-1 flex-col gap-3 overflow-y-auto p-6">
			<h1 className="text-xl font-semibold">Audit log</h1>
			<div className="flex flex-wrap gap-2">
				<select aria-label="event kind" className={field} value={kind} onChange={(e) => setKind(e.target.value as AuditKind | "")}>
					<option value="">every kind</option>
					{AUDIT_KINDS.map((k) => (
						<option key={k} value={k}>
							{k}
						</option>
					))}
				</select>
				<select aria-label="repository" className={field} value={repoId} onChange={(e) => setRepoId(e.target.value)}>
					<option value="">every repository</option>
					{(snapshot?.repos ?? []).map((r) => (
						<option key={r.id} value={r.id}>
							{r.name}
						</option>
					))}
				</select>
				<input aria-label="task id" className={`${field} font-mono`} placeholder="task id (t_…)" value={taskId} onChange={(e) => setTaskId(e.target.value)} />
			</div>
			{pages.error ? (
				<p role="alert" className="text-danger">
					{describeError(pages.error).code}: {describeError(pages.error).message}
				</p>
			) : pages.isPending ? (
				<Skeleton lines={8} />
			) : events.length === 0 ? (
				<p className="text-muted">No events match.</p>
			) : (
				<table className="w-full text-left">
					<thead className="text-muted">
						<tr>
							<th className="py-1 font-normal">When</th>
							<th className="py-1 font-normal">Event</th>
							<th className="py-1 font-normal">By</th>
							<th className="py-1 font-normal">Task</th>
						</tr>
					</thead>
					<tbody data-testid="audit-rows">
						{events.map((e) => (
							<tr key={e.seq} className="border-t border-line" data-testid="audit-row">
								<td className="py-1 pr-3 whitespace-nowrap text-muted">{new Date(e.at).toLocaleString()}</td>
								<td className="py-1 pr-3 font-mono text-xs">{e.kind}</td>
								<td className="py-1 pr-3">{e.actor === "system" ? "system" : `@${login(e.actor)}`}</td>
								<td className="truncate py-1">{title(e.taskId)}</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
			{pages.hasNextPage && (
				<div>
					<Button onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
						{pages.isFetchingNextPage ? "Loading…" : "Older events"}
					</Button>
				</div>
			)}
		</div>
	);
}
