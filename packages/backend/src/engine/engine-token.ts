// The engine's admin token: from configuration, or a random per-deployment secret generated once
// into the data dir (mode 600). Never "dev", never sent to or accepted from clients.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";

export const ENGINE_TOKEN_FILE = "engine-token";

export function loadEngineToken(configured: string | undefined, dataDir: string, log: Logger): string {
	if (configured) return configured;
	const file = join(dataDir, ENGINE_TOKEN_FILE);
	if (existsSync(file)) {
		const held = readFileSync(file, "utf8").trim();
		if (held.length >= 16) return held;
		log.warn({ file }, "engine token file is too short; generating a new one");
	}
	mkdirSync(dataDir, { recursive: true });
	const token = randomBytes(32).toString("base64url");
	writeFileSync(file, `${token}\n`, { mode: 0o600 });
	chmodSync(file, 0o600);
	return token;
}
