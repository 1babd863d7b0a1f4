import type { Principal } from "@foundry/shared";
import { describe, expect, it } from "vitest";
import { PrincipalResolver } from "./principals.ts";

/** A fake index + user actor: each principal() read returns the memberships held at that moment. */
function world(resolver: () => PrincipalResolver) {
	let orgs: Record<string, "admin" | "member"> = {};
	let reads = 0;
	let duringRead: (() => void) | null = null;
	const client = {
		authIndex: { getOrCreate: () => ({ lookup: async () => ({ userId: "u1", expiresAt: null }) }) },
		user: {
			getOrCreate: () => ({
				principal: async (): Promise<Principal> => {
					reads++;
					const seen = { ...orgs };
					duringRead?.();
					return { kind: "user", userId: "u1", login: "hubot", orgs: seen };
				},
			}),
		},
	};
	return {
		resolve: (orgId?: string) => resolver().resolve({ token: "session-token" }, () => client, undefined, orgId),
		/** A membership granted in another process: this one is not told. */
		joinElsewhere: () => {
			orgs = { acme: "member" };
		},
		join: () => {
			orgs = { acme: "member" };
			resolver().invalidateUser("u1");
		},
		duringNextRead: (f: () => void) => {
			duringRead = () => {
				duringRead = null;
				f();
			};
		},
		reads: () => reads,
	};
}

describe("PrincipalResolver", () => {
	it("caches a principal until the user is invalidated", async () => {
		const r = new PrincipalResolver("internal", 60_000);
		const w = world(() => r);
		await w.resolve();
		await w.resolve();
		expect(w.reads()).toBe(1);
		w.join();
		expect(await w.resolve()).toMatchObject({ orgs: { acme: "member" } });
	});

	it("does not cache a resolution that raced an invalidation (it read the memberships before the change)", async () => {
		const r = new PrincipalResolver("internal", 60_000);
		const w = world(() => r);
		w.duringNextRead(() => w.join());
		expect(await w.resolve()).toMatchObject({ orgs: {} });
		// The next call reads again and sees the membership, instead of a stale cache entry.
		expect(await w.resolve()).toMatchObject({ orgs: { acme: "member" } });
	});

	it("reads again for an organization the cached principal is not a member of (granted through another runner)", async () => {
		const r = new PrincipalResolver("internal", 60_000);
		const w = world(() => r);
		expect(await w.resolve("acme")).toMatchObject({ orgs: {} });
		w.joinElsewhere();
		// Elsewhere-scoped reads keep the cache; the org the connection is for reads again and sees it.
		expect(await w.resolve()).toMatchObject({ orgs: {} });
		expect(w.reads()).toBe(1);
		expect(await w.resolve("acme")).toMatchObject({ orgs: { acme: "member" } });
		expect(w.reads()).toBe(2);
		// Now cached with the membership: no further reads.
		await w.resolve("acme");
		expect(w.reads()).toBe(2);
	});
});
