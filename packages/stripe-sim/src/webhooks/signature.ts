// Stripe's webhook signature: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
import { createHmac } from "node:crypto";

export function sign(payload: string, secret: string, timestamp: number): string {
	return createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
}

export function signatureHeader(payload: string, secret: string, timestamp: number): string {
	return `t=${timestamp},v1=${sign(payload, secret, timestamp)}`;
}
