import { FoundryError, type Principal } from "@foundry/shared";
import { describe, expect, it } from "vitest";
import { authorizeGateway, parseGatewayRequest } from "./gateway-policy.ts";

const q = (s: string) => new URLSearchParams(s);
const ok = "rvt-namespace=default&rvt-method=getOrCreate&rvt-runner=default&rvt-crash-policy=sleep";
const codeOf = (run: () => unknown): string => {
	try {
		run();
		return "ok";
	} catch (err) {
		return err instanceof FoundryError ? err.code : String(err);
	}
};
const member: Principal = { kind: "user", userId: "u1", login: "octo", orgs: { acme: "member" } };

describe("parseGatewayRequest", () => {
	it("accepts what the client sends: an action or the event connection on a public actor by name + key", () => {
		expect(parseGatewayRequest("/gateway/task/action/get", q(`${ok}&rvt-key=acme,t_1`), "POST", false, "default")).toEqual({ actor: "task", key: ["acme", "t_1"], kind: "action" });
		expect(parseGatewayRequest("/gateway/user/connect", q(`${ok}&rvt-key=u1`), "GET", true, "default")).toEqual({ actor: "user", key: ["u1"], kind: "connect" });
	});

	it.each([
		["/actors", ok, "GET", false],
		["/namespaces", ok, "GET", false],
		["/health", ok, "GET", false],
		["/gateway/authIndex/action/lookup", `${ok}&rvt-key=app`, "POST", false],
		["/gateway/abc123/action/ping", ok, "POST", false],
		["/gateway/organization/queue/organization.addRepo", `${ok}&rvt-key=acme`, "POST", false],
		["/gateway/organization/action/ping", `${ok}&rvt-key=acme&rvt-token=dev`, "POST", false],
		["/gateway/organization/action/ping", `${ok.replace("default", "other")}&rvt-key=acme`, "POST", false],
		["/gateway/organization/action/ping", `${ok.replace("getOrCreate", "create")}&rvt-key=acme`, "POST", false],
		["/gateway/organization/action/ping", `${ok}&rvt-key=acme,extra`, "POST", false],
		["/gateway/task/action/get", `${ok}&rvt-key=acme`, "POST", false],
		["/gateway/organization/action/ping", `${ok}&rvt-key=../x`, "POST", false],
		["/gateway/organization/action/ping", `${ok}&rvt-key=acme`, "GET", false],
		["/gateway/organization/connect", `${ok}&rvt-key=acme`, "GET", false],
		["/gateway/organization/action/ping", `${ok}&rvt-key=acme`, "GET", true],
	])("refuses %s?%s (%s, upgrade %s) with NOT_FOUND", (path, query, method, upgrade) => {
		expect(codeOf(() => parseGatewayRequest(path, q(query), method, upgrade, "default"))).toBe("NOT_FOUND");
	});
});

describe("authorizeGateway", () => {
	const org = { actor: "organization" as const, key: ["acme"], kind: "action" as const };
	it("admits a member on their organization's actors and a user on their own user actor", () => {
		expect(codeOf(() => authorizeGateway(org, member))).toBe("ok");
		expect(codeOf(() => authorizeGateway({ actor: "task", key: ["acme", "t_1"], kind: "action" }, member))).toBe("ok");
		expect(codeOf(() => authorizeGateway({ actor: "user", key: ["u1"], kind: "connect" }, member))).toBe("ok");
	});
	it("refuses strangers, anonymous callers and the internal credential from outside", () => {
		expect(codeOf(() => authorizeGateway({ ...org, key: ["other"] }, member))).toBe("FORBIDDEN");
		expect(codeOf(() => authorizeGateway({ actor: "user", key: ["u2"], kind: "action" }, member))).toBe("FORBIDDEN");
		expect(codeOf(() => authorizeGateway(org, { kind: "anonymous" }))).toBe("UNAUTHORIZED");
		expect(codeOf(() => authorizeGateway(org, { kind: "internal" }))).toBe("FORBIDDEN");
	});
});
