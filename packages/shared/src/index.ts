// Public surface of @foundry/shared: contracts used by backend, client and CLI.
export * from "./actors.ts";
export * from "./auth.ts";
export * from "./errors.ts";
export * from "./limits.ts";
export * from "./parse.ts";
export * from "./schemas/audit.ts";
export * from "./schemas/common.ts";
export * from "./schemas/error.ts";
export * from "./schemas/github.ts";
export * from "./schemas/github.ts";
export * from "./schemas/organization.ts";
export * from "./schemas/repo.ts";
export * from "./schemas/repo-path.ts";
export * from "./schemas/session.ts";
export * from "./schemas/task.ts";
export * from "./schemas/user.ts";
export * from "./schemas/billing.ts";
