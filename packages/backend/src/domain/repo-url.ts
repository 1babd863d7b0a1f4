// Repository locations: what a user typed, normalised (`parseRepoLocation`), and where it lives
// relative to the configured GitHub (`locateRepo`): the GitHub host (the task owner's token applies),
// another http(s) host (anonymous, or a credential an admin set), or a local git repository.
import { posix } from "node:path";
import { invalidInput } from "@foundry/shared";

/** A repository as stored: canonical URL or path, display name, and remote/local. */
export interface RepoAddress {
	kind: "remote" | "local";
	/** Canonical form, used for de-duplication and display. */
	url: string;
	name: string;
}

export function parseRepoLocation(input: string): RepoAddress {
	const raw = input.trim();
	if (raw.startsWith("/")) return parseLocalPath(raw);
	if (/^file:\/\//i.test(raw)) return parseFileUrl(raw);
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return parseRemoteUrl(raw);
	throw invalidInput(`repository must be an https URL or an absolute local path, got '${truncate(raw)}'`, { field: "url" });
}

function parseRemoteUrl(raw: string): RepoAddress {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw invalidInput(`repository URL is malformed: '${truncate(raw)}'`, { field: "url" });
	}
	if (url.protocol !== "https:" && url.protocol !== "http:") {
		throw invalidInput(`repository URL must use https (or http), not '${url.protocol.slice(0, -1)}'`, { field: "url" });
	}
	if (url.username || url.password) throw invalidInput("repository URL must not contain credentials", { field: "url" });
	if (url.search || url.hash) throw invalidInput("repository URL must not contain a query or fragment", { field: "url" });
	const path = url.pathname.replace(/\/+$/, "").replace(/\.git$/, "");
	const segments = path.split("/").filter((s) => s.length > 0);
	if (segments.length === 0) throw invalidInput("repository URL has no repository path", { field: "url" });
	const canonical = `${url.protocol}//${url.host.toLowerCase()}/${segments.join("/")}`;
	return { kind: "remote", url: canonical, name: segments.slice(-2).join("/") };
}

/** `file:///srv/git/x.git` is the local path `/srv/git/x.git` (a host other than localhost is refused). */
function parseFileUrl(raw: string): RepoAddress {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw invalidInput(`repository URL is malformed: '${truncate(raw)}'`, { field: "url" });
	}
	if (url.host !== "" && url.host !== "localhost") throw invalidInput("a file:// repository must be on this machine (file:///path)", { field: "url" });
	if (url.search || url.hash) throw invalidInput("repository URL must not contain a query or fragment", { field: "url" });
	let path: string;
	try {
		path = decodeURIComponent(url.pathname);
	} catch {
		throw invalidInput("repository path is not valid percent-encoding", { field: "url" });
	}
	return parseLocalPath(path);
}

function parseLocalPath(raw: string): RepoAddress {
	if (raw.includes("\0")) throw invalidInput("local path contains a NUL byte", { field: "url" });
	const normalized = posix.normalize(raw).replace(/\/+$/, "");
	if (normalized.length === 0) throw invalidInput("local path must not be '/'", { field: "url" });
	return { kind: "local", url: normalized, name: posix.basename(normalized).replace(/\.git$/, "") };
}

function truncate(s: string): string {
	return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * The configured GitHub's web origin (`FOUNDRY_GITHUB_URL`: github.com, GHES or the simulator),
 * parsed once. Only repositories on exactly this origin (scheme, host and port) are "on GitHub":
 * the task owner's token is offered to this origin and nowhere else.
 */
export class GithubHost {
	private constructor(readonly origin: string) {}

	static parse(webUrl: string): GithubHost {
		let url: URL;
		try {
			url = new URL(webUrl);
		} catch {
			throw invalidInput(`GitHub URL is malformed: '${truncate(webUrl)}'`);
		}
		if (url.protocol !== "https:" && url.protocol !== "http:") throw invalidInput("GitHub URL must use https (or http)");
		if (url.username || url.password) throw invalidInput("GitHub URL must not contain credentials");
		return new GithubHost(url.origin.toLowerCase());
	}

	/**
	 * Parsed on first use, then held: actor factories call this at build time, and the action list
	 * is read from definitions built without a GitHub configuration.
	 */
	static lazy(webUrl: () => string): () => GithubHost {
		let held: GithubHost | null = null;
		return () => {
			held ??= GithubHost.parse(webUrl());
			return held;
		};
	}

	/** Whether `url` (an http(s) URL) is on this GitHub: same scheme, host and port. */
	owns(url: string): boolean {
		return URL.canParse(url) && new URL(url).origin.toLowerCase() === this.origin;
	}
}

/** Where a stored repository lives and how git reaches it. */
export type RepoLocation =
	| { kind: "github"; url: string; cloneUrl: string; origin: string; fullName: string }
	| { kind: "https"; url: string; cloneUrl: string; origin: string }
	| { kind: "local"; url: string; cloneUrl: string; path: string };

/** Classifies a stored repository URL (canonical, from `parseRepoLocation`) against the GitHub host. */
export function locateRepo(stored: string, github: GithubHost): RepoLocation {
	const address = parseRepoLocation(stored);
	if (address.kind === "local") {
		// file:// makes git use its transport (no hardlinks into the repository from the sandbox).
		return { kind: "local", url: address.url, path: address.url, cloneUrl: `file://${address.url.split("/").map(encodeURIComponent).join("/")}` };
	}
	const url = new URL(address.url);
	const cloneUrl = `${address.url}.git`;
	if (github.owns(address.url)) {
		return { kind: "github", url: address.url, cloneUrl, origin: url.origin, fullName: url.pathname.replace(/^\/+/, "") };
	}
	return { kind: "https", url: address.url, cloneUrl, origin: url.origin };
}
