import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";

function capture() {
	const lines: string[] = [];
	const stream = new Writable({
		write(chunk, _enc, done) {
			lines.push(String(chunk));
			done();
		},
	});
	return { lines, stream };
}

describe("logger redaction", () => {
	it("never writes tokens, cookies or authorization headers", () => {
		const { lines, stream } = capture();
		const log = createLogger("info", stream);
		log.info({ token: "s1", headers: { authorization: "Bearer s2", cookie: "c=s3" }, user: { accessToken: "s4" } }, "x");
		log.info({ req: { headers: { "set-cookie": "s5" } }, password: "s6", config: { clientSecret: "s7" } }, "y");
		const out = lines.join("");
		for (const secret of ["s1", "s2", "s3", "s4", "s5", "s6", "s7"]) expect(out).not.toContain(`"${secret}"`);
		expect(out).toContain("[redacted]");
		expect(out).toContain('"msg":"x"');
	});
});
