// A session's transcript, virtualized (sessions run to thousands of events): agent text as
// markdown, tool calls collapsible, permission requests answerable in place, errors and notices.
import type { TranscriptEvent } from "@foundry/client";
import { useVirtualizer } from "@tanstack/react-virtual";
import { AlertTriangle, Info, Wrench } from "lucide-react";
import { lazy, memo, Suspense, useEffect, useMemo, useRef } from "react";
import { type Block, buildBlocks, openPermission } from "../lib/transcript-model.ts";
import { Button } from "./ui.tsx";

export type PermissionAnswer = (requestId: string, reply: "once" | "always" | "reject") => void;

const MarkdownText = lazy(() => import("./markdown.tsx"));

const BlockView = memo(function BlockView({ block, open, onAnswer }: { block: Block; open: boolean; onAnswer: PermissionAnswer }) {
	switch (block.type) {
		case "user":
			return (
				<div className="ml-auto max-w-[85%] rounded-lg bg-panel px-3 py-2 whitespace-pre-wrap" data-testid="msg-user">
					{block.text}
				</div>
			);
		case "agent":
			return (
				<div className="markdown max-w-[95%]" data-testid="msg-agent">
					<Suspense fallback={<p className="whitespace-pre-wrap">{block.text}</p>}>
						<MarkdownText text={block.text} />
					</Suspense>
				</div>
			);
		case "thought":
			return <div className="text-muted italic whitespace-pre-wrap">{block.text}</div>;
		case "tool":
			return (
				<details className="rounded-md border border-line px-2 py-1" data-testid="tool-call">
					<summary className="flex cursor-pointer items-center gap-2 font-mono text-xs">
						<Wrench size={12} aria-hidden /> {block.title}
						{block.status && <span className="text-muted">· {block.status}</span>}
					</summary>
					{block.updates.length > 0 && <pre className="mt-1 overflow-x-auto font-mono text-xs whitespace-pre-wrap">{block.updates.join("\n")}</pre>}
				</details>
			);
		case "permission":
			return (
				<div className="flex flex-wrap items-center gap-2 rounded-md border border-attention px-3 py-2" data-testid="permission-request">
					<span className="text-attention" aria-hidden>
						◆
					</span>
					<span className="flex-1">Permission: {block.text}</span>
					{open && block.requestId && (
						<>
							<Button onClick={() => onAnswer(block.requestId ?? "", "once")}>Allow once</Button>
							<Button onClick={() => onAnswer(block.requestId ?? "", "always")}>Always</Button>
							<Button variant="danger" onClick={() => onAnswer(block.requestId ?? "", "reject")}>
								Reject
							</Button>
						</>
					)}
				</div>
			);
		case "error":
			return (
				<div className="flex items-center gap-2 text-danger" role="alert" data-testid="msg-error">
					<AlertTriangle size={14} aria-hidden /> {block.text}
				</div>
			);
		case "notice":
			return (
				<div className="flex items-center gap-2 text-muted" data-testid="msg-notice">
					<Info size={14} aria-hidden /> {block.text}
				</div>
			);
		case "turn_end":
			return <hr className="border-line" aria-label={`turn ended: ${block.text}`} />;
	}
});

export function Transcript({ events, onAnswer }: { events: TranscriptEvent[]; onAnswer: PermissionAnswer }) {
	const blocks = useMemo(() => buildBlocks(events), [events]);
	const pending = useMemo(() => openPermission(blocks), [blocks]);
	const scroller = useRef<HTMLDivElement>(null);
	const stick = useRef(true);
	const virtual = useVirtualizer({ count: blocks.length, getScrollElement: () => scroller.current, estimateSize: () => 48, overscan: 8, getItemKey: (i) => blocks[i]?.key ?? i });

	// Follow the stream while the reader is at the bottom; leave them be when they scrolled up.
	useEffect(() => {
		if (stick.current && blocks.length > 0) virtual.scrollToIndex(blocks.length - 1, { align: "end" });
	}, [blocks, virtual]);

	// A resize re-wraps rows (each row's own ResizeObserver re-measures it): stay at the bottom if
	// the reader was there. (virtual.measure() here dropped every measurement: rows overlapped.)
	useEffect(() => {
		const el = scroller.current;
		if (!el) return;
		const observer = new ResizeObserver(() => {
			if (stick.current && blocks.length > 0) virtual.scrollToIndex(blocks.length - 1, { align: "end" });
		});
		observer.observe(el);
		return () => observer.disconnect();
	}, [blocks.length, virtual]);

	if (events.length === 0) return <div className="flex flex-1 items-center justify-center text-muted">No messages yet.</div>;
	return (
		<div
			ref={scroller}
			className="flex-1 overflow-y-auto px-4"
			data-testid="transcript"
			onScroll={(e) => {
				const el = e.currentTarget;
				stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
			}}
		>
			<div style={{ height: virtual.getTotalSize(), position: "relative" }}>
				{virtual.getVirtualItems().map((item) => {
					const block = blocks[item.index];
					if (!block) return null;
					return (
						<div key={item.key} data-index={item.index} ref={virtual.measureElement} className="flex py-1.5" style={{ position: "absolute", top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}>
							<BlockView block={block} open={pending?.key === block.key} onAnswer={onAnswer} />
						</div>
					);
				})}
			</div>
		</div>
	);
}
