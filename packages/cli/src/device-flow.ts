// The OAuth device authorization flow (RFC 8628) against Better Auth at /v1/auth: ask for a code,
// let the user approve it in a browser, poll until a session token is issued.
import { FoundryError, HTTP_PATH, toFoundryError } from "@foundry/client";

export const CLI_CLIENT_ID = "foundry-cli";
const GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";
/** RFC 8628 §3.5: on slow_down the interval grows by 5 seconds. */
const SLOW_DOWN_MS = 5_000;

export interface DeviceCode {
	device_code: string;
	user_code: string;
	verification_uri: string;
	verification_uri_complete: string;
	interval: number;
	expires_in: number;
}

export interface DeviceFlowOptions {
	endpoint: string;
	timeoutMs: number;
	/** Shows the user where to go; called once the code is issued. */
	prompt(code: DeviceCode): void;
	sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function post(endpoint: string, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
	let res: Response;
	try {
		res = await fetch(`${endpoint}${HTTP_PATH.auth}${path}`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify(body),
		});
	} catch (err) {
		throw toFoundryError(err, endpoint);
	}
	const text = await res.text();
	try {
		const json: unknown = JSON.parse(text);
		return { status: res.status, json: typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {} };
	} catch {
		// Not JSON (a proxy error page, say): the status and the start of the body explain it.
		throw new FoundryError("UPSTREAM_FAILED", `${path}: HTTP ${res.status}: ${text.slice(0, 200)}`);
	}
}

function parseDeviceCode(json: Record<string, unknown>): DeviceCode {
	const str = (key: string): string => {
		const v = json[key];
		if (typeof v !== "string" || v.length === 0) throw new FoundryError("UPSTREAM_FAILED", `the backend's device code response has no ${key}`);
		return v;
	};
	const num = (key: string, fallback: number): number => {
		const v = json[key];
		return typeof v === "number" && v > 0 ? v : fallback;
	};
	return {
		device_code: str("device_code"),
		user_code: str("user_code"),
		verification_uri: str("verification_uri"),
		verification_uri_complete: str("verification_uri_complete"),
		interval: num("interval", 5),
		expires_in: num("expires_in", 600),
	};
}

export async function requestDeviceCode(endpoint: string): Promise<DeviceCode> {
	const res = await post(endpoint, "/device/code", { client_id: CLI_CLIENT_ID });
	if (res.status !== 200) throw authError(res.json, res.status, "could not start a device login");
	return parseDeviceCode(res.json);
}

function authError(json: Record<string, unknown>, status: number, what: string): FoundryError {
	const detail = json.error_description ?? json.message ?? json.error ?? `HTTP ${status}`;
	return new FoundryError(status >= 500 ? "UPSTREAM_FAILED" : "INTERNAL", `${what}: ${String(detail)}`);
}

/** Runs the whole flow and returns the session token the backend issues on approval. */
export async function deviceLogin(o: DeviceFlowOptions): Promise<string> {
	const sleep = o.sleep ?? defaultSleep;
	const code = await requestDeviceCode(o.endpoint);
	o.prompt(code);
	const deadline = Date.now() + Math.min(o.timeoutMs, code.expires_in * 1000);
	let intervalMs = Math.max(1, code.interval) * 1000;
	for (;;) {
		if (Date.now() + intervalMs > deadline) {
			throw new FoundryError("UNAUTHORIZED", "the login was not approved in time; run `foundry login` again");
		}
		await sleep(intervalMs);
		const res = await post(o.endpoint, "/device/token", { grant_type: GRANT_TYPE, device_code: code.device_code, client_id: CLI_CLIENT_ID });
		const token = res.json.access_token;
		if (res.status === 200 && typeof token === "string" && token.length > 0) return token;
		switch (res.json.error) {
			case "authorization_pending":
				continue;
			case "slow_down":
				intervalMs += SLOW_DOWN_MS;
				continue;
			case "expired_token":
				throw new FoundryError("UNAUTHORIZED", "the login code expired before it was approved; run `foundry login` again");
			case "access_denied":
				throw new FoundryError("UNAUTHORIZED", "the login was denied in the browser");
			default:
				throw authError(res.json, res.status, "device login failed");
		}
	}
}
