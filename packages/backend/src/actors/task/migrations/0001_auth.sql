ALTER TABLE `task_record` ADD `owner_login` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `task_record` ADD `owner_avatar_url` text;