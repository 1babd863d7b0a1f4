// Webhook deliveries as GitHub makes them: signed JSON POSTs with GitHub's headers, queued per app
// so one app's events never overtake each other, each recorded in a delivery log; redelivery
// resends the same body under the same X-GitHub-Delivery guid.
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { sign } from "@octokit/webhooks-methods";
import { installationRef } from "./payloads.ts";

export interface Hook {
	url: string;
	/** Empty: deliveries go unsigned, as GitHub does for a hook without a secret. */
	secret: string;
	active?: boolean;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

export interface Delivery {
	id: number;
	guid: string;
	appId: number;
	event: string;
	action: string | null;
	installationId: number | null;
	url: string;
	requestHeaders: Record<string, string>;
	requestBody: string;
	status: DeliveryStatus;
	statusCode: number | null;
	/** The receiver's answer, cut to its first 4 KB. */
	responseBody: string | null;
	error: string | null;
	durationMs: number | null;
	/** ISO time the request was sent. */
	deliveredAt: string | null;
	redelivery: boolean;
}

/** What the dispatcher needs of fetch; the global `fetch` fits (Bun's type adds `preconnect`). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface DispatcherOptions {
	fetch?: FetchLike;
	/** Clock for deliveredAt and durationMs (ms since epoch). */
	now?: () => number;
	/** GitHub gives a receiver 10 s to answer. */
	timeoutMs?: number;
}

export interface DeliveryFilter {
	appId?: number;
	event?: string;
}

const RESPONSE_KEEP_BYTES = 4096;
const DEFAULT_TIMEOUT_MS = 10_000;

/** A copy, so callers can neither see later mutation by accident nor corrupt the log. */
const snapshot = (d: Delivery): Delivery => ({ ...d, requestHeaders: { ...d.requestHeaders } });

export class WebhookDispatcher {
	readonly #hooks = new Map<number, { hook: Hook; hookId: number }>();
	/** Tail of each app's delivery chain; removed once the chain drains. */
	readonly #queues = new Map<number, Promise<void>>();
	#log: Delivery[] = [];
	#nextId = 1;
	#nextHookId = 1;
	readonly #fetch: FetchLike;
	readonly #now: () => number;
	readonly #timeoutMs: number;
	readonly #userAgent = `GitHub-Hookshot/${randomBytes(4).toString("hex").slice(0, 7)}`;

	constructor(opts: DispatcherOptions = {}) {
		this.#fetch = opts.fetch ?? fetch;
		this.#now = opts.now ?? Date.now;
		this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	}

	/** Sets or removes an app's hook; the hook id stays stable while the app keeps a hook. */
	setHook(appId: number, hook: Hook | null): void {
		if (!hook) {
			this.#hooks.delete(appId);
			return;
		}
		const hookId = this.#hooks.get(appId)?.hookId ?? this.#nextHookId++;
		this.#hooks.set(appId, { hook: { ...hook }, hookId });
	}

	/**
	 * Queues one delivery and returns its log entry (status "pending"), or null when the app has no
	 * active hook. Never throws: a payload that cannot be serialised is logged as a failed delivery.
	 */
	emit(appId: number, event: string, action: string | null, payload: object, opts: { installationId?: number } = {}): Delivery | null {
		const entry = this.#hooks.get(appId);
		if (!entry || entry.hook.active === false) return null;
		const installationId = opts.installationId ?? null;
		const delivery = this.#newDelivery({ guid: randomUUID(), appId, event, action, installationId, url: entry.hook.url, requestBody: "", redelivery: false });
		try {
			// Installation events carry the full installation object; the others get GitHub's reference.
			const addRef = installationId !== null && !("installation" in payload);
			delivery.requestBody = JSON.stringify({ ...(action !== null ? { action } : {}), ...payload, ...(addRef ? { installation: installationRef(installationId) } : {}) });
		} catch (err) {
			delivery.status = "failed";
			delivery.error = `payload is not JSON-serialisable: ${describeError(err)}`;
			this.#log.push(delivery);
			return snapshot(delivery);
		}
		this.#enqueue(delivery, entry.hookId, entry.hook);
		return snapshot(delivery);
	}

	/**
	 * Sends a logged delivery again to the app's current hook: same body, same guid, a new log entry
	 * marked as a redelivery. Null when the delivery is unknown or the app has no active hook.
	 */
	redeliver(id: number): Delivery | null {
		const original = this.#log.find((d) => d.id === id);
		const entry = original && this.#hooks.get(original.appId);
		// An entry whose payload never serialised has nothing to resend.
		if (!original || original.requestBody === "" || !entry || entry.hook.active === false) return null;
		const copy = this.#newDelivery({ ...original, url: entry.hook.url, redelivery: true });
		this.#enqueue(copy, entry.hookId, entry.hook);
		return snapshot(copy);
	}

