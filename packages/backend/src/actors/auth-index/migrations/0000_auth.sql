CREATE TABLE `account_index` (
	`provider_id` text NOT NULL,
	`account_id` text NOT NULL,
	`record_id` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`provider_id`, `account_id`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `account_index_record_id_unique` ON `account_index` (`record_id`);--> statement-breakpoint
CREATE TABLE `api_token_index` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`token_id` text NOT NULL,
	`user_id` text NOT NULL,
	`expires_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_token_index_token_id_unique` ON `api_token_index` (`token_id`);--> statement-breakpoint
CREATE INDEX `api_token_index_user` ON `api_token_index` (`user_id`);--> statement-breakpoint
CREATE TABLE `email_index` (
	`email` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `records` (
	`model` text NOT NULL,
	`id` text NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`model`, `id`)
);
--> statement-breakpoint
CREATE TABLE `session_index` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`user_id` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `session_index_session_id_unique` ON `session_index` (`session_id`);--> statement-breakpoint
CREATE INDEX `session_index_user` ON `session_index` (`user_id`);