// Small shared pieces: buttons, status marks, avatars, skeletons and the error toast.
import { prView, type SessionStatus, sessionStatusView, type StatusTone, type TaskStatus, taskStatusView } from "@foundry/client";
import { type ButtonHTMLAttributes, forwardRef, useState, useSyncExternalStore } from "react";
import { describeError } from "../lib/foundry.ts";

const TONE_CLASS: Record<StatusTone, string> = {
	accent: "text-accent",
	attention: "text-attention",
	danger: "text-danger",
	muted: "text-muted",
};

export function StatusMark({ status, withLabel = false }: { status: TaskStatus; withLabel?: boolean }) {
	const v = taskStatusView(status);
	return (
		<span className={`inline-flex items-center gap-1 ${TONE_CLASS[v.tone]} ${status === "archived" ? "italic" : ""}`} data-status={status}>
			<span aria-hidden className={v.live ? "pulse" : ""}>
				{v.mark}
			</span>
			{withLabel ? <span>{v.label}</span> : <span className="sr-only">{v.label}</span>}
		</span>
	);
}

export function SessionMark({ status }: { status: SessionStatus }) {
	const v = sessionStatusView(status);
	return (
		<span className={`inline-flex items-center gap-1 ${TONE_CLASS[v.tone]}`} data-status={status}>
			<span aria-hidden className={v.live ? "pulse" : ""}>
				{v.mark}
			</span>
			<span>{v.label}</span>
		</span>
	);
}

const PR_CLASS = { open: "bg-pr-open", draft: "bg-pr-draft", merged: "bg-pr-merged", closed: "bg-pr-closed" } as const;

export function PrBadge({ state, number, review = null }: { state: string | null; number: number | null; review?: "approved" | "changes_requested" | null }) {
	const v = prView(state, number);
	if (!v) return null;
	return (
		<span className="inline-flex items-center gap-1">
			<span className={`rounded px-1.5 py-px text-[11px] font-medium text-on-accent ${PR_CLASS[v.tone]}`} data-testid="pr-badge">
				PR {v.label}
			</span>
			{review && (
				<span className={`text-xs ${review === "approved" ? "text-pr-open" : "text-danger"}`} data-testid="review-decision">
					{review === "approved" ? "✓ approved" : "± changes requested"}
				</span>
			)}
		</span>
	);
}

/** A user's or organization's picture (or initial). `decorative` when the name is written next to it. */
export function Avatar({ url, login, size = 20, decorative = false }: { url: string | null | undefined; login: string; size?: number; decorative?: boolean }) {
	const [broken, setBroken] = useState(false);
	// A picture that does not load (offline, blocked) falls back to the initial.
	if (url && !broken) return <img src={url} alt={decorative ? "" : login} title={login} width={size} height={size} className="rounded-full" onError={() => setBroken(true)} />;
	return (
		<span
			{...(decorative ? { "aria-hidden": true } : { role: "img", "aria-label": login })}
			title={login}
			style={{ width: size, height: size, fontSize: size * 0.5 }}
			className="inline-flex items-center justify-center rounded-full bg-line font-semibold uppercase text-fg"
		>
			{login.slice(0, 1)}
		</span>
	);
}

type Variant = "primary" | "secondary" | "danger" | "ghost";
const VARIANT: Record<Variant, string> = {
	primary: "bg-accent text-on-accent hover:opacity-90",
	secondary: "border border-line bg-bg hover:bg-panel",
	danger: "border border-danger text-danger hover:bg-panel",
	ghost: "hover:bg-panel",
};

export const Button = forwardRef<HTMLButtonElement, ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }>(function Button(
	{ variant = "secondary", className = "", ...props },
	ref,
) {
	return (
		<button
			ref={ref}
			type="button"
			className={`inline-flex items-center gap-1.5 rounded-md px-2.5 py-1 text-sm disabled:cursor-not-allowed disabled:opacity-50 ${VARIANT[variant]} ${className}`}
			{...props}
		/>
	);
});

export function Skeleton({ lines = 3 }: { lines?: number }) {
	return (
		<div role="status" aria-busy="true" aria-label="loading" className="flex flex-col gap-2 p-3">
			{Array.from({ length: lines }, (_, i) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity.
				<div key={i} className="h-3 animate-pulse rounded bg-line" style={{ width: `${90 - i * 15}%` }} />
			))}
		</div>
	);
}

// Toasts: one small store; every failed action shows the error code's message.
interface Toast {
	id: number;
	code: string;
	message: string;
}
let toasts: Toast[] = [];
let nextId = 1;
const toastListeners = new Set<() => void>();
const emit = () => {
	for (const l of toastListeners) l();
};

export function toastError(err: unknown, what?: string): void {
	const { code, message } = describeError(err);
	const id = nextId++;
	toasts = [...toasts, { id, code, message: what ? `${what}: ${message}` : message }];
	emit();
	setTimeout(() => dismiss(id), 8_000);
}

function dismiss(id: number): void {
	toasts = toasts.filter((t) => t.id !== id);
	emit();
}

export function Toasts() {
	const list = useSyncExternalStore(
		(l) => {
			toastListeners.add(l);
			return () => toastListeners.delete(l);
		},
		() => toasts,
	);
	return (
		<div className="fixed right-4 bottom-4 z-50 flex w-96 flex-col gap-2" role="status" aria-live="polite">
			{list.map((t) => (
				<div key={t.id} className="rounded-md border border-danger bg-bg p-3 shadow-lg" data-testid="toast">
					<div className="flex justify-between gap-2">
						<span className="font-mono text-xs text-danger">{t.code}</span>
						<button type="button" className="text-muted" aria-label="dismiss" onClick={() => dismiss(t.id)}>
							×
						</button>
					</div>
					<p>{t.message}</p>
				</div>
			))}
		</div>
	);
}
