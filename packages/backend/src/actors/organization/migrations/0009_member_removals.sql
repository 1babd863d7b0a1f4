CREATE TABLE `member_removals` (
	`login` text PRIMARY KEY NOT NULL,
	`removed_at` integer NOT NULL
);
