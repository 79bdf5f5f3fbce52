import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { first, rows, run, type Db, type Work } from './types';
import { FILE_HITS_PER_FILE, type SearchResult } from './search';
import type { MessageRole } from './schema';
import {
  likeContains,
  mergeRanked,
  postgresLocatePattern,
  postgresPhrasePattern,
  postgresTsQuery,
  segmentsText,
  snippetSegments,
  substringSnippet,
  trigramSnippet,
  wordSnippet,
  type SearchPlan,
  type SearchTerm,
} from '@/lib/search';

/**
 * searchMessages (db/search.ts) on PostgreSQL, with the indexes of db/migrations-pg/0001_search.sql:
 * the same results as SQLite's FTS5 path. Finished messages only (status <> 'streaming', which has
 * no word vector and is outside the partial indexes); every term must match:
 *  - word terms through the `search_words` tsvector (GIN), one to_tsquery of all of them, built from
 *    the plan's words quoted (lib/search.ts, postgresTsQuery) so nothing typed is query syntax;
 *  - substrings of 3+ characters (CJK, Thai, …) with ILIKE, served by the trigram index (pg_trgm),
 *    whose partial predicate the query repeats (public.chat_search_unspaced);
 *  - 1–2 character substrings with ILIKE on the rows the others leave, or, alone, over the newest
 *    finished messages (an index on created_at, read backwards until enough are found).
 * Word matches are ranked by ts_rank (normalised by the log of the length, as bm25 favours the
 * shorter text), newest first on a tie; only the newest RANK_WINDOW matches are ranked. Substring
 * matches alone are not ranked (rank null): newest first.
 *
 * Files attached to messages are searched with the same conditions on `files`, reported as on
 * SQLite: a hit for each of the newest FILE_HITS_PER_FILE messages linking the file, the attachment's
 * name in `file`, both lists merged by rank (mergeRanked). Snippets are cut in lib/search.ts the way
 * FTS5's snippet() cuts them (wordSnippet, trigramSnippet), or with substringSnippet for 1–2
 * character terms alone, from the text or, for a long text, from an excerpt around the first match
 * cut in SQL (never a whole large file over the wire).
 */
export async function searchMessagesPostgres(db: Db, plan: SearchPlan, limit: number): Promise<SearchResult[]> {
  return run(db, () => searchWork(prepare(plan), limit));
}

/** How many of the newest matches are ranked (as RANK_WINDOW in db/search.ts). */
const RANK_WINDOW = 2_000;
/** Words of context in a word snippet, characters in a trigram one (as in db/search.ts). */
const WORD_SNIPPET_TOKENS = 12;
const TRIGRAM_SNIPPET_TOKENS = 24;
/**
 * Excerpts of long texts, in characters: before the first match, and in all. Most messages fit
 * whole, so their snippet is the one SQLite makes; in a longer text the best window is looked for
 * in the excerpt (SQLite looks through the whole text).
 */
const WORD_EXCERPT = { before: 1_000, chars: 4_000 };
const SUBSTRING_EXCERPT = { before: 500, chars: 2_000 };
/** The marker lexeme of a vector whose positions are incomplete (see the migration). */
const INEXACT = "' inexact'";

/** A plan in the forms the queries need. */
type Prepared = {
  plan: SearchPlan;
  /** to_tsquery text of the word terms, or null. */
  words: string | null;
  /** The same with phrases as plain AND, when there are phrases: for vectors marked inexact. */
  loose: string | null;
  /** Patterns of the multi-word terms, checked on the text of an inexact vector's row. */
  phrases: string[];
  /** Substrings of 3+ characters. */
  trigram: string[];
  /** The SQL expression giving the position of the first match in a text, 0 when none. */
  locate: (text: SQL) => SQL;
  excerpt: { before: number; chars: number };
};

function prepare(plan: SearchPlan): Prepared {
  const words = postgresTsQuery(plan.terms);
  const phraseTerms = plan.terms.filter((t): t is SearchTerm & { index: 'words' } => t.index === 'words' && t.text.includes(' '));
  const trigram = plan.terms.flatMap((t) => (t.index === 'trigram' ? [t.text] : []));
  let locate: (text: SQL) => SQL;
  if (words) {
    const pattern = postgresLocatePattern(plan.terms);
    locate = pattern ? (text) => sql`regexp_instr(${text}, ${pattern}, 1, 1, 0, 'i')` : () => sql`0`;
  } else {
    // As snippetsOfFiles on SQLite: the longest substring, found in characters, any case.
    const needle = [...(trigram.length ? trigram : plan.like)].sort((a, b) => b.length - a.length)[0] ?? '';
    locate = (text) => sql`strpos(lower(${text}), lower(${needle}))`;
  }
  return {
    plan,
    words,
    loose: phraseTerms.length ? postgresTsQuery(plan.terms, { phrases: false }) : null,
    phrases: phraseTerms.map(postgresPhrasePattern),
    trigram,
    locate,
    excerpt: words ? WORD_EXCERPT : SUBSTRING_EXCERPT,
  };
}

