ALTER TABLE `sync_state` ADD `repos_memo` text;--> statement-breakpoint
ALTER TABLE `synced_repos` ADD `pulls_memo` text;