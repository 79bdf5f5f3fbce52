import 'server-only';
import { and, desc, eq, isNotNull, lt, or } from 'drizzle-orm';
import { first, type Db } from './types';
import { storableText } from './dialect';
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
export async function listConversations(
  db: Db,
  { limit, after }: { limit: number; after?: PageCursor },
): Promise<{ conversations: ConversationSummary[]; next: PageCursor | null }> {
  const rows = await db
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
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    conversations: page,
    next: rows.length > limit && last ? { updatedAt: last.updatedAt, id: last.id } : null,
  };
}

export async function getConversation(db: Db, id: string): Promise<ConversationRow | undefined> {
  return first(await db.select().from(conversations).where(eq(conversations.id, id)));
}

export async function renameConversation(db: Db, id: string, title: string): Promise<ConversationRow | undefined> {
  return first(await db.update(conversations).set({ title: storableText(title) }).where(eq(conversations.id, id)).returning());
}

/** Deletes the conversation and (by cascade) all of its messages. */
export async function deleteConversation(db: Db, id: string): Promise<boolean> {
  return (await db.delete(conversations).where(eq(conversations.id, id)).returning({ id: conversations.id })).length > 0;
}

/** Pinned conversations, most recently pinned first (a short list: people pin a handful). */
export async function listPinned(db: Db, limit = 100): Promise<ConversationSummary[]> {
  return db
    .select(summaryColumns)
    .from(conversations)
    .where(isNotNull(conversations.pinnedAt))
    .orderBy(desc(conversations.pinnedAt), desc(conversations.id))
    .limit(limit);
}

export async function updateConversation(
  db: Db,
  id: string,
  change: {
    title?: string;
    titleSource?: ConversationRow['titleSource'];
    pinnedAt?: number | null;
    settings?: Record<string, unknown> | null;
    projectId?: string | null;
  },
): Promise<ConversationRow | undefined> {
  if (Object.keys(change).length === 0) return getConversation(db, id);
  const row = change.title === undefined ? change : { ...change, title: storableText(change.title) };
  return first(await db.update(conversations).set(row).where(eq(conversations.id, id)).returning());
}

/**
 * The title the model wrote, only over the one taken from the first message: a rename (or an
 * imported title) is never overwritten. True when it was stored.
 */
export async function setModelTitle(db: Db, id: string, title: string): Promise<boolean> {
  const updated = await db
    .update(conversations)
    .set({ title: storableText(title), titleSource: 'model' })
    .where(and(eq(conversations.id, id), eq(conversations.titleSource, 'message')))
    .returning({ id: conversations.id });
  return updated.length > 0;
}
