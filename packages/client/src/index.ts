// @foundry/client: the typed API for the web UI, the CLI and scripts.
export type { CheckoutSession, UsageGrouping } from "./billing-api.ts";
export { bufferingFetch, installBrowserFetchFix } from "./browser-fetch.ts";
export { createFoundryClient, DEFAULT_ENDPOINT, FoundryClient, type FoundryClientOptions, type HealthReport } from "./client.ts";
export { toFoundryError } from "./errors.ts";
export { applyChange, sortTasks } from "./reduce.ts";
export type { SubscribeOptions, Subscription } from "./subscriptions.ts";
export type { MergeInput, PermissionReply, PublishPrInput } from "./task-api.ts";
export type { TaskHandlers } from "./task-events.ts";
export { type MergeResult, readTranscript, TranscriptMerge } from "./transcript.ts";
export * from "@foundry/shared";
