CREATE TABLE `follow_ups` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`author` text NOT NULL,
	`body` text NOT NULL,
	`path` text,
	`line` integer,
	`url` text NOT NULL,
	`created_at` integer NOT NULL
);
