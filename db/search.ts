import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { first, isPostgres, rows, run, type Db, type Work } from './types';
import { searchMessagesPostgres } from './search-postgres';
import type { MessageRole } from './schema';
import {
  likeContains,
  MARK_END,
  MARK_START,
  mergeRanked,
  planSearch,
  segmentsText,
  snippetSegments,
  substringSnippet,
  type SearchPlan,
  type SnippetSegment,
} from '@/lib/search';

export type SearchResult = {
  conversationId: string;
  messageId: string;
  title: string;
  role: MessageRole;
  createdAt: number;
  /** The snippet as plain text ("…" where the message, or the file, was cut). */
  snippet: string;
  /** The same text split into runs, `highlight` on the matched words. */
  segments: SnippetSegment[];
  /** Set when the match is in a file attached to the message: the name it was attached under. */
  file?: string;
};

type Row = {
  messageId: string;
  conversationId: string;
  title: string;
  role: MessageRole;
  createdAt: number;
  snippet: string;
  /** bm25 of the index that matched (lower is better), or null when found by a substring scan. */
  rank: number | null;
};

type Index = 'messages_fts' | 'messages_trigram' | 'files_fts' | 'files_trigram';

/** Words of context in a word-index snippet; a trigram "token" is one character, so it gets more. */
const WORD_SNIPPET_TOKENS = 12;
const TRIGRAM_SNIPPET_TOKENS = 24;
/** How many of the newest matches are ranked (see searchMessages). */
const RANK_WINDOW = 2_000;
/** A file attached to many messages is reported for its newest this many. */
export const FILE_HITS_PER_FILE = 3;
/** Characters of a file's text handed to substringSnippet (LIKE-only queries), before and in all. */
const EXCERPT_BEFORE = 60;
const EXCERPT_CHARS = 240;

/**
 * Finished messages matching a query (what the user typed, turned into safe FTS5 expressions by
 * lib/search.ts), best first; each message at most once for its own text, with a snippet around the
 * match. Streaming replies are not indexed until they finish; a deleted conversation's messages
 * leave the indexes with it (triggers in migration 0002).
 *
 * Files attached to user messages are searched too, with the same expressions on their own indexes
 * (files_fts / files_trigram, migration 0005), as a second query that costs next to nothing when
 * there are no files. A file hit is a result for the message it is attached to, with `file` set to
 * the attachment's name and the snippet taken from the file's text; a file attached to several
 * messages gives one result for each of its newest FILE_HITS_PER_FILE. Only files linked to a
 * message (message_files, which goes with its conversation) are found. Both lists are merged by
 * bm25, each index's score as it is (see mergeRanked in lib/search.ts).
 */
export async function searchMessages(db: Db, query: string | SearchPlan, limit: number): Promise<SearchResult[]> {
  const plan = typeof query === 'string' ? planSearch(query) : query;
  if (!plan) return [];
  if (isPostgres(db)) return searchMessagesPostgres(db, plan, limit);
  return run(db, () => searchWork(plan, limit));
}

function* searchWork(plan: SearchPlan, limit: number): Work<SearchResult[]> {
  const merged = mergeRanked<Row | FileLink>([yield* findInMessages(plan, limit), yield* findInFiles(plan, limit)], limit);
  // Snippets only of the files that made it: going through a long text is the costly part.
  const fileRowids = [...new Set(merged.flatMap((r) => ('fileRowid' in r ? [r.fileRowid] : [])))];
  const fileSnippets = fileRowids.length ? yield* snippetsOfFiles(plan, fileRowids) : new Map<number, string>();
  return merged.map((hit) => {
    const raw = 'fileRowid' in hit ? (fileSnippets.get(hit.fileRowid) ?? '') : hit.snippet;
    const segments = snippetSegments(raw);
    const { conversationId, messageId, title, role, createdAt } = hit;
    const result: SearchResult = { conversationId, messageId, title, role, createdAt, snippet: segmentsText(segments), segments };
    if ('fileRowid' in hit) result.file = hit.file;
    return result;
  });
}

/** `AND column LIKE '%…%'` for every term too short for trigrams. */
function likeAll(column: SQL, plan: SearchPlan): SQL {
  return sql.join(
    plan.like.map((text) => sql` AND ${column} LIKE ${likeContains(text)} ESCAPE '!'`),
    sql``,
  );
}

