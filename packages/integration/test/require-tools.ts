// Vitest global setup, first of all: local sandboxes are isolated with bubblewrap by default and the
// web tests drive Debian's Chromium, so a machine without either would fail late and confusingly.
// Fail at once instead, with the one line that fixes it.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Debian's Chromium (npm cannot download browsers here); FOUNDRY_CHROMIUM overrides. */
export const CHROMIUM = process.env.FOUNDRY_CHROMIUM ?? "/usr/bin/chromium";

export default function setup(): void {
	try {
		execFileSync("bwrap", ["--version"], { stdio: "ignore" });
	} catch {
		throw new Error("bubblewrap (bwrap) is not installed; sandboxes need it. Run: apt-get install -y bubblewrap");
	}
	if (!existsSync(CHROMIUM)) {
		throw new Error(`Chromium is not installed at ${CHROMIUM}; the web tests drive it. Run: apt-get install -y chromium`);
	}
}
