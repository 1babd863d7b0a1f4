// What the composition root hands to every actor factory. No module-level singletons.
import type { ConnParams, Principal } from "@foundry/shared";
import type { Logger } from "pino";
import type { GithubUserApi } from "../../adapters/github.ts";
import type { SecretBox } from "../../auth/secret-box.ts";
import { internalOnly } from "./access.ts";

/** Turns connection params into a principal (see auth/principals.ts). */
export interface PrincipalSource {
	/** `orgId`: the organization an org-scoped actor belongs to (its key's first part). */
	resolve(params: unknown, client: () => unknown, local?: LocalPrincipal, orgId?: string): Promise<Principal>;
	invalidateUser(userId: string): void;
}
/** Lets the user actor answer for its own user without calling itself. */
export interface LocalPrincipal {
	userId: string;
	read(): Promise<Principal | null>;
}

export interface ActorDeps {
	logger: Logger;
	/** Params backend actors present when calling each other. */
	internalParams: ConnParams;
	principals: PrincipalSource;
	github: GithubUserApi;
	secrets: SecretBox;
}

/**
 * Declares the queue names an actor consumes so sends from peers are accepted (RivetKit drops
 * undeclared ones). Only backend actors may publish; clients reach queues through actions.
 */
export function declareQueues<T extends Record<string, string>>(
	names: T,
): Record<T[keyof T], { canPublish: typeof internalOnly }> {
	const out: Record<string, { canPublish: typeof internalOnly }> = {};
	for (const name of Object.values(names)) out[name] = { canPublish: internalOnly };
	return out as Record<T[keyof T], { canPublish: typeof internalOnly }>;
}

/** What command contexts are built from besides the step. */
export interface CommandEnv {
	log: Logger;
	params: ConnParams;
}
