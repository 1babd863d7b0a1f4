// The CLI's stored credentials: one JSON file keyed by endpoint, readable by its owner only (0600
// in a 0700 directory). Tokens are never printed from here.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { FoundryError } from "@foundry/client";

export interface CredentialEntry {
	/** A personal API token (`fdy_…`), or a session token given to `login --token`. */
	token: string;
	login: string;
	/** The organization the CLI acts in for this endpoint; the user's active one when null. */
	org: string | null;
	/** Server id of the API token when the CLI created it (lets `logout` revoke it). */
	tokenId?: string;
}

export type CredentialFile = Record<string, CredentialEntry>;

export function credentialsPath(env: Record<string, string | undefined>): string {
	const xdg = env.XDG_CONFIG_HOME;
	const base = xdg && xdg.length > 0 ? xdg : join(env.HOME && env.HOME.length > 0 ? env.HOME : homedir(), ".config");
	return join(base, "foundry", "credentials");
}

function isEntry(v: unknown): v is CredentialEntry {
	if (typeof v !== "object" || v === null) return false;
	const e = v as Record<string, unknown>;
	return (
		typeof e.token === "string" &&
		typeof e.login === "string" &&
		(e.org === null || typeof e.org === "string") &&
		(e.tokenId === undefined || typeof e.tokenId === "string")
	);
}

export class CredentialStore {
	constructor(readonly path: string) {}

	read(): CredentialFile {
		if (!existsSync(this.path)) return {};
		let parsed: unknown;
		try {
			parsed = JSON.parse(readFileSync(this.path, "utf8"));
		} catch (err) {
			throw new FoundryError("PRECONDITION_FAILED", `credentials file ${this.path} is not valid JSON (${String(err)}); fix or delete it`);
		}
		if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
			throw new FoundryError("PRECONDITION_FAILED", `credentials file ${this.path} is not a JSON object; fix or delete it`);
		}
		const out: CredentialFile = {};
		// Entries this version does not understand are skipped, not fatal: other endpoints stay usable.
		for (const [endpoint, entry] of Object.entries(parsed)) if (isEntry(entry)) out[endpoint] = entry;
		return out;
	}

	get(endpoint: string): CredentialEntry | null {
		return this.read()[endpoint] ?? null;
	}

	set(endpoint: string, entry: CredentialEntry): void {
		this.#write({ ...this.read(), [endpoint]: entry });
	}

	/** Removes the endpoint's entry; returns whether there was one. Deletes the file once empty. */
	delete(endpoint: string): boolean {
		const all = this.read();
		if (!(endpoint in all)) return false;
		delete all[endpoint];
		if (Object.keys(all).length === 0) rmSync(this.path, { force: true });
		else this.#write(all);
		return true;
	}

	#write(all: CredentialFile): void {
		const dir = dirname(this.path);
		mkdirSync(dir, { recursive: true, mode: 0o700 });
		// Write a private temp file, then rename over the old one: readers never see a partial file,
		// and the chmod fixes the mode even where a umask or an older file would differ.
		const tmp = `${this.path}.${process.pid}.tmp`;
		writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
		chmodSync(tmp, 0o600);
		renameSync(tmp, this.path);
		chmodSync(this.path, 0o600);
	}
}
