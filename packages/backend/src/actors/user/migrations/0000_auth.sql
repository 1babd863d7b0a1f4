CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer
);
--> statement-breakpoint
CREATE TABLE `auth_records` (
	`model` text NOT NULL,
	`id` text NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`model`, `id`)
);
--> statement-breakpoint
CREATE TABLE `drafts` (
	`org_id` text NOT NULL,
	`task_id` text NOT NULL,
	`session_id` text NOT NULL,
	`text` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `task_id`, `session_id`)
);
--> statement-breakpoint
CREATE TABLE `feed` (
	`org_id` text NOT NULL,
	`task_id` text NOT NULL,
	`reason` text NOT NULL,
	`bumped_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `task_id`)
);
--> statement-breakpoint
CREATE INDEX `feed_bumped_at` ON `feed` (`bumped_at`);--> statement-breakpoint
CREATE TABLE `memberships` (
	`org_id` text PRIMARY KEY NOT NULL,
	`role` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`avatar_url` text,
	`installation` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` text NOT NULL,
	`task_id` text NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`session_id` text,
	`dedupe_key` text,
	`created_at` integer NOT NULL,
	`read_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_dedupe` ON `notifications` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `notifications_read` ON `notifications` (`read_at`);--> statement-breakpoint
CREATE TABLE `profile` (
	`id` integer PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`github_id` integer NOT NULL,
	`login` text NOT NULL,
	`name` text,
	`email` text,
	`avatar_url` text,
	`default_agent` text,
	`default_model` text,
	`active_org_id` text,
	`orgs_synced_at` integer,
	`orgs_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `task_state` (
	`org_id` text NOT NULL,
	`task_id` text NOT NULL,
	`active_session_id` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `task_id`)
);
--> statement-breakpoint
CREATE TABLE `unread_sessions` (
	`org_id` text NOT NULL,
	`task_id` text NOT NULL,
	`session_id` text NOT NULL,
	`since` integer NOT NULL,
	PRIMARY KEY(`org_id`, `task_id`, `session_id`)
);
