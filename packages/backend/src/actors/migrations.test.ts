// A fresh database built from the drizzle schema equals one built by replaying the committed
// migrations — so a schema change without `pnpm db:generate` fails here.
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const backendDir = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const repoRoot = resolve(backendDir, "../..");

function bun(): string {
	const candidates = [join(repoRoot, "node_modules/bun/bin/bun.exe"), join(repoRoot, "node_modules/@oven/bun-linux-x64/bin/bun")];
	const found = candidates.find((p) => existsSync(p) && statSync(p).size > 1_000_000);
	if (!found) throw new Error("bun binary not found; run pnpm install");
	return found;
}

describe("migrations", () => {
	it("fresh schema equals migrated schema for every actor", () => {
		const raw = execFileSync(bun(), ["scripts/schema-diff.ts"], { cwd: backendDir, encoding: "utf8" });
		const result = JSON.parse(raw) as Record<string, { fresh: unknown[]; migrated: unknown[] }>;
		expect(Object.keys(result).sort()).toEqual(["audit-log", "organization", "task"]);
		for (const [actor, { fresh, migrated }] of Object.entries(result)) {
			expect(fresh.length, actor).toBeGreaterThan(0);
			expect(migrated, actor).toEqual(fresh);
		}
	});
});
