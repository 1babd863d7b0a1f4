import { describe, expect, it } from "vitest";
import { SESSION_STATUSES } from "./schemas/session.ts";
import { TASK_STATUSES } from "./schemas/task.ts";
import { prView, sessionStatusView, taskStatusView } from "./status.ts";

describe("status vocabulary", () => {
	it("gives every task and session status a mark and a word (colour is never the only signal)", () => {
		const views = [...TASK_STATUSES.map(taskStatusView), ...SESSION_STATUSES.map(sessionStatusView)];
		for (const v of views) {
			expect(v.mark.length).toBeGreaterThan(0);
			expect(v.label.length).toBeGreaterThan(0);
		}
		expect(taskStatusView("needs_input")).toMatchObject({ mark: "◆", label: "needs input", tone: "attention" });
		expect(taskStatusView("running").live).toBe(true);
	});

	it("names a PR's state in GitHub's terms", () => {
		expect(prView(null, null)).toBeNull();
		expect(prView("open", 12)).toEqual({ label: "#12 open", tone: "open" });
		expect(prView("merged", 3)?.tone).toBe("merged");
	});
});
