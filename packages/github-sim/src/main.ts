// `pnpm github-sim --port <p> [--seed <file>] [--demo] [--data <dir>]`: runs the simulator until
// SIGINT/SIGTERM. Prints one line when ready. With --data the world is saved there on exit and
// loaded on start; without it a temporary directory is used and removed on exit.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startSimServer } from "./server.ts";
import { DEMO_SEED } from "./state/seed.ts";
import type { WorldData } from "./state/world.ts";

async function main() {
	const { values } = parseArgs({
		options: { port: { type: "string", default: "7790" }, seed: { type: "string" }, demo: { type: "boolean" }, data: { type: "string" }, host: { type: "string" } },
		strict: true,
	});
	const port = Number(values.port);
	if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got '${values.port}'`);
	const dataDir = values.data ?? mkdtempSync(join(tmpdir(), "github-sim-"));
	const server = await startSimServer({ port, dataDir, host: values.host });
	const saved = join(dataDir, "world.json");
	if (values.data && existsSync(saved)) {
		server.sim.world.data = JSON.parse(readFileSync(saved, "utf8")) as WorldData;
		const app = server.sim.world.data.app;
		if (app?.webhookUrl) server.sim.setWebhook(app.webhookUrl);
	} else {
		if (values.demo) await server.sim.applySeed(DEMO_SEED);
		if (values.seed) await server.sim.applySeed(JSON.parse(readFileSync(values.seed, "utf8")));
	}
	console.log(`github-sim ready on ${server.url}`);
	const stop = async () => {
		await server.stop();
		if (values.data) writeFileSync(saved, JSON.stringify(server.sim.world.data));
		else rmSync(dataDir, { recursive: true, force: true });
		process.exit(0);
	};
	process.on("SIGINT", stop);
	process.on("SIGTERM", stop);
}

main().catch((err: unknown) => {
	console.error(`github-sim: ${err instanceof Error ? err.message : String(err)}`);
	process.exit(1);
});
