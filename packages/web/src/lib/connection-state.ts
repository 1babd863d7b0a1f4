// Whether the realtime connection is up, for the "reconnecting…" banner: subscriptions report
// failures and successful snapshots here.
import { useSyncExternalStore } from "react";

export interface ConnectionState {
	ok: boolean;
	error?: string;
}

let state: ConnectionState = { ok: true };
const listeners = new Set<() => void>();

export function reportConnection(next: ConnectionState): void {
	if (next.ok === state.ok && next.error === state.error) return;
	state = next;
	for (const l of listeners) l();
}

export function useConnectionState(): ConnectionState {
	return useSyncExternalStore(
		(l) => {
			listeners.add(l);
			return () => listeners.delete(l);
		},
		() => state,
	);
}
