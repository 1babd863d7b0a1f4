ALTER TABLE `turns` ADD `checked_at` integer;--> statement-breakpoint
ALTER TABLE `turns` ADD `provisional` integer DEFAULT 0 NOT NULL;