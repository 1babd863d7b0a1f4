CREATE TABLE `github_status` (
	`id` integer PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `repos` ADD `github_full_name` text;--> statement-breakpoint
ALTER TABLE `repos` ADD `github_generation` integer;--> statement-breakpoint
ALTER TABLE `task_index` ADD `virtual` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `task_summaries` ADD `pr_number` integer;--> statement-breakpoint
ALTER TABLE `task_summaries` ADD `pr_url` text;