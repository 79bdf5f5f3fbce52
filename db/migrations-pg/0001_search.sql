-- Full-text search on PostgreSQL, the same behaviour as SQLite's FTS5 indexes (db/migrations/0002,
-- 0005, 0007), queried by db/search-postgres.ts:
--  * Words: a tsvector of every finished message and of every file's text (generated columns
--    `search_words`, GIN indexes). The text is first split into words at anything that is not a
--    letter, digit or mark, as SQLite's unicode61 tokenizer does ("node.js" is the two words node
--    and js, a URL or an e-mail address is its words, never one token of the default parser), then
--    unaccented and lowercased by the `chat_search` configuration: cafe ⇄ café ⇄ CAFÉ. Queries are
--    built with the same configuration (to_tsquery('public.chat_search', …)), so both sides fold alike.
--    A streaming reply has no vector (NULL) until it finishes, so the progress saves never touch it.
--  * Substrings: trigram GIN indexes (pg_trgm) for ILIKE '%…%', only on the texts that contain
--    Chinese, Japanese, Korean, Thai, Lao, Khmer or Myanmar characters (the ranges of SQLite's GLOB
--    and of lib/search.ts), scripts written without spaces between words.
-- Everything named inside function bodies is schema-qualified: they also run with an empty
-- search_path (a restore recomputes the generated columns).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION public.chat_search (COPY = pg_catalog.simple);
--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION public.chat_search
  ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, hword_part, hword_numpart
  WITH unaccent, simple;
--> statement-breakpoint
-- The text with every run of separators replaced by one space: ASCII punctuation and symbols, Latin-1
-- and general punctuation, arrows and other symbols, CJK and fullwidth punctuation, emoji. What is
-- left are words the parser reads as plain words (no host, URL, e-mail, file, tag tokens). A run of
-- an unspaced script stays one word, as in SQLite's index: never a word term (those are substrings),
-- but it keeps the words around it apart, so phrases match alike.
CREATE FUNCTION public.chat_search_words(doc text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN pg_catalog.regexp_replace(doc, '[\x01-\x2F\x3A-\x40\x5B-\x60\x7B-\x7F\u0080-\u00A9\u00AB-\u00B1\u00B4\u00B6-\u00B8\u00BB\u00BF\u00D7\u00F7\u2000-\u206F\u20A0-\u20CF\u2100-\u214F\u2190-\u2BFF\u2E00-\u2E7F\u3000-\u3004\u3008-\u3020\u3030\u303D-\u303F\uFE10-\uFE1F\uFE30-\uFE4F\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65\U0001F000-\U0001FAFF]+', ' ', 'g');
--> statement-breakpoint
-- Whether a text contains a character of the unspaced scripts. Every one of them is non-ASCII: a text
-- whose byte length equals its character length (most documents) is answered without the regex
-- (a CASE, so that the planner keeps that order).
CREATE FUNCTION public.chat_search_unspaced(doc text) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE
    WHEN pg_catalog.octet_length(doc) = pg_catalog.length(doc) THEN false
    ELSE doc OPERATOR(pg_catalog.~) '[㐀-䶿一-鿿ぁ-ヿ가-힣ก-๛ກ-ໝក-៹က-႟]'
  END;
--> statement-breakpoint
-- The word vector of a text. A tsvector has limits SQLite's index has not: at most 1 MB of lexemes and
-- positions, positions up to 16383, at most 255 positions per lexeme. A text too large for one
-- (a long file) gets its distinct words without positions, as many as fit in order of appearance,
-- instead of failing the insert. A vector whose positions are incomplete (clamped, capped or absent)
-- carries the marker lexeme ' inexact' (no query word can contain a space): an exact phrase is then
-- checked against the text itself (db/search-postgres.ts) rather than trusted to the positions.
CREATE FUNCTION public.chat_search_vector(doc text) RETURNS tsvector
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $fn$
DECLARE
  words text := public.chat_search_words(doc);
  vector tsvector;
BEGIN
  IF words IS NULL THEN
    RETURN NULL;
  END IF;
  -- At most 3 bytes of vector per byte of text: up to here it always fits.
  IF pg_catalog.octet_length(words) <= 340000 THEN
    vector := pg_catalog.to_tsvector('public.chat_search', words);
  ELSE
    BEGIN
      vector := pg_catalog.to_tsvector('public.chat_search', words);
    EXCEPTION WHEN program_limit_exceeded THEN
      RETURN (
        SELECT pg_catalog.array_to_tsvector(pg_catalog.array_append(pg_catalog.array_agg(k.lexeme), ' inexact'))
        FROM (
          SELECT l.lexeme, pg_catalog.sum(pg_catalog.octet_length(l.lexeme)) OVER (ORDER BY l.part, l.lexeme) AS used
          FROM (
            SELECT v.lexeme, pg_catalog.min(c.part) AS part
            FROM (
              -- Parts of at most 3000 words of at most 200 bytes: each part's vector fits.
              SELECT (s.n - 1) / 3000 AS part, pg_catalog.string_agg(s.word, ' ') AS text
              FROM pg_catalog.string_to_table(words, ' ') WITH ORDINALITY AS s(word, n)
              WHERE pg_catalog.octet_length(s.word) BETWEEN 1 AND 200
              GROUP BY 1
            ) c
            CROSS JOIN LATERAL pg_catalog.unnest(pg_catalog.strip(pg_catalog.to_tsvector('public.chat_search', c.text))) AS v
            GROUP BY v.lexeme
          ) l
        ) k
        WHERE k.used <= 1000000);
    END;
  END IF;
  -- 255 positions of one word need at least 510 bytes of text.
  IF pg_catalog.octet_length(words) >= 510 AND EXISTS (
    SELECT 1 FROM pg_catalog.unnest(vector) AS u
    WHERE pg_catalog.cardinality(u.positions) >= 255 OR u.positions[pg_catalog.cardinality(u.positions)] >= 16383
  ) THEN
    vector := vector OPERATOR(pg_catalog.||) pg_catalog.array_to_tsvector(ARRAY[' inexact']);
  END IF;
  RETURN vector;
END
$fn$;
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "search_words" tsvector
  GENERATED ALWAYS AS (CASE WHEN "status" <> 'streaming' THEN public.chat_search_vector("content") END) STORED;
--> statement-breakpoint
ALTER TABLE "files" ADD COLUMN "search_words" tsvector GENERATED ALWAYS AS (public.chat_search_vector("text")) STORED;
--> statement-breakpoint
CREATE INDEX "messages_search_words_idx" ON "messages" USING gin ("search_words") WHERE "status" <> 'streaming';
--> statement-breakpoint
CREATE INDEX "files_search_words_idx" ON "files" USING gin ("search_words");
--> statement-breakpoint
CREATE INDEX "messages_search_trigram_idx" ON "messages" USING gin ("content" gin_trgm_ops)
  WHERE "status" <> 'streaming' AND public.chat_search_unspaced("content");
--> statement-breakpoint
CREATE INDEX "files_search_trigram_idx" ON "files" USING gin ("text" gin_trgm_ops) WHERE public.chat_search_unspaced("text");
--> statement-breakpoint
-- Newest finished messages first: the window of matches that are ranked, and the scan for 1–2
-- character terms, read it backwards and stop early.
CREATE INDEX "messages_search_recent_idx" ON "messages" ("created_at") WHERE "status" <> 'streaming';
