// Structured logs (pino) with secrets redacted from the first line on.
import pino, { type Logger } from "pino";

/** Keys that may hold secrets, wherever they appear (top level or one level down). */
const SECRET_KEYS = [
	"authorization",
	"cookie",
	"set-cookie",
	"token",
	"accessToken",
	"refreshToken",
	"password",
	"secret",
	"clientSecret",
	"apiKey",
];

export const REDACT_PATHS = [
	...SECRET_KEYS.map((k) => `["${k}"]`),
	...SECRET_KEYS.map((k) => `*["${k}"]`),
	...SECRET_KEYS.map((k) => `*.*["${k}"]`),
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
	const options: pino.LoggerOptions = {
		level,
		base: { service: "foundry-backend" },
		redact: { paths: REDACT_PATHS, censor: "[redacted]" },
		timestamp: pino.stdTimeFunctions.isoTime,
	};
	return destination ? pino(options, destination) : pino(options);
}
