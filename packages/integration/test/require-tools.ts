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
	// The cluster test starts a private PostgreSQL and NATS (scripts/cluster.mjs).
	const pg = ["initdb", "/usr/lib/postgresql/15/bin/initdb", "/usr/lib/postgresql/16/bin/initdb"].some((b) => {
		try {
			execFileSync(b, ["--version"], { stdio: "ignore" });
			return true;
		} catch {
			return false;
		}
	});
	if (!pg && !process.env.FOUNDRY_CLUSTER_PG_URL) throw new Error("PostgreSQL's server binaries are not installed; the cluster test starts one. Run: apt-get install -y postgresql");
	try {
		execFileSync("nats-server", ["--version"], { stdio: "ignore" });
	} catch {
		throw new Error("nats-server is not installed; the cluster test starts one. Run: apt-get install -y nats-server");
	}
	if (!existsSync(CHROMIUM)) {
		throw new Error(`Chromium is not installed at ${CHROMIUM}; the web tests drive it. Run: apt-get install -y chromium`);
	}
}
