// Browsers authenticate to the gateway with their session cookie: when a gateway request carries
// no connection params, the session token from a validly signed cookie becomes `{ session }`.
// Anything a client sends is still only a claim; actors resolve it (auth/principals.ts).
import { unsignSessionCookie } from "../auth/credentials.ts";

const CONN_PARAMS_HEADER = "x-rivet-conn-params";
const WS_PARAMS_PREFIX = "rivet_conn_params.";
const COOKIE_NAMES = ["__Secure-better-auth.session_token", "better-auth.session_token"];

export function sessionFromCookie(cookieHeader: string | null, secret: string): string | null {
	if (!cookieHeader) return null;
	for (const part of cookieHeader.split(";")) {
		const eq = part.indexOf("=");
		if (eq < 0) continue;
		const name = part.slice(0, eq).trim();
		if (!COOKIE_NAMES.includes(name)) continue;
		const token = unsignSessionCookie(part.slice(eq + 1).trim(), secret);
		if (token) return token;
	}
	return null;
}

/**
 * Params that claim no credential: an empty object (what RivetKit sends for a client created
 * without a token — the browser's, which authenticates with its cookie).
 */
function claimsNothing(raw: string): boolean {
	try {
		const v = JSON.parse(raw) as unknown;
		return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
	} catch {
		// Unreadable params are a claim (the resolver refuses them as malformed), never replaced.
		return false;
	}
}

/** HTTP: sets the conn-params header from the cookie when the client claimed no credential. */
export function withCookieParams(headers: Headers, secret: string): void {
	const sent = headers.get(CONN_PARAMS_HEADER);
	if (sent !== null && !claimsNothing(sent)) return;
	const session = sessionFromCookie(headers.get("cookie"), secret);
	if (session) headers.set(CONN_PARAMS_HEADER, JSON.stringify({ session }));
}

/** WebSocket: sets the conn-params subprotocol from the cookie when the client claimed no credential. */
export function withCookieProtocol(protocols: string[], cookieHeader: string | null, secret: string): string[] {
	const sent = protocols.find((p) => p.startsWith(WS_PARAMS_PREFIX));
	if (sent !== undefined && !claimsNothing(safeDecode(sent.slice(WS_PARAMS_PREFIX.length)))) return protocols;
	const session = sessionFromCookie(cookieHeader, secret);
	if (!session) return protocols;
	return [...protocols.filter((p) => p !== sent), `${WS_PARAMS_PREFIX}${encodeURIComponent(JSON.stringify({ session }))}`];
}

function safeDecode(encoded: string): string {
	try {
		return decodeURIComponent(encoded);
	} catch {
		// Malformed percent-encoding: not an empty claim.
		return encoded;
	}
}

/** The connection params an HTTP gateway request presents (after the cookie fallback), unparsed. */
export function httpConnParams(headers: Headers): unknown {
	const raw = headers.get(CONN_PARAMS_HEADER);
	return raw === null ? {} : parseJson(raw);
}

/** The connection params a WebSocket upgrade presents (after the cookie fallback), unparsed. */
export function wsConnParams(protocols: string[]): unknown {
	const offered = protocols.find((p) => p.startsWith(WS_PARAMS_PREFIX));
	if (offered === undefined) return {};
	try {
		return parseJson(decodeURIComponent(offered.slice(WS_PARAMS_PREFIX.length)));
	} catch {
		// Malformed percent-encoding: the params are unreadable, which the resolver reports as such.
		return { malformed: true };
	}
}

function parseJson(raw: string): unknown {
	try {
		return JSON.parse(raw) as unknown;
	} catch {
		// Not JSON: an unreadable claim; the resolver answers "malformed connection credentials".
		return { malformed: true };
	}
}
