// Entry point of the `foundry` CLI. RivetKit's own client logs are silenced before it loads:
export {};
// the CLI reports failures itself, one line each.
process.env.RIVET_LOG_LEVEL ??= "silent";
const { run } = await import("./main.ts");
process.exitCode = await run(process.argv.slice(2), {
	out: process.stdout,
	err: process.stderr,
	env: process.env,
	onInterrupt: (cb) => {
		process.once("SIGINT", cb);
		return () => process.off("SIGINT", cb);
	},
	readStdin: async () => {
		const chunks: Buffer[] = [];
		for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
		return Buffer.concat(chunks).toString("utf8");
	},
});
