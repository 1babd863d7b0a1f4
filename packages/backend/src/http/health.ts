// GET /v1/health: version, uptime and whether the engine answers (503 when it does not).
import type { Context } from "hono";
import type { AppEnv } from "./app.ts";

export interface HealthDeps {
	version: string;
	startedAt: number;
	engineMode: "local" | "external";
	checkEngine: () => Promise<boolean>;
}

export function healthRoute(deps: HealthDeps) {
	return async (c: Context<AppEnv>): Promise<Response> => {
		const reachable = await deps.checkEngine();
		const body = {
			status: reachable ? "ok" : "degraded",
			version: deps.version,
			uptimeMs: Date.now() - deps.startedAt,
			engine: { mode: deps.engineMode, reachable },
		};
		return c.json(body, reachable ? 200 : 503);
	};
}
