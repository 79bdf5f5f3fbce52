-- Full-text search over finished messages (a reply is indexed once it stops streaming, so the
-- 300 ms progress saves never churn the index). Two external-content FTS5 indexes on messages:
--  * messages_fts: words; case- and diacritic-insensitive (cafe finds café), prefix queries.
--  * messages_trigram: substrings of 3+ characters, only for messages containing scripts written
--    without spaces (Chinese, Japanese, Korean, Thai, Lao, Khmer, Myanmar), where words can't be split.
CREATE VIRTUAL TABLE `messages_fts` USING fts5(content, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE VIRTUAL TABLE `messages_trigram` USING fts5(content, content='messages', content_rowid='rowid', tokenize='trigram remove_diacritics 1');
--> statement-breakpoint
CREATE TRIGGER `messages_search_ai` AFTER INSERT ON `messages` BEGIN
  INSERT INTO messages_fts(rowid, content) SELECT new.rowid, new.content WHERE new.status <> 'streaming' AND new.content <> '';
  INSERT INTO messages_trigram(rowid, content) SELECT new.rowid, new.content WHERE new.status <> 'streaming' AND new.content GLOB '*[㐀-䶿一-鿿ぁ-ヿ가-힣ก-๛ກ-ໝក-៹က-႟]*';
END;
--> statement-breakpoint
CREATE TRIGGER `messages_search_ad` AFTER DELETE ON `messages` BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) SELECT 'delete', old.rowid, old.content WHERE old.status <> 'streaming' AND old.content <> '';
  INSERT INTO messages_trigram(messages_trigram, rowid, content) SELECT 'delete', old.rowid, old.content WHERE old.status <> 'streaming' AND old.content GLOB '*[㐀-䶿一-鿿ぁ-ヿ가-힣ก-๛ກ-ໝក-៹က-႟]*';
END;
--> statement-breakpoint
CREATE TRIGGER `messages_search_au` AFTER UPDATE OF content, status ON `messages` BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) SELECT 'delete', old.rowid, old.content WHERE old.status <> 'streaming' AND old.content <> '';
  INSERT INTO messages_trigram(messages_trigram, rowid, content) SELECT 'delete', old.rowid, old.content WHERE old.status <> 'streaming' AND old.content GLOB '*[㐀-䶿一-鿿ぁ-ヿ가-힣ก-๛ກ-ໝក-៹က-႟]*';
  INSERT INTO messages_fts(rowid, content) SELECT new.rowid, new.content WHERE new.status <> 'streaming' AND new.content <> '';
  INSERT INTO messages_trigram(rowid, content) SELECT new.rowid, new.content WHERE new.status <> 'streaming' AND new.content GLOB '*[㐀-䶿一-鿿ぁ-ヿ가-힣ก-๛ກ-ໝក-៹က-႟]*';
END;
--> statement-breakpoint
INSERT INTO messages_fts(rowid, content) SELECT rowid, content FROM messages WHERE status <> 'streaming' AND content <> '';
--> statement-breakpoint
INSERT INTO messages_trigram(rowid, content) SELECT rowid, content FROM messages WHERE status <> 'streaming' AND content GLOB '*[㐀-䶿一-鿿ぁ-ヿ가-힣ก-๛ກ-ໝក-៹က-႟]*';
