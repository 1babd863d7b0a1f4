import { describe, expect, it } from "vitest";
import { isUnrouted, retrying, withRouteRetry } from "./route-retry.ts";

const unrouted = () => Object.assign(new Error("Timed out resolving actor query route"), { group: "pegboard", code: "route_resolve_query_timeout" });

describe("route retry", () => {
	it("retries only calls that never reached an actor, at most three times", async () => {
		let calls = 0;
		expect(
			await withRouteRetry(async () => {
				if (++calls < 3) throw unrouted();
				return "ok";
			}),
		).toBe("ok");
		expect(calls).toBe(3);
		calls = 0;
		await expect(
			withRouteRetry(async () => {
				calls++;
				throw unrouted();
			}),
		).rejects.toMatchObject({ code: "route_resolve_query_timeout" });
		expect(calls).toBe(3);
		calls = 0;
		await expect(
			withRouteRetry(async () => {
				calls++;
				throw Object.assign(new Error("no"), { code: "FORBIDDEN" });
			}),
		).rejects.toMatchObject({ code: "FORBIDDEN" });
		expect(calls).toBe(1);
		expect(isUnrouted(null)).toBe(false);
	});

	it("treats the router losing an actor between sleep and wake as unrouted, not other not-founds", () => {
		expect(isUnrouted({ group: "envoy", code: "actor_not_found" })).toBe(true);
		expect(isUnrouted({ group: "user", code: "NOT_FOUND" })).toBe(false);
		expect(isUnrouted({ group: "actor", code: "not_found" })).toBe(false);
	});

	it("wraps a handle's methods, keeping non-promise members as they are", async () => {
		let calls = 0;
		const handle = {
			name: "h",
			connect: () => "conn",
			async act(x: number) {
				if (++calls === 1) throw unrouted();
				return x * 2;
			},
		};
		const h = retrying(handle);
		expect(await h.act(21)).toBe(42);
		expect(calls).toBe(2);
		expect(h.connect()).toBe("conn");
		expect(h.name).toBe("h");
	});
});
