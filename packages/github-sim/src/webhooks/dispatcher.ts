// Webhook deliveries as GitHub makes them: signed JSON POSTs with GitHub's headers, in order per
// app, each recorded in a delivery log; redelivery resends the same body and delivery guid.
import { randomBytes, randomUUID } from "node:crypto";
import { createHmac } from "node:crypto";
import { sign } from "@octokit/webhooks-methods";

export interface Hook {
	url: string;
	secret: string;
	active?: boolean;
}

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
	status: "pending" | "delivered" | "failed";
	statusCode: number | null;
	responseBody: string | null;
	error: string | null;
	durationMs: number | null;
	deliveredAt: string | null;
	redelivery: boolean;
}

const RESPONSE_KEEP_BYTES = 4096;

export class WebhookDispatcher {
	readonly #hooks = new Map<number, Hook>();
	#log: Delivery[] = [];
	#nextId = 1;
	#chain: Promise<void> = Promise.resolve();
	readonly #fetch: typeof fetch;
	readonly #timeoutMs: number;
	readonly #agent = randomBytes(3).toString("hex");

	constructor(opts: { fetch?: typeof fetch; timeoutMs?: number } = {}) {
		this.#fetch = opts.fetch ?? fetch;
		this.#timeoutMs = opts.timeoutMs ?? 10_000;
	}

	setHook(appId: number, hook: Hook | null): void {
		if (hook) this.#hooks.set(appId, hook);
		else this.#hooks.delete(appId);
	}

	emit(appId: number, event: string, action: string | null, payload: object, opts: { installationId?: number } = {}): Delivery | null {
		const hook = this.#hooks.get(appId);
		if (!hook || hook.active === false) return null;
		// Installation events carry the full installation object; others get GitHub's short form.
		const short = opts.installationId !== undefined && !("installation" in payload);
		const body = JSON.stringify({
			...(action ? { action } : {}),
			...payload,
			...(short ? { installation: { id: opts.installationId, node_id: `MDIz${opts.installationId}` } } : {}),
		});
		const delivery: Delivery = {
			id: this.#nextId++,
			guid: randomUUID(),
			appId,
			event,
			action,
			installationId: opts.installationId ?? null,
			url: hook.url,
			requestHeaders: {},
			requestBody: body,
			status: "pending",
			statusCode: null,
			responseBody: null,
			error: null,
			durationMs: null,
			deliveredAt: null,
			redelivery: false,
		};
		this.#enqueue(delivery, hook);
		return delivery;
	}

	redeliver(id: number): Delivery {
		const original = this.#log.find((d) => d.id === id);
		if (!original) throw new Error(`no delivery ${id}`);
		const hook = this.#hooks.get(original.appId) ?? { url: original.url, secret: "" };
		const copy: Delivery = { ...original, id: this.#nextId++, status: "pending", statusCode: null, responseBody: null, error: null, durationMs: null, deliveredAt: null, redelivery: true };
		this.#enqueue(copy, hook);
		return copy;
	}

	deliveries(filter: { appId?: number; event?: string } = {}): Delivery[] {
		return this.#log.filter((d) => (filter.appId === undefined || d.appId === filter.appId) && (filter.event === undefined || d.event === filter.event)).slice().reverse();
	}

	delivery(id: number): Delivery | undefined {
		return this.#log.find((d) => d.id === id);
	}

	idle(): Promise<void> {
		return this.#chain;
	}

	clear(): void {
		this.#log = [];
	}

	#enqueue(delivery: Delivery, hook: Hook): void {
		this.#log.push(delivery);
		this.#chain = this.#chain.then(() => this.#send(delivery, hook));
	}

	async #send(d: Delivery, hook: Hook): Promise<void> {
		d.requestHeaders = {
			"content-type": "application/json",
			"user-agent": `GitHub-Hookshot/${this.#agent}`,
			"x-github-event": d.event,
			"x-github-delivery": d.guid,
			"x-github-hook-id": String(d.appId),
			"x-github-hook-installation-target-type": "integration",
			"x-github-hook-installation-target-id": String(d.appId),
			"x-hub-signature-256": await sign(hook.secret, d.requestBody),
			"x-hub-signature": `sha1=${createHmac("sha1", hook.secret).update(d.requestBody).digest("hex")}`,
		};
		const started = performance.now();
		try {
			const res = await this.#fetch(d.url, { method: "POST", headers: d.requestHeaders, body: d.requestBody, signal: AbortSignal.timeout(this.#timeoutMs) });
			d.statusCode = res.status;
			d.responseBody = (await res.text()).slice(0, RESPONSE_KEEP_BYTES);
			d.status = res.ok ? "delivered" : "failed";
			if (!res.ok) d.error = `receiver answered ${res.status}`;
		} catch (err) {
			d.status = "failed";
			d.error = err instanceof Error ? err.message : String(err);
		}
		d.durationMs = Math.round(performance.now() - started);
		d.deliveredAt = new Date().toISOString();
	}
}
