import type { Principal } from "@foundry/shared";
import { describe, expect, it } from "vitest";
import { authorize } from "./access.ts";

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
		for (const rule of ["member", "admin", "self", "internal", "ownerOrAdmin"] as const) {
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
