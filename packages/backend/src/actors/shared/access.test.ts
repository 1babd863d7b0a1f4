import type { Principal } from "@foundry/shared";
import { describe, expect, it } from "vitest";
import { authorize, principalOf, withAccess } from "./access.ts";

const member: Principal = { kind: "user", userId: "u1", login: "ann", orgs: { acme: "member", ann: "admin" } };
const codeOf = (run: () => void): string | null => {
	try {
		run();
		return null;
	} catch (err) {
		return (err as { code: string }).code;
	}
};

describe("authorize", () => {
	it("applies each rule to each kind of principal", () => {
		expect(codeOf(() => authorize("member", { kind: "anonymous" }, "acme"))).toBe("UNAUTHORIZED");
		expect(codeOf(() => authorize("internal", { kind: "anonymous" }, "acme"))).toBe("UNAUTHORIZED");
		expect(codeOf(() => authorize("member", member, "acme"))).toBeNull();
		expect(codeOf(() => authorize("member", member, "other"))).toBe("FORBIDDEN");
		expect(codeOf(() => authorize("admin", member, "acme"))).toBe("FORBIDDEN");
		expect(codeOf(() => authorize("admin", member, "ann"))).toBeNull();
		expect(codeOf(() => authorize("ownerOrAdmin", member, "acme"))).toBeNull();
		expect(codeOf(() => authorize("self", member, "u1"))).toBeNull();
		expect(codeOf(() => authorize("self", member, "u2"))).toBe("FORBIDDEN");
		expect(codeOf(() => authorize("internal", member, "acme"))).toBe("FORBIDDEN");
		for (const rule of ["member", "admin", "self", "internal", "ownerOrAdmin", "schedule"] as const) {
			expect(codeOf(() => authorize(rule, { kind: "internal" }, "x"))).toBeNull();
		}
	});

	it("says why presented credentials were refused", () => {
		try {
			authorize("member", { kind: "anonymous", reason: "API token is invalid or revoked" }, "acme");
		} catch (err) {
			expect((err as Error).message).toBe("API token is invalid or revoked");
		}
	});
});

describe("a call without a connection", () => {
	const silent = { error: () => undefined, warn: () => undefined } as unknown as Parameters<typeof withAccess>[2];
	const def = () => ({ config: { actions: { secret: () => "internal data", tick: () => "ticked" } } });
	type Call = (c: { key: string[]; conn: { state: unknown } | undefined }) => Promise<unknown>;

	it("is never internal: it is anonymous and passes only the schedule rule", async () => {
		expect(principalOf(undefined).kind).toBe("anonymous");
		const wrapped = withAccess(def(), { secret: "internal", tick: "schedule" }, silent);
		const actions = wrapped.config.actions as unknown as Record<string, Call>;
		await expect(actions.secret?.({ key: ["acme"], conn: undefined })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
		await expect(actions.tick?.({ key: ["acme"], conn: undefined })).resolves.toBe("ticked");
		// A client connection is never "no connection", whatever its state says.
		await expect(actions.tick?.({ key: ["acme"], conn: { state: { kind: "anonymous" } } })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
	});
});
