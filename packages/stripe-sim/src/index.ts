// @foundry/stripe-sim: a local, protocol-faithful Stripe (billing subset). See README.md.
export { startStripeSimServer, type StripeSimOptions, type StripeSimServer } from "./server.ts";
export { DEFAULT_API_VERSION, Sim } from "./sim.ts";
export { DEFAULT_WEBHOOK, type Delivery, type WebhookConfig } from "./webhooks/dispatcher.ts";
