// Seed files and the demo world. A seed describes users, orgs (with members), repositories
// (with files for an initial commit), the app's webhook and installations.
import { z } from "zod";

export const seedSchema = z.object({
	users: z.array(z.object({ login: z.string(), name: z.string().optional(), email: z.string().optional() })).default([]),
	orgs: z
		.array(
			z.object({
				login: z.string(),
				name: z.string().optional(),
				basePermission: z.enum(["admin", "maintain", "write", "triage", "read", "none"]).optional(),
				members: z.array(z.object({ login: z.string(), role: z.enum(["admin", "member"]).default("member") })).default([]),
			}),
		)
		.default([]),
	repos: z
		.array(
			z.object({
				owner: z.string(),
				name: z.string(),
				private: z.boolean().default(true),
				defaultBranch: z.string().default("main"),
				description: z.string().default(""),
				files: z.record(z.string(), z.string()).optional(),
				branches: z.array(z.string()).default([]),
			}),
		)
		.default([]),
	app: z
		.object({ name: z.string().default("Foundry"), owner: z.string().optional(), webhookUrl: z.string().nullable().default(null) })
		.optional(),
	installations: z
		.array(z.object({ account: z.string(), repositories: z.union([z.literal("all"), z.array(z.string())]).default("all") }))
		.default([]),
});
export type Seed = z.infer<typeof seedSchema>;

/** An org with two repositories with real commits, two users, the app installed. */
export const DEMO_SEED: Seed = seedSchema.parse({
	users: [
		{ login: "octocat", name: "The Octocat", email: "octocat@example.com" },
		{ login: "hubot", name: "Hubot", email: "hubot@example.com" },
	],
	orgs: [
		{
			login: "acme",
			name: "Acme Corp",
			members: [
				{ login: "octocat", role: "admin" },
				{ login: "hubot", role: "member" },
			],
		},
	],
	repos: [
		{
			owner: "acme",
			name: "widgets",
			description: "Widgets, as a service",
			files: { "README.md": "# widgets\n", "src/index.ts": "export const widgets = [];\n" },
			branches: ["feature/sprockets"],
		},
		{ owner: "acme", name: "docs", private: false, files: { "README.md": "# docs\n" } },
	],
	app: { name: "Foundry", owner: "acme" },
	installations: [{ account: "acme", repositories: "all" }],
});
