import 'server-only';
import { and, desc, eq, isNotNull, lt, or } from 'drizzle-orm';
import type { Db } from './types';
import { conversations, type ConversationRow } from './schema';

export type ConversationSummary = Pick<ConversationRow, 'id' | 'title' | 'createdAt' | 'updatedAt' | 'pinnedAt'>;

const summaryColumns = {
  id: conversations.id,
  title: conversations.title,
  createdAt: conversations.createdAt,
  updatedAt: conversations.updatedAt,
  pinnedAt: conversations.pinnedAt,
};

/** Opaque keyset cursor: the (updatedAt, id) of the last row of the previous page. */
export type PageCursor = { updatedAt: number; id: string };

/** Newest first, keyset-paginated so page N costs the same as page 1 however many chats there are. */
export function listConversations(
  db: Db,
  { limit, after }: { limit: number; after?: PageCursor },
): { conversations: ConversationSummary[]; next: PageCursor | null } {
  const rows = db
    .select(summaryColumns)
    .from(conversations)
    .where(
      after
        ? or(
            lt(conversations.updatedAt, after.updatedAt),
            and(eq(conversations.updatedAt, after.updatedAt), lt(conversations.id, after.id)),
          )
        : undefined,
    )
    .orderBy(desc(conversations.updatedAt), desc(conversations.id))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    conversations: page,
    next: rows.length > limit && last ? { updatedAt: last.updatedAt, id: last.id } : null,
  };
}

export function getConversation(db: Db, id: string): ConversationRow | undefined {
  return db.select().from(conversations).where(eq(conversations.id, id)).get();
}

export function renameConversation(db: Db, id: string, title: string): ConversationRow | undefined {
  return db.update(conversations).set({ title }).where(eq(conversations.id, id)).returning().get();
}

/** Deletes the conversation and (by cascade) all of its messages. */
export function deleteConversation(db: Db, id: string): boolean {
  return db.delete(conversations).where(eq(conversations.id, id)).run().changes > 0;
}

/** Pinned conversations, most recently pinned first (a short list: people pin a handful). */
export function listPinned(db: Db, limit = 100): ConversationSummary[] {
  return db
    .select(summaryColumns)
    .from(conversations)
    .where(isNotNull(conversations.pinnedAt))
    .orderBy(desc(conversations.pinnedAt))
    .limit(limit)
    .all();
}

export function updateConversation(
  db: Db,
  id: string,
  change: {
    title?: string;
    titleSource?: ConversationRow['titleSource'];
    pinnedAt?: number | null;
    settings?: Record<string, unknown> | null;
    projectId?: string | null;
  },
): ConversationRow | undefined {
  if (Object.keys(change).length === 0) return getConversation(db, id);
  return db.update(conversations).set(change).where(eq(conversations.id, id)).returning().get();
}

/**
 * The title the model wrote, only over the one taken from the first message: a rename (or an
 * imported title) is never overwritten. True when it was stored.
 */
export function setModelTitle(db: Db, id: string, title: string): boolean {
  return (
    db
      .update(conversations)
      .set({ title, titleSource: 'model' })
      .where(and(eq(conversations.id, id), eq(conversations.titleSource, 'message')))
      .run().changes > 0
  );
}
