// Validating and normalising repository locations: git remotes over http(s) or absolute local paths.
import { posix } from "node:path";
import { invalidInput } from "@foundry/shared";

export interface RepoLocation {
	kind: "remote" | "local";
	/** Canonical form, used for de-duplication and display. */
	url: string;
	name: string;
}

export function parseRepoLocation(input: string): RepoLocation {
	const raw = input.trim();
	if (raw.startsWith("/")) return parseLocalPath(raw);
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return parseRemoteUrl(raw);
	throw invalidInput(
		`repository must be an https URL or an absolute local path, got '${truncate(raw)}'`,
		{ field: "url" },
	);
}

function parseRemoteUrl(raw: string): RepoLocation {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw invalidInput(`repository URL is malformed: '${truncate(raw)}'`, { field: "url" });
	}
	if (url.protocol !== "https:" && url.protocol !== "http:") {
		throw invalidInput(`repository URL must use https (or http), not '${url.protocol.slice(0, -1)}'`, {
			field: "url",
		});
	}
	if (url.username || url.password) {
		throw invalidInput("repository URL must not contain credentials", { field: "url" });
	}
	if (url.search || url.hash) {
		throw invalidInput("repository URL must not contain a query or fragment", { field: "url" });
	}
	const path = url.pathname.replace(/\/+$/, "").replace(/\.git$/, "");
	const segments = path.split("/").filter((s) => s.length > 0);
	if (segments.length === 0) {
		throw invalidInput("repository URL has no repository path", { field: "url" });
	}
	const canonical = `${url.protocol}//${url.host.toLowerCase()}/${segments.join("/")}`;
	return { kind: "remote", url: canonical, name: segments.slice(-2).join("/") };
}

function parseLocalPath(raw: string): RepoLocation {
	if (raw.includes("\0")) throw invalidInput("local path contains a NUL byte", { field: "url" });
	const normalized = posix.normalize(raw).replace(/\/+$/, "");
	if (normalized.length === 0) throw invalidInput("local path must not be '/'", { field: "url" });
	return { kind: "local", url: normalized, name: posix.basename(normalized).replace(/\.git$/, "") };
}

function truncate(s: string): string {
	return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** `owner/name` of a repository's web or clone URL (`https://host/owner/name[.git]`). */
export function repoFullName(url: string): string {
	return new URL(url).pathname.replace(/^\/+|\.git$|\/+$/g, "");
}
