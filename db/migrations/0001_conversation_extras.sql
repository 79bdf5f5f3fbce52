ALTER TABLE `conversations` ADD `pinned_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `settings` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `source` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `source_id` text;--> statement-breakpoint
CREATE INDEX `conversations_pinned_idx` ON `conversations` (`pinned_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `conversations_source_idx` ON `conversations` (`source`,`source_id`);