import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './types';
import type { MessageRole } from './schema';
import {
  likeContains,
  MARK_END,
  MARK_START,
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
  /** The snippet as plain text ("…" where the message was cut). */
  snippet: string;
  /** The same text split into runs, `highlight` on the matched words. */
  segments: SnippetSegment[];
};

type Row = {
  messageId: string;
  conversationId: string;
  title: string;
  role: MessageRole;
  createdAt: number;
  snippet: string;
};

/** Words of context in a word-index snippet; a trigram "token" is one character, so it gets more. */
const WORD_SNIPPET_TOKENS = 12;
const TRIGRAM_SNIPPET_TOKENS = 24;
/** How many of the newest matches are ranked (see searchMessages). */
const RANK_WINDOW = 2_000;

/**
 * Finished messages matching a query (what the user typed, turned into safe FTS5 expressions by
 * lib/search.ts), best first by bm25; each message at most once, with a snippet of its own text
 * around the match. Streaming replies are not indexed until they finish; a deleted conversation's
 * messages leave the indexes with it (triggers in migration 0002).
 */
export function searchMessages(db: Db, query: string | SearchPlan, limit: number): SearchResult[] {
  const plan = typeof query === 'string' ? planSearch(query) : query;
  if (!plan) return [];
  const like = sql.join(
    plan.like.map((text) => sql` AND m.content LIKE ${likeContains(text)} ESCAPE '!'`),
    sql``,
  );
  const columns = sql`m.id AS messageId, m.conversation_id AS conversationId, c.title AS title, m.role AS role,
    m.created_at AS createdAt`;

  // A word found in a large share of all messages would rank (and snippet) every one of them: rank
  // only the newest RANK_WINDOW matches. Found by rowid (insertion order), which the index serves fast.
  const recentFloor = (table: 'messages_fts' | 'messages_trigram', match: string): SQL => {
    const floor = db.get<{ floor: number | null }>(sql`
      SELECT min(rowid) AS floor FROM (
        SELECT rowid FROM ${sql.raw(table)} WHERE ${sql.raw(table)} MATCH ${match} ORDER BY rowid DESC LIMIT ${RANK_WINDOW})`);
    return floor?.floor ? sql` AND ${sql.raw(table)}.rowid >= ${floor.floor}` : sql``;
  };

  let rows: Row[];
  if (plan.words) {
    // Words drive (ranked by the word index); substrings in CJK etc. narrow the rows further.
    const trigram: SQL = plan.trigram
      ? sql` AND m.rowid IN (SELECT rowid FROM messages_trigram WHERE messages_trigram MATCH ${plan.trigram})`
      : sql``;
    rows = db.all<Row>(sql`
      SELECT ${columns},
        snippet(messages_fts, 0, ${MARK_START}, ${MARK_END}, '…', ${WORD_SNIPPET_TOKENS}) AS snippet
      FROM messages_fts
      JOIN messages m ON m.rowid = messages_fts.rowid
      JOIN conversations c ON c.id = m.conversation_id
      WHERE messages_fts MATCH ${plan.words}${recentFloor('messages_fts', plan.words)} AND m.status <> 'streaming'${trigram}${like}
      ORDER BY bm25(messages_fts), m.created_at DESC
      LIMIT ${limit}`);
  } else if (plan.trigram) {
    rows = db.all<Row>(sql`
      SELECT ${columns},
        snippet(messages_trigram, 0, ${MARK_START}, ${MARK_END}, '…', ${TRIGRAM_SNIPPET_TOKENS}) AS snippet
      FROM messages_trigram
      JOIN messages m ON m.rowid = messages_trigram.rowid
      JOIN conversations c ON c.id = m.conversation_id
      WHERE messages_trigram MATCH ${plan.trigram}${recentFloor('messages_trigram', plan.trigram)} AND m.status <> 'streaming'${like}
      ORDER BY bm25(messages_trigram), m.created_at DESC
      LIMIT ${limit}`);
  } else {
    // Only 1–2 character CJK/Thai/… terms: too short for trigrams, so a scan, newest first.
    const found = db.all<Omit<Row, 'snippet'> & { content: string }>(sql`
      SELECT ${columns}, m.content AS content
      FROM messages m
      JOIN conversations c ON c.id = m.conversation_id
      WHERE m.status <> 'streaming'${like}
      ORDER BY m.created_at DESC
      LIMIT ${limit}`);
    rows = found.map(({ content, ...row }) => ({ ...row, snippet: substringSnippet(content, plan.like) }));
  }

  return rows.map(({ snippet, ...row }) => {
    const segments = snippetSegments(snippet);
    return { ...row, snippet: segmentsText(segments), segments };
  });
}