/**
 * A word found in a large share of all rows would rank (and snippet) every one of them: rank only
 * the newest RANK_WINDOW matches. Found by rowid (insertion order), which the index serves fast.
 */
function* recentFloor(table: Index, match: string): Work<SQL> {
  const floor = first(yield* rows<{ floor: number | null }>(sql`
    SELECT min(rowid) AS floor FROM (
      SELECT rowid FROM ${sql.raw(table)} WHERE ${sql.raw(table)} MATCH ${match} ORDER BY rowid DESC LIMIT ${RANK_WINDOW})`));
  return floor?.floor ? sql` AND ${sql.raw(table)}.rowid >= ${floor.floor}` : sql``;
}

function* findInMessages(plan: SearchPlan, limit: number): Work<Row[]> {
  const like = likeAll(sql`m.content`, plan);
  const columns = sql`m.id AS messageId, m.conversation_id AS conversationId, c.title AS title, m.role AS role,
    m.created_at AS createdAt`;

  if (plan.words) {
    // Words drive (ranked by the word index); substrings in CJK etc. narrow the rows further.
    const trigram: SQL = plan.trigram
      ? sql` AND m.rowid IN (SELECT rowid FROM messages_trigram WHERE messages_trigram MATCH ${plan.trigram})`
      : sql``;
    return yield* rows<Row>(sql`
      SELECT ${columns}, bm25(messages_fts) AS rank,
        snippet(messages_fts, 0, ${MARK_START}, ${MARK_END}, '…', ${WORD_SNIPPET_TOKENS}) AS snippet
      FROM messages_fts
      JOIN messages m ON m.rowid = messages_fts.rowid
      JOIN conversations c ON c.id = m.conversation_id
      WHERE messages_fts MATCH ${plan.words}${yield* recentFloor('messages_fts', plan.words)} AND m.status <> 'streaming'${trigram}${like}
      ORDER BY bm25(messages_fts), m.created_at DESC
      LIMIT ${limit}`);
  }
  if (plan.trigram) {
    return yield* rows<Row>(sql`
      SELECT ${columns}, bm25(messages_trigram) AS rank,
        snippet(messages_trigram, 0, ${MARK_START}, ${MARK_END}, '…', ${TRIGRAM_SNIPPET_TOKENS}) AS snippet
      FROM messages_trigram
      JOIN messages m ON m.rowid = messages_trigram.rowid
      JOIN conversations c ON c.id = m.conversation_id
      WHERE messages_trigram MATCH ${plan.trigram}${yield* recentFloor('messages_trigram', plan.trigram)} AND m.status <> 'streaming'${like}
      ORDER BY bm25(messages_trigram), m.created_at DESC
      LIMIT ${limit}`);
  }
  // Only 1–2 character CJK/Thai/… terms: too short for trigrams, so a scan, newest first.
  const found = yield* rows<Omit<Row, 'snippet' | 'rank'> & { content: string }>(sql`
    SELECT ${columns}, m.content AS content
    FROM messages m
    JOIN conversations c ON c.id = m.conversation_id
    WHERE m.status <> 'streaming'${like}
    ORDER BY m.created_at DESC
    LIMIT ${limit}`);
  return found.map(({ content, ...row }) => ({ ...row, rank: null, snippet: substringSnippet(content, plan.like) }));
}

/** A file hit before its snippet: the attaching message, the attachment's name, the file's rowid. */
type FileLink = Omit<Row, 'snippet'> & { file: string; fileRowid: number };

/** The file index a plan is ranked in (as for messages: words drive), with its MATCH expression. */
function fileIndex(plan: SearchPlan): { index: Index; match: string } | null {
  if (plan.words) return { index: 'files_fts', match: plan.words };
  if (plan.trigram) return { index: 'files_trigram', match: plan.trigram };
  return null;
}

/**
 * File hits, without snippets yet (a file's text can be long: snippetsOfFiles runs for the ones
 * that make the merged results): the best `limit` matching files that some message links to,
 * ranked as messages are, then the messages linking each — its newest FILE_HITS_PER_FILE, once per
 * message however often the message attaches the same file.
 */
