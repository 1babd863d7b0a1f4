ALTER TABLE `sync_state` DROP COLUMN `repos_etag`;--> statement-breakpoint
ALTER TABLE `synced_repos` DROP COLUMN `pulls_etag`;--> statement-breakpoint
ALTER TABLE `synced_repos` DROP COLUMN `pulls_pages`;