CREATE TABLE `members` (
	`user_id` text PRIMARY KEY NOT NULL,
	`login` text NOT NULL,
	`avatar_url` text,
	`role` text NOT NULL,
	`joined_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `org_profile` (
	`id` integer PRIMARY KEY NOT NULL,
	`login` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`avatar_url` text,
	`installation` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `task_summaries` ADD `owner_login` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `task_summaries` ADD `owner_avatar_url` text;