const tsquery = (text: string) => sql`to_tsquery('public.chat_search', ${text})`;

/**
 * `vector` matches the word terms. A phrase needs word positions: where a long text's are
 * incomplete (its vector carries the marker), its words are matched without them and each phrase is
 * checked on the text instead.
 */
function wordsMatch(p: Prepared, vector: SQL, text: SQL): SQL {
  const exact = sql`${vector} @@ ${tsquery(p.words!)}`;
  if (!p.loose) return exact;
  const recheck = sql.join(
    p.phrases.map((pattern) => sql` AND ${text} ~* ${pattern}`),
    sql``,
  );
  return sql`(${exact} OR (${vector} @@ (${tsquery(p.loose)} && ${INEXACT}::tsquery)${recheck}))`;
}

/**
 * ` AND …` for the substring terms: ILIKE for each, after the trigram index's predicate. Every
 * substring term has a character of an unspaced script (lib/search.ts), so a text containing one has
 * one too: the predicate changes no result, lets the planner use the partial trigram index, and
 * turns away a text without such characters (most of them) before any ILIKE goes through it.
 */
function substringsMatch(p: Prepared, text: SQL): SQL {
  const substrings = [...p.trigram, ...p.plan.like];
  if (substrings.length === 0) return sql``;
  return sql.join(
    [sql` AND public.chat_search_unspaced(${text})`, ...substrings.map((t) => sql` AND ${text} ILIKE ${likeContains(t)} ESCAPE '!'`)],
    sql``,
  );
}

/** Columns of an excerpt of `text`: the whole text when short, else around the first match. */
function excerptColumns(p: Prepared, text: SQL): SQL {
  const { before, chars } = p.excerpt;
  const start = sql`CASE WHEN length(${text}) <= ${chars} THEN 1 ELSE greatest(1, ${p.locate(text)} - ${before}) END`;
  return sql`substr(${text}, x.start, ${chars}) AS excerpt, x.start AS start, length(${text}) AS length
    FROM (SELECT ${start} AS start) x`;
}

type Excerpt = { excerpt: string; start: number; length: number };

function snippetOf(p: Prepared, { excerpt, start, length }: Excerpt): string {
  // In characters, as substr() and length() count them.
  const clipped = { start: start > 1, end: start - 1 + p.excerpt.chars < length };
  if (p.words) return wordSnippet(excerpt, p.plan.terms, WORD_SNIPPET_TOKENS, clipped);
  if (p.trigram.length) return trigramSnippet(excerpt, p.trigram, TRIGRAM_SNIPPET_TOKENS, clipped);
  return substringSnippet(excerpt, p.plan.like, 40, clipped);
}

type Row = {
  messageId: string;
  conversationId: string;
  title: string;
  role: MessageRole;
  createdAt: number;
  /** -ts_rank (lower is better, as bm25), or null when found by substrings alone. */
  rank: number | null;
};

type MessageHit = Row & Excerpt;
/** A file hit before its snippet: the attaching message, the attachment's name, the file. */
type FileLink = Row & { file: string; fileId: string };

function* searchWork(p: Prepared, limit: number): Work<SearchResult[]> {
  const merged = mergeRanked<MessageHit | FileLink>([yield* findInMessages(p, limit), yield* findInFiles(p, limit)], limit);
  // Excerpts only of the files that made it: going through a long text is the costly part.
  const fileIds = [...new Set(merged.flatMap((r) => ('fileId' in r ? [r.fileId] : [])))];
  const fileExcerpts = fileIds.length ? yield* excerptsOfFiles(p, fileIds) : new Map<string, Excerpt>();
  return merged.map((hit) => {
    const excerpt = 'fileId' in hit ? fileExcerpts.get(hit.fileId) : hit;
    const segments = snippetSegments(excerpt ? snippetOf(p, excerpt) : '');
    const { conversationId, messageId, title, role, createdAt } = hit;
    const result: SearchResult = { conversationId, messageId, title, role, createdAt, snippet: segmentsText(segments), segments };
    if ('fileId' in hit) result.file = hit.file;
    return result;
  });
}

