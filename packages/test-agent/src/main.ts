// Entry point sandbox-agent runs through the `pi-acp` launcher: ACP v1, ndjson over stdio.
import { ndJsonStream } from "@agentclientprotocol/sdk";
import { createTestAgent } from "./agent.ts";

const output = new WritableStream<Uint8Array>({
	write: (chunk) =>
		new Promise<void>((done, fail) => {
			process.stdout.write(chunk, (error) => (error ? fail(error) : done()));
		}),
});
const input = new ReadableStream<Uint8Array>({
	start(controller) {
		process.stdin.on("data", (chunk: Buffer) => controller.enqueue(new Uint8Array(chunk)));
		process.stdin.on("end", () => controller.close());
		process.stdin.on("error", (error) => controller.error(error));
	},
});

const connection = createTestAgent().connect(ndJsonStream(output, input));
connection.closed.then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`test agent connection failed: ${String(error)}\n`);
		process.exit(1);
	},
);
