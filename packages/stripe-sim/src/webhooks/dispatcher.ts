// Webhook deliveries as Stripe makes them: one JSON POST per event with a fresh Stripe-Signature
// per attempt, sent one at a time in emit order, retried on a non-2xx answer (redirects are not
// followed: Stripe counts them as failures), each recorded in a delivery log.
import { signatureHeader } from "./signature.ts";

export interface WebhookConfig {
	url: string | null;
	secret: string;
	/** Attempts after the first one, on a non-2xx answer or a network error. */
	retries: number;
	/** Delay before retry n is n × retryDelayMs. */
	retryDelayMs: number;
	timeoutMs: number;
}

export type SignatureMode = "valid" | "bad" | "stale";

export interface Delivery {
	id: string;
	eventId: string;
	type: string;
	url: string;
	status: "pending" | "delivered" | "failed";
	attempts: number;
	statusCode: number | null;
	error: string | null;
	signature: SignatureMode;
	redelivery: boolean;
	/** The exact body sent (a redelivery sends the same bytes). */
	payload: string;
}

export const DEFAULT_WEBHOOK: WebhookConfig = { url: null, secret: "whsec_test_sim", retries: 3, retryDelayMs: 50, timeoutMs: 5_000 };
const STALE_SECONDS = 3_600;

export class WebhookDispatcher {
	config: WebhookConfig = { ...DEFAULT_WEBHOOK };
	#log: Delivery[] = [];
	#tail: Promise<void> = Promise.resolve();
	#pending = 0;
	#next = 1;

	configure(update: Partial<WebhookConfig>): WebhookConfig {
		this.config = { ...this.config, ...update };
		return this.config;
	}

	/** Queues one event; null when no endpoint is configured (the event is still recorded by the caller). */
	enqueue(event: { id: string; type: string }, payload: string, opts: { signature?: SignatureMode; redelivery?: boolean } = {}): Delivery | null {
		const url = this.config.url;
		if (!url) return null;
		const delivery: Delivery = {
			id: `dlv_${this.#next++}`,
			eventId: event.id,
			type: event.type,
			url,
			status: "pending",
			attempts: 0,
			statusCode: null,
			error: null,
			signature: opts.signature ?? "valid",
			redelivery: opts.redelivery ?? false,
			payload,
		};
		this.#log.push(delivery);
		this.#pending += 1;
		this.#tail = this.#tail.then(() => this.#deliver(delivery)).finally(() => {
			this.#pending -= 1;
		});
		return { ...delivery };
	}

	/** Sends a logged delivery's event again (same event id, same body), by delivery id or event id. */
	redeliver(id: string): Delivery | null {
		const original = [...this.#log].reverse().find((d) => d.id === id || d.eventId === id);
		if (!original) return null;
		return this.enqueue({ id: original.eventId, type: original.type }, original.payload, { redelivery: true });
	}

	deliveries(): Delivery[] {
		return this.#log.map((d) => ({ ...d }));
	}

	async idle(): Promise<void> {
		while (this.#pending > 0) await this.#tail;
	}

	clear(): void {
		this.#log = [];
	}

	async #deliver(d: Delivery): Promise<void> {
		const { secret, retries, retryDelayMs, timeoutMs } = this.config;
		for (let attempt = 0; attempt <= retries; attempt++) {
			if (attempt > 0) await new Promise((r) => setTimeout(r, attempt * retryDelayMs));
			d.attempts += 1;
			const now = Math.floor(Date.now() / 1000);
			const header =
				d.signature === "bad"
					? signatureHeader(d.payload, `${secret}_wrong`, now)
					: signatureHeader(d.payload, secret, d.signature === "stale" ? now - STALE_SECONDS : now);
			try {
				const res = await fetch(d.url, {
					method: "POST",
					redirect: "manual",
					signal: AbortSignal.timeout(timeoutMs),
					headers: {
						"content-type": "application/json; charset=utf-8",
						"user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
						"cache-control": "no-cache",
						accept: "*/*; q=0.5, application/xml",
						"stripe-signature": header,
					},
					body: d.payload,
				});
				// The body is read and dropped so the connection can be reused.
				await res.arrayBuffer();
				d.statusCode = res.status;
				d.error = res.ok ? null : `HTTP ${res.status}`;
			} catch (err) {
				d.statusCode = null;
				d.error = err instanceof Error ? err.message : String(err);
			}
			if (d.error === null) {
				d.status = "delivered";
				return;
			}
		}
		d.status = "failed";
	}
}