function* findInMessages(p: Prepared, limit: number): Work<MessageHit[]> {
  const substrings = substringsMatch(p, sql`m.content`);
  let found: SQL;
  if (p.words) {
    // The newest RANK_WINDOW matches (the GIN index finds them), then the best `limit` of those.
    found = sql`
      WITH hit AS MATERIALIZED (
        SELECT m.id, m.created_at
        FROM messages m
        WHERE ${wordsMatch(p, sql`m.search_words`, sql`m.content`)} AND m.status <> 'streaming'${substrings}
        ORDER BY m.created_at DESC, m.id DESC
        LIMIT ${RANK_WINDOW}
      )
      SELECT hit.id, -ts_rank(r.search_words, ${tsquery(p.words)}, 1) AS rank
      FROM hit
      JOIN messages r ON r.id = hit.id
      ORDER BY rank, hit.created_at DESC, hit.id DESC
      LIMIT ${limit}`;
  } else {
    // Substrings only: the newest matches (through the trigram index when a term is long enough).
    found = sql`
      SELECT m.id, NULL::real AS rank
      FROM messages m
      WHERE m.status <> 'streaming'${substrings}
      ORDER BY m.created_at DESC, m.id DESC
      LIMIT ${limit}`;
  }
  return yield* rows<MessageHit>(sql`
    SELECT m.id AS "messageId", m.conversation_id AS "conversationId", c.title AS title, m.role AS role,
      m.created_at AS "createdAt", f.rank AS rank, e.excerpt, e.start, e.length
    FROM (${found}) f
    JOIN messages m ON m.id = f.id
    JOIN conversations c ON c.id = m.conversation_id
    CROSS JOIN LATERAL (SELECT ${excerptColumns(p, sql`m.content`)}) e
    ORDER BY f.rank, m.created_at DESC, m.id DESC`);
}

/**
 * File hits, without snippets yet: the best `limit` matching files that some message links to,
 * ranked as messages are, then the messages linking each — its newest FILE_HITS_PER_FILE, once per
 * message however often the message attaches the same file.
 */
function* findInFiles(p: Prepared, limit: number): Work<FileLink[]> {
  // No message has a file: one trivial statement instead of the query below.
  if (!first(yield* rows<{ one: number }>(sql`SELECT 1 AS one FROM message_files LIMIT 1`))) return [];
  const substrings = substringsMatch(p, sql`f.text`);
  const linked = sql`EXISTS (SELECT 1 FROM message_files l WHERE l.file_id = f.id)`;

  let hits: SQL;
  if (p.words) {
    hits = sql`
      WITH recent AS MATERIALIZED (
        SELECT f.id, f.created_at
        FROM files f
        WHERE ${wordsMatch(p, sql`f.search_words`, sql`f.text`)}${substrings} AND ${linked}
        ORDER BY f.created_at DESC, f.id DESC
        LIMIT ${RANK_WINDOW}
      )
      SELECT recent.id AS file_id, -ts_rank(r.search_words, ${tsquery(p.words)}, 1) AS rank
      FROM recent
      JOIN files r ON r.id = recent.id
      ORDER BY rank, recent.created_at DESC, recent.id DESC
      LIMIT ${limit}`;
  } else {
    hits = sql`
      SELECT f.id AS file_id, NULL::real AS rank
      FROM files f
      WHERE ${linked}${substrings}
      ORDER BY f.created_at DESC, f.id DESC
      LIMIT ${limit}`;
  }

  return yield* rows<FileLink>(sql`
    WITH hit AS MATERIALIZED (${hits}),
    link AS (
      SELECT hit.file_id, hit.rank, mf.name AS file, m.id AS message_id, m.conversation_id, c.title, m.role, m.created_at,
        row_number() OVER (PARTITION BY hit.file_id ORDER BY m.created_at DESC, m.id DESC) AS nth
      FROM hit
      JOIN message_files mf ON mf.file_id = hit.file_id
      JOIN messages m ON m.id = mf.message_id
      JOIN conversations c ON c.id = m.conversation_id
      WHERE mf.position = (SELECT min(o.position) FROM message_files o WHERE o.message_id = mf.message_id AND o.file_id = mf.file_id)
    )
    SELECT file_id AS "fileId", rank, file, message_id AS "messageId", conversation_id AS "conversationId",
      title, role, created_at AS "createdAt"
    FROM link
    WHERE nth <= ${FILE_HITS_PER_FILE}
    ORDER BY rank, created_at DESC, message_id DESC
    LIMIT ${limit}`);
}

/** Excerpts of these files' texts around the match, by file id. */
function* excerptsOfFiles(p: Prepared, ids: string[]): Work<Map<string, Excerpt>> {
  const found = yield* rows<Excerpt & { fileId: string }>(sql`
    SELECT f.id AS "fileId", e.excerpt, e.start, e.length
    FROM files f
    CROSS JOIN LATERAL (SELECT ${excerptColumns(p, sql`f.text`)}) e
    WHERE f.id IN (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`);
  return new Map(found.map(({ fileId, ...excerpt }) => [fileId, excerpt]));
}
