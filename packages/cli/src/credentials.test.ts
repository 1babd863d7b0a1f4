// The credentials file: where it lives, its mode, and what a damaged file does.
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CredentialStore, credentialsPath } from "./credentials.ts";

const dirs: string[] = [];
afterEach(() => {
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
	const d = mkdtempSync(join(tmpdir(), "foundry-cred-"));
	dirs.push(d);
	return d;
}
const mode = (p: string) => statSync(p).mode & 0o777;
const entry = { token: "fdy_x", login: "octocat", org: null };

describe("credentials", () => {
	it("lives under XDG_CONFIG_HOME, else ~/.config", () => {
		expect(credentialsPath({ XDG_CONFIG_HOME: "/x", HOME: "/h" })).toBe("/x/foundry/credentials");
		expect(credentialsPath({ XDG_CONFIG_HOME: "", HOME: "/h" })).toBe("/h/.config/foundry/credentials");
	});

	it("writes 0600 in a 0700 directory, also over an existing looser file", () => {
		const path = join(tempDir(), "cfg/foundry/credentials");
		const store = new CredentialStore(path);
		store.set("http://a", entry);
		expect(mode(path)).toBe(0o600);
		expect(mode(join(path, ".."))).toBe(0o700);
		rmSync(path);
		writeFileSync(path, JSON.stringify({ "http://a": entry }), { mode: 0o644 });
		expect(mode(path)).toBe(0o644);
		store.set("http://b", { ...entry, org: "acme" });
		expect(mode(path)).toBe(0o600);
		expect(store.read()).toEqual({ "http://a": entry, "http://b": { ...entry, org: "acme" } });
	});

	it("deletes entries and the file once empty", () => {
		const path = join(tempDir(), "credentials");
		const store = new CredentialStore(path);
		store.set("http://a", entry);
		store.set("http://b", entry);
		expect(store.delete("http://a")).toBe(true);
		expect(store.delete("http://a")).toBe(false);
		expect(Object.keys(store.read())).toEqual(["http://b"]);
		store.delete("http://b");
		expect(() => statSync(path)).toThrow();
	});

	it("refuses a damaged file with a clear error and skips entries it does not understand", () => {
		const path = join(tempDir(), "credentials");
		writeFileSync(path, "{not json");
		expect(() => new CredentialStore(path).read()).toThrow(/is not valid JSON.*fix or delete it/);
		writeFileSync(path, JSON.stringify({ "http://a": entry, "http://b": { token: 1 } }));
		expect(new CredentialStore(path).read()).toEqual({ "http://a": entry });
	});
});
