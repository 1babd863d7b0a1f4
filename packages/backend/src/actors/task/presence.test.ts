import { describe, expect, it } from "vitest";
import { Presence } from "./presence.ts";

const octocat = { userId: "u1", login: "octocat" };
const hubot = { userId: "u2", login: "hubot" };

describe("Presence", () => {
	it("lists each user once, by login, and reports only changes of who is there", () => {
		const p = new Presence();
		expect(p.add("c1", octocat)).toBe(true);
		expect(p.add("c2", octocat)).toBe(false); // a second tab of the same user
		expect(p.add("c3", hubot)).toBe(true);
		expect(p.viewers()).toEqual([hubot, octocat]);
		expect(p.remove("c1")).toBe(false); // octocat still has c2 open
		expect(p.remove("c2")).toBe(true);
		expect(p.remove("c2")).toBe(false);
		expect(p.remove("never")).toBe(false);
		expect(p.viewers()).toEqual([hubot]);
	});
});
