CREATE TABLE `task_record` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`repo_id` text NOT NULL,
	`repo_url` text NOT NULL,
	`title` text NOT NULL,
	`prompt` text NOT NULL,
	`branch` text NOT NULL,
	`status` text NOT NULL,
	`creator` text NOT NULL,
	`owner` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer NOT NULL
);
