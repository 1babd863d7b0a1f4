CREATE TABLE `deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`event` text NOT NULL,
	`action` text,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sync_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`installation_id` integer,
	`installation` text NOT NULL,
	`phase` text NOT NULL,
	`processed` integer NOT NULL,
	`total` integer NOT NULL,
	`generation` integer NOT NULL,
	`last_synced_at` integer,
	`rate_limited_until` integer,
	`error` text,
	`requests` integer NOT NULL,
	`not_modified` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `synced_repos` (
	`full_name` text PRIMARY KEY NOT NULL,
	`github_id` integer NOT NULL,
	`generation` integer NOT NULL,
	`position` integer NOT NULL
);