	/** Newest first. */
	deliveries(filter: DeliveryFilter = {}): Delivery[] {
		return this.#log
			.filter((d) => (filter.appId === undefined || d.appId === filter.appId) && (filter.event === undefined || d.event === filter.event))
			.reverse()
			.map(snapshot);
	}

	delivery(id: number): Delivery | undefined {
		const found = this.#log.find((d) => d.id === id);
		return found && snapshot(found);
	}

	/** Resolves once every queued delivery, including ones queued while waiting, has finished. */
	async idle(): Promise<void> {
		while (this.#queues.size > 0) await Promise.all(this.#queues.values());
	}

	/** Empties the log; deliveries still queued are sent but no longer listed (call idle() first). */
	clear(): void {
		this.#log = [];
	}

	#newDelivery(d: Pick<Delivery, "guid" | "appId" | "event" | "action" | "installationId" | "url" | "requestBody" | "redelivery">): Delivery {
		return {
			id: this.#nextId++,
			guid: d.guid,
			appId: d.appId,
			event: d.event,
			action: d.action,
			installationId: d.installationId,
			url: d.url,
			requestHeaders: {},
			requestBody: d.requestBody,
			status: "pending",
			statusCode: null,
			responseBody: null,
			error: null,
			durationMs: null,
			deliveredAt: null,
			redelivery: d.redelivery,
		};
	}

	#enqueue(delivery: Delivery, hookId: number, hook: Hook): void {
		delivery.requestHeaders = {
			Accept: "*/*",
			"Content-Type": "application/json",
			"User-Agent": this.#userAgent,
			"X-GitHub-Delivery": delivery.guid,
			"X-GitHub-Event": delivery.event,
			"X-GitHub-Hook-ID": String(hookId),
			"X-GitHub-Hook-Installation-Target-ID": String(delivery.appId),
			"X-GitHub-Hook-Installation-Target-Type": "integration",
		};
		this.#log.push(delivery);
		const secret = hook.secret;
		const appId = delivery.appId;
		const tail: Promise<void> = (this.#queues.get(appId) ?? Promise.resolve())
			.then(() => this.#send(delivery, secret))
			.then(() => {
				if (this.#queues.get(appId) === tail) this.#queues.delete(appId);
			});
		this.#queues.set(appId, tail);
	}

	/** Never rejects: every outcome ends up on the delivery, or the app's queue would stall. */
	async #send(d: Delivery, secret: string): Promise<void> {
		const started = this.#now();
		d.deliveredAt = new Date(started).toISOString();
		try {
			if (secret !== "") {
				d.requestHeaders["X-Hub-Signature"] = `sha1=${createHmac("sha1", secret).update(d.requestBody).digest("hex")}`;
				d.requestHeaders["X-Hub-Signature-256"] = await sign(secret, d.requestBody);
			}
			// GitHub does not follow redirects: a 3xx answer is a failed delivery.
			const signal = AbortSignal.timeout(this.#timeoutMs);
			const res = await this.#fetch(d.url, { method: "POST", headers: d.requestHeaders, body: d.requestBody, redirect: "manual", signal });
			d.statusCode = res.status;
			d.responseBody = await readCapped(res, RESPONSE_KEEP_BYTES);
			d.status = res.ok ? "delivered" : "failed";
			if (!res.ok) d.error = `Invalid HTTP Response: ${res.status}`;
		} catch (err) {
			d.status = "failed";
			d.error = err instanceof DOMException && err.name === "TimeoutError" ? `timed out after ${this.#timeoutMs} ms` : describeError(err);
		}
		d.durationMs = Math.max(0, Math.round(this.#now() - started));
	}
}

/** Reads at most maxBytes of the body and cancels the rest, so a huge answer costs nothing. */
async function readCapped(res: Response, maxBytes: number): Promise<string> {
	if (!res.body) return "";
	const reader = res.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	while (size < maxBytes) {
		const { done, value } = await reader.read();
		if (done) break;
		chunks.push(value);
		size += value.byteLength;
	}
	await reader.cancel();
	// A multi-byte character cut at the limit decodes as U+FFFD rather than failing.
	return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, maxBytes));
}

/** fetch hides the socket error in `cause` ("fetch failed" alone says nothing). */
function describeError(err: unknown): string {
	if (!(err instanceof Error)) return String(err);
	const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
	return `${err.message}${cause}`;
}
