-- Only text with a Chinese/Japanese/Korean/Thai/Lao/Khmer/Myanmar character goes into files_trigram,
-- and the GLOB that decides it walks the whole text through a character class: ~70 ms of the one
-- thread for an 800k-character document, on every upload, for no row at all when the text is plain
-- ASCII (most documents). Every character in that class is non-ASCII, so a text whose byte length
-- equals its character length can never match: test that first (a plain count, done in C at memory
-- speed) and skip the GLOB. Same rows indexed as before.
DROP TRIGGER `files_search_ai`;
--> statement-breakpoint
DROP TRIGGER `files_search_ad`;
--> statement-breakpoint
CREATE TRIGGER `files_search_ai` AFTER INSERT ON `files` BEGIN
  INSERT INTO files_fts(rowid, text) VALUES (new.rowid, new.text);
  INSERT INTO files_trigram(rowid, text) SELECT new.rowid, new.text WHERE length(CAST(new.text AS BLOB)) <> length(new.text) AND new.text GLOB '*[㐀-䶿一-鿿ぁ-ヿ가-힣ก-๛ກ-ໝក-៹က-႟]*';
END;
--> statement-breakpoint
CREATE TRIGGER `files_search_ad` AFTER DELETE ON `files` BEGIN
  INSERT INTO files_fts(files_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
  INSERT INTO files_trigram(files_trigram, rowid, text) SELECT 'delete', old.rowid, old.text WHERE length(CAST(old.text AS BLOB)) <> length(old.text) AND old.text GLOB '*[㐀-䶿一-鿿ぁ-ヿ가-힣ก-๛ກ-ໝក-៹က-႟]*';
END;
