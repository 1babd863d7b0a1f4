CREATE TABLE `events` (
	`session_id` text NOT NULL,
	`idx` integer NOT NULL,
	`sdk_index` integer,
	`sdk_generation` integer DEFAULT 0 NOT NULL,
	`at` integer NOT NULL,
	`sender` text NOT NULL,
	`kind` text NOT NULL,
	`text` text NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`session_id`, `idx`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_sdk_index` ON `events` (`session_id`,`sdk_generation`,`sdk_index`);--> statement-breakpoint
CREATE INDEX `events_kind` ON `events` (`session_id`,`kind`);--> statement-breakpoint
CREATE TABLE `sandbox` (
	`id` integer PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`provider` text NOT NULL,
	`generation` integer NOT NULL,
	`handle` text,
	`repo_ready` integer DEFAULT 0 NOT NULL,
	`default_branch` text,
	`error` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`agent` text NOT NULL,
	`model` text,
	`status` text NOT NULL,
	`error` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer NOT NULL,
	`sdk_record` text,
	`generation` integer DEFAULT 0 NOT NULL,
	`turn_started_at` integer
);
