CREATE TABLE `changes` (
	`id` integer PRIMARY KEY NOT NULL,
	`summary` text NOT NULL,
	`diffs` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `git_results` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`op` text NOT NULL,
	`ok` integer NOT NULL,
	`message` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `session_index` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`agent` text NOT NULL,
	`model` text,
	`status` text NOT NULL,
	`error` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `follow_ups` ADD `sent_at` integer;