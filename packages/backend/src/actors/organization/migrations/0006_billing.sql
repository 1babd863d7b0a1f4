CREATE TABLE `billing` (
	`id` integer PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `billing_alerts` (
	`period_start` integer NOT NULL,
	`threshold` integer NOT NULL,
	`sent_at` integer NOT NULL,
	PRIMARY KEY(`period_start`, `threshold`)
);
--> statement-breakpoint
CREATE TABLE `seats` (
	`period_start` integer NOT NULL,
	`user_id` text NOT NULL,
	`login` text NOT NULL,
	`taken_at` integer NOT NULL,
	PRIMARY KEY(`period_start`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `stripe_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `turns` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`task_id` text NOT NULL,
	`user_id` text NOT NULL,
	`login` text NOT NULL,
	`period_start` integer NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`seconds` integer,
	`reported` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `turns_period` ON `turns` (`period_start`);--> statement-breakpoint
CREATE INDEX `turns_running` ON `turns` (`ended_at`);