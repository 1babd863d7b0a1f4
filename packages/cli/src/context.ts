// What a command runs with: the endpoint, the credentials in effect and clients built from them.
// Token: FOUNDRY_TOKEN, else the credentials file's entry for the endpoint. Organization: --org,
// else FOUNDRY_ORG, else the entry's org (when the entry's token is the one in use), else the
// user's active organization (resolved by the client).
import { createFoundryClient, DEFAULT_ENDPOINT, type FoundryClient, FoundryError } from "@foundry/client";
import { type ParsedArgs, stringFlag } from "./args.ts";
import { type CredentialEntry, CredentialStore, credentialsPath } from "./credentials.ts";

export interface Io {
	out: { write(s: string): unknown };
	err: { write(s: string): unknown };
	env: Record<string, string | undefined>;
	/** Calls `cb` on Ctrl-C (SIGINT) instead of the default exit, until the returned function is called. */
	onInterrupt?(cb: () => void): () => void;
	/** All of standard input (for secrets that must not be on the command line, e.g. --token-stdin). */
	readStdin?(): Promise<string>;
}

export class CliContext {
	readonly endpoint: string;
	readonly store: CredentialStore;
	/** The stored entry for this endpoint, if any (read once per command). */
	readonly entry: CredentialEntry | null;
	/** The credential in effect and where it came from. */
	readonly token: string | undefined;
	readonly tokenSource: "env" | "file" | null;
	/** The organization named by --org, FOUNDRY_ORG or the stored entry. */
	readonly org: string | undefined;
	readonly json: boolean;
	readonly #clients: FoundryClient[] = [];

	constructor(
		readonly io: Io,
		readonly args: ParsedArgs,
	) {
		const env = io.env;
		const nonEmpty = (v: string | undefined) => (v === undefined || v.length === 0 ? undefined : v);
		this.endpoint = (stringFlag(args.flags, "endpoint") ?? nonEmpty(env.FOUNDRY_ENDPOINT) ?? DEFAULT_ENDPOINT).replace(/\/+$/, "");
		this.json = args.flags.json === true;
		this.store = new CredentialStore(credentialsPath(env));
		this.entry = this.store.get(this.endpoint);
		const envToken = nonEmpty(env.FOUNDRY_TOKEN);
		this.token = envToken ?? this.entry?.token;
		this.tokenSource = envToken ? "env" : this.entry ? "file" : null;
		const entryOrg = this.tokenSource === "file" ? (this.entry?.org ?? undefined) : undefined;
		this.org = stringFlag(args.flags, "org") ?? nonEmpty(env.FOUNDRY_ORG) ?? entryOrg;
	}

	/** A client with the credential in effect; fails when there is none. */
	client(): FoundryClient {
		if (!this.token) {
			throw new FoundryError("UNAUTHORIZED", `not signed in to ${this.endpoint}; run \`foundry login\` or set FOUNDRY_TOKEN`);
		}
		return this.clientFor(this.token, this.org);
	}

	/** A client for any credential (or none); disposed when the command ends. */
	clientFor(token: string | undefined, org?: string): FoundryClient {
		const client = createFoundryClient({ endpoint: this.endpoint, token, org });
		this.#clients.push(client);
		return client;
	}

	/** Whether the stored entry's token is the credential in effect (so org choices are saved there). */
	get usingStoredToken(): boolean {
		return this.tokenSource === "file" || (this.entry !== null && this.entry.token === this.token);
	}

	notice(line: string): void {
		if (!this.json) this.io.err.write(`${line}\n`);
	}

	async dispose(): Promise<void> {
		await Promise.allSettled(this.#clients.map((c) => c.dispose()));
	}
}
