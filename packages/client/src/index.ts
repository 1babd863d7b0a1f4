// @foundry/client: the typed API for the web UI, the CLI and scripts.
export { createFoundryClient, DEFAULT_ENDPOINT, FoundryClient, type FoundryClientOptions, type HealthReport } from "./client.ts";
export { toFoundryError } from "./errors.ts";
export { applyChange, sortTasks } from "./reduce.ts";
export type { SubscribeOptions, Subscription } from "./subscriptions.ts";
export * from "@foundry/shared";
