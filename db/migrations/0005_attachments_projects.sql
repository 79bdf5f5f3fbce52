CREATE TABLE `files` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`media_type` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`text` text NOT NULL,
	`tokens` integer NOT NULL,
	`pages` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `message_files` (
	`message_id` text NOT NULL,
	`position` integer NOT NULL,
	`file_id` text NOT NULL,
	`name` text NOT NULL,
	PRIMARY KEY(`message_id`, `position`),
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`file_id`) REFERENCES `files`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `message_files_file_idx` ON `message_files` (`file_id`);--> statement-breakpoint
CREATE TABLE `project_files` (
	`project_id` text NOT NULL,
	`position` integer NOT NULL,
	`file_id` text NOT NULL,
	`name` text NOT NULL,
	PRIMARY KEY(`project_id`, `position`),
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`file_id`) REFERENCES `files`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `project_files_file_idx` ON `project_files` (`file_id`);--> statement-breakpoint
CREATE TABLE `projects` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`instructions` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `projects_updated_idx` ON `projects` (`updated_at`,`id`);--> statement-breakpoint
ALTER TABLE `conversations` ADD `project_id` text REFERENCES projects(id) ON DELETE SET NULL;--> statement-breakpoint
CREATE INDEX `conversations_project_idx` ON `conversations` (`project_id`,`updated_at`);--> statement-breakpoint
-- Search inside attached files: files are immutable, so only inserts and deletes touch the indexes.
-- Same tokenizers as messages_fts / messages_trigram (0002_search_index.sql).
CREATE VIRTUAL TABLE `files_fts` USING fts5(text, content='files', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE VIRTUAL TABLE `files_trigram` USING fts5(text, content='files', content_rowid='rowid', tokenize='trigram remove_diacritics 1');
--> statement-breakpoint
CREATE TRIGGER `files_search_ai` AFTER INSERT ON `files` BEGIN
  INSERT INTO files_fts(rowid, text) VALUES (new.rowid, new.text);
  INSERT INTO files_trigram(rowid, text) SELECT new.rowid, new.text WHERE new.text GLOB '*[㐀-䶿一-鿿ぁ-ヿ가-힣ก-๛ກ-ໝក-៹က-႟]*';
END;
--> statement-breakpoint
CREATE TRIGGER `files_search_ad` AFTER DELETE ON `files` BEGIN
  INSERT INTO files_fts(files_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
  INSERT INTO files_trigram(files_trigram, rowid, text) SELECT 'delete', old.rowid, old.text WHERE old.text GLOB '*[㐀-䶿一-鿿ぁ-ヿ가-힣ก-๛ກ-ໝក-៹က-႟]*';
END;
