// Starts the Stripe simulator as its own process (the real Bun binary from npm) on a free port,
// with typed helpers for its control API, and a local webhook receiver. Other packages import
// this as `@foundry/stripe-sim/harness`.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Customer, Invoice, StripeEvent, Subscription } from "../src/state/types.ts";
import type { Delivery, WebhookConfig } from "../src/webhooks/dispatcher.ts";

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const REPO_ROOT = resolve(PACKAGE_DIR, "../..");

/** The secret deliveries are signed with unless PUT /_sim/webhook sets another. */
export const DEFAULT_WEBHOOK_SECRET = "whsec_test_sim";

function bun(): string {
	const candidates = [join(REPO_ROOT, "node_modules/bun/bin/bun.exe"), join(REPO_ROOT, "node_modules/@oven/bun-linux-x64/bin/bun")];
	const found = candidates.find((p) => existsSync(p) && statSync(p).size > 1_000_000);
	if (!found) throw new Error("bun binary not found; run pnpm install");
	return found;
}

export interface SimMeterEvent {
	identifier: string;
	event_name: string;
	payload: Record<string, string>;
	timestamp: number;
	/** Why Stripe would not count it (its asynchronous checks), or null. */
	error: string | null;
	customer: string | null;
	value: number;
}

export interface SimState {
	customers: Customer[];
	subscriptions: Subscription[];
	invoices: Invoice[];
	events: StripeEvent[];
	deliveries: Delivery[];
	webhook: WebhookConfig;
	[key: string]: unknown;
}

export interface FlowResult {
	subscription: Subscription;
	invoice: Invoice | null;
}

export interface RunningStripeSim {
	/** `http://127.0.0.1:<port>` */
	url: string;
	host: string;
	port: number;
	child: ChildProcess;
	/** Spread into the SDK: `new Stripe("sk_test_x", { ...sim.stripeOptions, maxNetworkRetries: 0 })`. */
	stripeOptions: { host: string; port: number; protocol: "http" };
	/** Raw control call: `control("POST", "/reset")` hits `<url>/_sim/reset`. */
	control(method: string, path: string, body?: unknown): Promise<Response>;
	/** Control call that parses JSON and throws on a non-2xx answer. */
	call<T>(method: string, path: string, body?: unknown): Promise<T>;
	setWebhook(url: string | null, opts?: Partial<Omit<WebhookConfig, "url">> & { apiVersion?: string }): Promise<WebhookConfig>;
	completeCheckout(sessionId: string, opts?: { fail?: boolean }): Promise<FlowResult & { session: Record<string, unknown> }>;
	failPayment(subscriptionId: string): Promise<FlowResult>;
	pay(subscriptionId: string): Promise<FlowResult>;
	advance(subscriptionId: string): Promise<FlowResult>;
	deliveries(): Promise<Delivery[]>;
	/** Waits until every queued webhook delivery has finished; returns the log. */
	idle(): Promise<Delivery[]>;
	meterEvents(): Promise<SimMeterEvent[]>;
	state(): Promise<SimState>;
	reset(): Promise<void>;
	stop(): Promise<void>;
}

export async function startStripeSim(args: string[] = []): Promise<RunningStripeSim> {
	const child = spawn(bun(), ["src/main.ts", "--port", "0", ...args], { cwd: PACKAGE_DIR, stdio: ["ignore", "pipe", "pipe"] });
	let output = "";
	const url = await new Promise<string>((ready, fail) => {
		const timer = setTimeout(() => fail(new Error(`stripe-sim not ready:\n${output}`)), 20_000);
		child.stdout?.on("data", (d: Buffer) => {
			output += d.toString();
			const m = /stripe-sim ready on (\S+)/.exec(output);
			if (m?.[1]) {
				clearTimeout(timer);
				ready(m[1]);
			}
		});
		child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
		child.once("exit", (code) => {
			clearTimeout(timer);
			fail(new Error(`stripe-sim exited ${code}:\n${output}`));
		});
	});
	const { hostname: host, port: portText } = new URL(url);
	const port = Number(portText);
	const control = (method: string, path: string, body?: unknown) =>
		fetch(`${url}/_sim${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
	const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
		const res = await control(method, path, body);
		const text = await res.text();
		if (!res.ok) throw new Error(`stripe-sim ${method} /_sim${path} → ${res.status}: ${text}`);
		return JSON.parse(text) as T;
	};
	return {
		url,
		host,
		port,
		child,
		stripeOptions: { host, port, protocol: "http" },
		control,
		call,
		setWebhook: (hookUrl, opts = {}) => call("PUT", "/webhook", { url: hookUrl, ...opts }),
		completeCheckout: (id, opts = {}) => call("POST", `/checkout/${id}/complete`, opts),
		failPayment: (id) => call("POST", `/subscriptions/${id}/fail_payment`),
		pay: (id) => call("POST", `/subscriptions/${id}/pay`),
		advance: (id) => call("POST", `/subscriptions/${id}/advance`),
		deliveries: () => call("GET", "/deliveries"),
		idle: () => call("POST", "/deliveries/idle"),
		meterEvents: () => call("GET", "/meter_events"),
		state: () => call("GET", "/state"),
		reset: async () => {
			await call("POST", "/reset");
		},
		stop: () =>
			new Promise<void>((done) => {
				if (child.exitCode !== null) return done();
				child.once("exit", () => done());
				child.kill("SIGTERM");
			}),
	};
}

export interface ReceivedWebhook {
	headers: IncomingHttpHeaders;
	/** The raw body, exactly as signed (verify this, not a re-serialisation). */
	body: string;
	signature: string;
	/** The parsed event. */
	event: { id: string; type: string; data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> } };
}

export interface WebhookReceiver {
	url: string;
	received: ReceivedWebhook[];
	/** Status to answer the nth request (0-based, counted from this call) with; 200 unless set. */
	respond(status: (n: number) => number): void;
	types(): string[];
	close(): Promise<void>;
}

/** A local webhook endpoint that records every delivery. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
	const { createServer } = await import("node:http");
	const received: ReceivedWebhook[] = [];
	let statusFor: (n: number) => number = () => 200;
	let count = 0;
	const server = createServer((req, res) => {
		let body = "";
		req.setEncoding("utf8");
		req.on("data", (d: string) => (body += d));
		req.on("end", () => {
			const n = count++;
			received.push({ headers: req.headers, body, signature: String(req.headers["stripe-signature"] ?? ""), event: JSON.parse(body) as ReceivedWebhook["event"] });
			res.writeHead(statusFor(n), { "content-type": "application/json" }).end('{"received":true}');
		});
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	const addr = server.address();
	const port = typeof addr === "object" && addr ? addr.port : 0;
	return {
		url: `http://127.0.0.1:${port}/webhooks/stripe`,
		received,
		respond: (fn) => {
			statusFor = fn;
			count = 0;
		},
		types: () => received.map((r) => r.event.type),
		close: () => new Promise((r) => server.close(() => r())),
	};
}
