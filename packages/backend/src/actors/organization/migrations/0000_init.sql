CREATE TABLE `projection_meta` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `repos` (
	`id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`source` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `repos_url_unique` ON `repos` (`url`);--> statement-breakpoint
CREATE TABLE `runtime_issues` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`actor_name` text NOT NULL,
	`actor_key` text NOT NULL,
	`command` text NOT NULL,
	`code` text NOT NULL,
	`message` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`cleared_at` integer
);
--> statement-breakpoint
CREATE INDEX `runtime_issues_open` ON `runtime_issues` (`cleared_at`);--> statement-breakpoint
CREATE TABLE `task_index` (
	`task_id` text PRIMARY KEY NOT NULL,
	`repo_id` text NOT NULL,
	`branch` text NOT NULL,
	`request_id` text,
	`created_at` integer NOT NULL,
	`title` text NOT NULL,
	`prompt` text NOT NULL,
	`creator` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `task_index_repo_branch` ON `task_index` (`repo_id`,`branch`);--> statement-breakpoint
CREATE UNIQUE INDEX `task_index_request_id` ON `task_index` (`request_id`);--> statement-breakpoint
CREATE TABLE `task_summaries` (
	`task_id` text PRIMARY KEY NOT NULL,
	`repo_id` text NOT NULL,
	`title` text NOT NULL,
	`status` text NOT NULL,
	`branch` text NOT NULL,
	`owner` text NOT NULL,
	`updated_at` integer NOT NULL,
	`pr_state` text,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `task_summaries_updated_at` ON `task_summaries` (`updated_at`);--> statement-breakpoint
CREATE INDEX `task_summaries_repo` ON `task_summaries` (`repo_id`);