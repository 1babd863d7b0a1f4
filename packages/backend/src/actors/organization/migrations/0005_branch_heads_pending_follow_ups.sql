CREATE TABLE `pending_follow_ups` (
	`task_id` text NOT NULL,
	`id` text NOT NULL,
	`follow_up` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`task_id`, `id`)
);
--> statement-breakpoint
ALTER TABLE `task_summaries` ADD `head_sha` text;