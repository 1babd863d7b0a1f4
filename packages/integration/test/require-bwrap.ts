// Vitest global setup, first of all: local sandboxes are isolated with bubblewrap by default, so a
// machine without it would fail every sandbox test late and confusingly. Fail at once instead,
// with the one line that fixes it.
import { execFileSync } from "node:child_process";

export default function setup(): void {
	try {
		execFileSync("bwrap", ["--version"], { stdio: "ignore" });
	} catch {
		throw new Error("bubblewrap (bwrap) is not installed; sandboxes need it. Run: apt-get install -y bubblewrap");
	}
}