function* findInFiles(plan: SearchPlan, limit: number): Work<FileLink[]> {
  // No message has a file: one trivial statement, instead of preparing the queries below.
  if (!first(yield* rows<{ one: number }>(sql`SELECT 1 AS one FROM message_files LIMIT 1`))) return [];
  const like = likeAll(sql`f.text`, plan);
  const linked = sql`EXISTS (SELECT 1 FROM message_files l WHERE l.file_id = f.id)`;
  const ranked = fileIndex(plan);

  let hits: SQL;
  if (ranked) {
    const { index, match } = ranked;
    const trigram: SQL =
      plan.words && plan.trigram
        ? sql` AND f.rowid IN (SELECT rowid FROM files_trigram WHERE files_trigram MATCH ${plan.trigram})`
        : sql``;
    hits = sql`
      SELECT f.rowid AS fileRowid, f.id AS fileId, bm25(${sql.raw(index)}) AS rank
      FROM ${sql.raw(index)}
      JOIN files f ON f.rowid = ${sql.raw(index)}.rowid
      WHERE ${sql.raw(index)} MATCH ${match}${yield* recentFloor(index, match)}${trigram}${like} AND ${linked}
      ORDER BY bm25(${sql.raw(index)}), f.rowid DESC
      LIMIT ${limit}`;
  } else {
    // Only 1–2 character CJK/Thai/… terms, as for messages: a scan, newest files first.
    hits = sql`
      SELECT f.rowid AS fileRowid, f.id AS fileId, NULL AS rank
      FROM files f
      WHERE ${linked}${like}
      ORDER BY f.rowid DESC
      LIMIT ${limit}`;
  }

  return yield* rows<FileLink>(sql`
    WITH hit AS MATERIALIZED (${hits}),
    link AS (
      SELECT hit.fileRowid, hit.rank, mf.name AS file, m.id AS messageId, m.conversation_id AS conversationId,
        c.title AS title, m.role AS role, m.created_at AS createdAt,
        row_number() OVER (PARTITION BY hit.fileRowid ORDER BY m.created_at DESC, m.id DESC) AS nth
      FROM hit
      JOIN message_files mf ON mf.file_id = hit.fileId
      JOIN messages m ON m.id = mf.message_id
      JOIN conversations c ON c.id = m.conversation_id
      WHERE mf.position = (SELECT min(p.position) FROM message_files p WHERE p.message_id = mf.message_id AND p.file_id = mf.file_id)
    )
    SELECT fileRowid, rank, file, messageId, conversationId, title, role, createdAt
    FROM link
    WHERE nth <= ${FILE_HITS_PER_FILE}
    ORDER BY rank, createdAt DESC
    LIMIT ${limit}`);
}

/** Snippets of these files' texts around the match, by file rowid. */
function* snippetsOfFiles(plan: SearchPlan, rowids: number[]): Work<Map<number, string>> {
  const ranked = fileIndex(plan);
  const inRowids = sql.join(
    rowids.map((id) => sql`${id}`),
    sql`, `,
  );
  const snippets = new Map<number, string>();
  if (ranked) {
    const { index, match } = ranked;
    const tokens = index === 'files_fts' ? WORD_SNIPPET_TOKENS : TRIGRAM_SNIPPET_TOKENS;
    const found = yield* rows<{ fileRowid: number; snippet: string }>(sql`
      SELECT rowid AS fileRowid, snippet(${sql.raw(index)}, 0, ${MARK_START}, ${MARK_END}, '…', ${tokens}) AS snippet
      FROM ${sql.raw(index)}
      WHERE ${sql.raw(index)} MATCH ${match} AND rowid IN (${inRowids})`);
    for (const s of found) snippets.set(s.fileRowid, s.snippet);
  } else {
    // Cut an excerpt around the first occurrence in SQL, rather than bring whole texts over.
    // lower() folds ASCII only, as LIKE does; positions are in characters, as in substringSnippet.
    const needle = [...plan.like].sort((a, b) => b.length - a.length)[0]!;
    const found = yield* rows<{ fileRowid: number; excerpt: string; start: number; length: number }>(sql`
      SELECT fileRowid, substr(text, start, ${EXCERPT_CHARS}) AS excerpt, start, length(text) AS length
      FROM (
        SELECT rowid AS fileRowid, text, max(1, instr(lower(text), lower(${needle})) - ${EXCERPT_BEFORE}) AS start
        FROM files WHERE rowid IN (${inRowids}))`);
    for (const s of found) {
      const clipped = { start: s.start > 1, end: s.start - 1 + EXCERPT_CHARS < s.length };
      snippets.set(s.fileRowid, substringSnippet(s.excerpt, plan.like, 40, clipped));
    }
  }
  return snippets;
}
