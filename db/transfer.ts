import 'server-only';
import { and, asc, eq, gt, or } from 'drizzle-orm';
import type { Db } from './types';
import { conversations, messages, type ConversationRow, type MessageRow } from './schema';

/** Keyset cursor for walking every conversation once, oldest first: (createdAt, id) never change. */
export type ExportCursor = { createdAt: number; id: string };

/** The next `limit` conversation ids after `after`, oldest first. */
export function exportPage(db: Db, after: ExportCursor | null, limit: number): ExportCursor[] {
  return db
    .select({ createdAt: conversations.createdAt, id: conversations.id })
    .from(conversations)
    .where(
      after
        ? or(gt(conversations.createdAt, after.createdAt), and(eq(conversations.createdAt, after.createdAt), gt(conversations.id, after.id)))
        : undefined,
    )
    .orderBy(asc(conversations.createdAt), asc(conversations.id))
    .limit(limit)
    .all();
}

/** A conversation and every one of its messages (all branches), read in one transaction so they agree. */
export function readConversationTree(db: Db, id: string): { conversation: ConversationRow; messages: MessageRow[] } | undefined {
  return db.transaction((tx) => {
    const conversation = tx.select().from(conversations).where(eq(conversations.id, id)).get();
    if (!conversation) return undefined;
    const rows = tx
      .select()
      .from(messages)
      .where(eq(messages.conversationId, id))
      .orderBy(asc(messages.createdAt), asc(messages.id))
      .all();
    return { conversation, messages: rows };
  });
}

/** Insert shapes: a column added later (nullable) is simply left empty by an import that does not know it. */
export type ImportedConversation = typeof conversations.$inferInsert;
export type ImportedMessage = Omit<typeof messages.$inferInsert, 'conversationId'>;

/** Rows per multi-row INSERT: 13 columns × 200 stays far below SQLite's limit on bound parameters. */
const INSERT_BATCH = 200;

/**
 * Stores an imported conversation with all of its messages in one transaction, unless it is
 * already here: same id, or same (source, sourceId). Never touches a row that exists. Messages
 * must come parents first. Returns 'exists' when nothing was written.
 */
export function insertImportedConversation(
  db: Db,
  conversation: ImportedConversation,
  rows: ImportedMessage[],
): 'imported' | 'exists' {
  return db.transaction((tx) => {
    const sameId = tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, conversation.id)).get();
    if (sameId) return 'exists';
    const { source, sourceId } = conversation;
    if (source != null && sourceId != null) {
      const sameSource = tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(and(eq(conversations.source, source), eq(conversations.sourceId, sourceId)))
        .get();
      if (sameSource) return 'exists';
    }
    tx.insert(conversations).values(conversation).run();
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      tx.insert(messages)
        .values(rows.slice(i, i + INSERT_BATCH).map((m) => ({ ...m, conversationId: conversation.id })))
        .run();
    }
    return 'imported';
  });
}
