// The public gateway's allowlist: which engine paths a request from outside may reach, and for
// whom. Only what @foundry/client uses is forwarded — an action call or an event connection on a
// public actor, addressed by name + key — and only for a caller whose identity owns that key.
// Everything else (the engine's management API, KV, namespaces, runner configs, actor ids, the
// inspector, internal actors such as authIndex) answers 404 here without reaching the engine.
import { FoundryError, PUBLIC_ACTORS, type Principal, type PublicActorName } from "@foundry/shared";

/** What a gateway request asks for, once its path and query are accepted. */
export interface GatewayTarget {
	actor: PublicActorName;
	key: string[];
	/** `action`: one action call over HTTP; `connect`: the event WebSocket; `inspector`: operator only. */
	kind: "action" | "connect" | "inspector";
}

/** Query parameters RivetKit's client sends for a name + key target (nothing else is forwarded). */
const ALLOWED_QUERY = new Set(["rvt-namespace", "rvt-method", "rvt-key", "rvt-runner", "rvt-crash-policy"]);
const METHODS = new Set(["get", "getOrCreate"]);
const ACTION_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
const KEY_PART = /^[A-Za-z0-9_.-]{1,128}$/;

const notFound = () => new FoundryError("NOT_FOUND", "no such route");

function isPublicActor(name: string): name is PublicActorName {
	return Object.hasOwn(PUBLIC_ACTORS, name);
}

function kindOf(rest: string[], method: string, upgrade: boolean): GatewayTarget["kind"] | null {
	if (rest[0] === "action" && rest.length === 2 && ACTION_NAME.test(rest[1] ?? "") && method === "POST" && !upgrade) return "action";
	if (rest[0] === "connect" && rest.length === 1 && upgrade) return "connect";
	if (rest[0] === "inspector") return "inspector";
	return null;
}

/**
 * Parses `<prefix-stripped path>?<query>` of a gateway request. Throws NOT_FOUND for anything the
 * client API does not use. `namespace` is the engine namespace this backend serves.
 */
export function parseGatewayRequest(path: string, query: URLSearchParams, method: string, upgrade: boolean, namespace: string): GatewayTarget {
	const parts = path.split("/").slice(1);
	if (parts[0] !== "gateway" || parts.length < 3) throw notFound();
	const actor = parts[1] ?? "";
	if (!isPublicActor(actor)) throw notFound();
	const kind = kindOf(parts.slice(2), method, upgrade);
	if (!kind) throw notFound();
	for (const name of query.keys()) if (!ALLOWED_QUERY.has(name)) throw notFound();
	if (query.get("rvt-namespace") !== namespace || !METHODS.has(query.get("rvt-method") ?? "")) throw notFound();
	const key = (query.get("rvt-key") ?? "").split(",");
	if (key.length !== PUBLIC_ACTORS[actor].keyLength || !key.every((k) => KEY_PART.test(k))) throw notFound();
	return { actor, key, kind };
}

/**
 * Throws UNAUTHORIZED (no identity) or FORBIDDEN (an identity that does not own the key). The
 * backend's internal credential is never accepted from outside: its actors talk to the engine
 * directly, so presenting it here means it leaked.
 */
export function authorizeGateway(target: GatewayTarget, principal: Principal): void {
	if (principal.kind === "internal") throw new FoundryError("FORBIDDEN", "internal credentials are not accepted on the public port");
	if (principal.kind === "anonymous") throw new FoundryError("UNAUTHORIZED", principal.reason ?? "sign in first");
	const owner = target.key[0] ?? "";
	const scope = PUBLIC_ACTORS[target.actor].scope;
	if (scope === "self" ? owner !== principal.userId : !principal.orgs[owner]) {
		// The same answer for "exists but not yours" and "does not exist": keys are not probeable.
		throw new FoundryError("FORBIDDEN", scope === "self" ? "you can only act on your own account" : `you are not a member of organization ${owner}`);
	}
}
