// Composition root: read config once, build the logger, start the backend, stop it on signals.
import { ConfigError, loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { startBackend } from "./server.ts";

async function main(): Promise<void> {
	let config: ReturnType<typeof loadConfig>;
	try {
		config = loadConfig(process.env);
	} catch (err) {
		if (err instanceof ConfigError) {
			console.error(`foundry: ${err.message}`);
			process.exit(78);
		}
		throw err;
	}
	const log = createLogger(config.logLevel);
	// sandbox-agent's SDK can reject in the background when a sandbox dies mid-request: log it, never crash.
	process.on("unhandledRejection", (err) => log.error({ err }, "unhandled rejection"));
	const backend = await startBackend(config, log);
	const engine = config.engine.mode === "local" ? `embedded engine on port ${config.engine.port}` : "external engine";
	log.debug({ url: backend.url, dataDir: config.dataDir, engineMode: config.engine.mode }, "ready");
	console.log(`Foundry backend ready on ${backend.url} (${engine}, data in ${config.dataDir})`);

	const onSignal = (signal: NodeJS.Signals) => {
		log.info({ signal }, "signal received");
		backend.stop().then(
			() => process.exit(0),
			(err: unknown) => {
				log.error({ err }, "shutdown failed");
				process.exit(1);
			},
		);
	};
	process.on("SIGINT", onSignal);
	process.on("SIGTERM", onSignal);
}

main().catch((err: unknown) => {
	if (err instanceof ConfigError) {
		console.error(`foundry: ${err.message}`);
		process.exit(78);
	}
	console.error("foundry: failed to start:", err instanceof Error ? err.message : err);
	process.exit(1);
});
