ALTER TABLE `sync_state` ADD `repos_etag` text;--> statement-breakpoint
ALTER TABLE `synced_repos` ADD `data` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `synced_repos` ADD `pulls_etag` text;--> statement-breakpoint
ALTER TABLE `synced_repos` ADD `pulls_pages` integer;