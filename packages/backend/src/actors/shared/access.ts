// Authorization for every action, in one place. The principal comes from the connection state
// (resolved in createConnState from the connection params), never from an action argument.
import { type AccessRule, FoundryError, type Principal, type Role } from "@foundry/shared";
import type { Logger } from "pino";
import { guarded, throwAsUserError } from "./errors.ts";

type AnyAction = (c: ActionCtx, ...args: unknown[]) => unknown;
interface ActionCtx {
	key: string[];
	conn: { state: unknown };
}
interface DefinitionLike {
	config: { actions?: object };
}

const ANONYMOUS: Principal = { kind: "anonymous" };

/** A call without a connection: only the actor's own schedule does that (see the `schedule` rule). */
const NO_CONNECTION: Principal = { kind: "anonymous", reason: "no connection" };

/**
 * Every client call has a connection (RivetKit creates one per HTTP call). A call without one is
 * never trusted: it passes only the `schedule` rule (authorize's caller decides that).
 */
export function principalOf(conn: { state: unknown } | undefined): Principal {
	if (conn === undefined || conn === null) return NO_CONNECTION;
	const state = conn.state as Principal | undefined;
	return state && typeof state === "object" && "kind" in state ? state : ANONYMOUS;
}

/** The signed-in user behind a client call (after authorization, so never anonymous there). */
export function userOf(conn: { state: unknown } | undefined): Extract<Principal, { kind: "user" }> {
	const p = principalOf(conn);
	if (p.kind !== "user") throw new FoundryError("UNAUTHORIZED", "sign in first");
	return p;
}

/** The audit/record reference for a caller: the user id, or "system" for internal calls. */
export function actorRefOf(conn: { state: unknown } | undefined): string {
	const p = principalOf(conn);
	return p.kind === "user" ? p.userId : "system";
}

export function roleIn(principal: Principal, orgId: string): Role | null {
	return principal.kind === "user" ? (principal.orgs[orgId] ?? null) : null;
}

/**
 * Throws UNAUTHORIZED (no identity), FORBIDDEN (identity without the right) or nothing.
 * `scope` is the organization id (org/task/audit actors) or the user id (user actor).
 */
export function authorize(rule: AccessRule, principal: Principal, scope: string): void {
	if (principal.kind === "internal") return;
	if (principal.kind === "anonymous") throw new FoundryError("UNAUTHORIZED", principal.reason ?? "sign in first");
	if (rule === "internal" || rule === "schedule") throw new FoundryError("FORBIDDEN", "this action is internal to the backend");
	if (rule === "self") {
		if (principal.userId !== scope) throw new FoundryError("FORBIDDEN", "you can only act on your own account");
		return;
	}
	const role = principal.orgs[scope];
	if (!role) throw new FoundryError("FORBIDDEN", `you are not a member of organization ${scope}`);
	if (rule === "admin" && role !== "admin") {
		throw new FoundryError("FORBIDDEN", `only admins of ${scope} can do this`);
	}
}

/**
 * Wraps every action of an actor definition with its access rule. The rules object must name
 * every action (checked by the type and again at startup), so a new action without a rule cannot
 * ship. Unknown errors from the action become INTERNAL (see `guarded`).
 */
export function withAccess<D extends DefinitionLike>(
	def: D,
	rules: Record<keyof NonNullable<D["config"]["actions"]>, AccessRule>,
	log: Logger,
): D {
	const actions = (def.config.actions ?? {}) as Record<string, AnyAction>;
	const ruleTable = rules as Record<string, AccessRule>;
	for (const name of Object.keys(ruleTable)) {
		if (!(name in actions)) throw new Error(`access rule for unknown action ${name}`);
	}
	for (const [name, action] of Object.entries(actions)) {
		const rule = ruleTable[name];
		if (!rule) throw new Error(`action ${name} has no access rule`);
		actions[name] = (c: ActionCtx, ...args: unknown[]) =>
			guarded(log, name, async () => {
				const scheduled = rule === "schedule" && (c.conn === undefined || c.conn === null);
				if (!scheduled) authorize(rule, principalOf(c.conn), c.key[0] ?? "");
				return await action(c, ...args);
			});
	}
	return def;
}

/** Queue publish guard: only backend actors may publish; clients go through actions. */
export const internalOnly = (c: { conn?: { state: unknown } }): boolean => principalOf(c.conn).kind === "internal";

/** Event subscription guard with the same rules as actions (errors reach the client typed). */
export function canSubscribe(rule: AccessRule) {
	return (c: { key: string[]; conn?: { state: unknown } }): boolean => {
		try {
			authorize(rule, principalOf(c.conn), c.key[0] ?? "");
			return true;
		} catch (err) {
			if (err instanceof FoundryError) throwAsUserError(err.toPayload());
			throw err;
		}
	};
}
