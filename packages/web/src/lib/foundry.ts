// The browser's Foundry clients: one per organization (the client acts in one), all on this
// origin, so the session cookie authenticates both the HTTP routes and /v1/rivet.
import { createFoundryClient, type FoundryClient, FoundryError, installBrowserFetchFix } from "@foundry/client";

// Before any client exists: RivetKit's streamed action bodies need this on an HTTP/1.1 origin.
installBrowserFetchFix();

const endpoint = window.location.origin;
const clients = new Map<string, FoundryClient>();

/** The client for calls that need no organization (who am I, sign-in, the user's own actor). */
export const account: FoundryClient = createFoundryClient({ endpoint });

export function clientFor(orgId: string): FoundryClient {
	let client = clients.get(orgId);
	if (!client) {
		client = createFoundryClient({ endpoint, org: orgId });
		clients.set(orgId, client);
	}
	return client;
}

/** A failure as the UI shows it: the code's message, and the code for tests and support. */
export function describeError(err: unknown): { code: string; message: string } {
	if (err instanceof FoundryError) return { code: err.code, message: err.message };
	return { code: "INTERNAL", message: err instanceof Error ? err.message : String(err) };
}

export function isUnauthorized(err: unknown): boolean {
	return err instanceof FoundryError && err.code === "UNAUTHORIZED";
}
