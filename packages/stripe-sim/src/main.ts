// `bun src/main.ts --port <p> [--host h] [--webhook-url u] [--webhook-secret s]`: runs the Stripe
// simulator until SIGINT/SIGTERM and prints one line when ready: `stripe-sim ready on <url>`.
import { parseArgs } from "node:util";
import { startStripeSimServer } from "./server.ts";

function main() {
	const { values } = parseArgs({
		options: { port: { type: "string", default: "7791" }, host: { type: "string" }, "webhook-url": { type: "string" }, "webhook-secret": { type: "string" } },
		strict: true,
	});
	const port = Number(values.port);
	if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got '${values.port}'`);
	const webhook = {
		...(values["webhook-url"] ? { url: values["webhook-url"] } : {}),
		...(values["webhook-secret"] ? { secret: values["webhook-secret"] } : {}),
	};
	const server = startStripeSimServer({ port, host: values.host, webhook });
	console.log(`stripe-sim ready on ${server.url}`);
	const stop = async () => {
		await server.stop();
		process.exit(0);
	};
	process.on("SIGINT", stop);
	process.on("SIGTERM", stop);
}

try {
	main();
} catch (err) {
	console.error(`stripe-sim: ${err instanceof Error ? err.message : String(err)}`);
	process.exit(1);
}
