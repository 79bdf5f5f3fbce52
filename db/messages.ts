import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from './types';
import { conversations, messages, type MessageRow, type MessageStatus } from './schema';

export type TokenUsage = { promptTokens?: number; completionTokens?: number; cachedTokens?: number };

/**
 * The active branch of a conversation, root first: walk parent links up from the leaf.
 * One recursive query, whatever the depth.
 */
export function getActivePath(db: Db, leafId: string | null): MessageRow[] {
  if (!leafId) return [];
  const rows = db.all<Record<string, unknown>>(sql`
    WITH RECURSIVE path(id, depth) AS (
      SELECT id, 0 FROM messages WHERE id = ${leafId}
      UNION ALL
      SELECT m.parent_id, path.depth + 1 FROM messages m JOIN path ON m.id = path.id WHERE m.parent_id IS NOT NULL
    )
    SELECT m.* FROM path JOIN messages m ON m.id = path.id ORDER BY path.depth DESC`);
  return rows.map(fromSqlRow);
}

function fromSqlRow(r: Record<string, unknown>): MessageRow {
  return {
    id: r.id as string,
    conversationId: r.conversation_id as string,
    parentId: (r.parent_id as string | null) ?? null,
    role: r.role as MessageRow['role'],
    content: r.content as string,
    status: r.status as MessageStatus,
    error: (r.error as string | null) ?? null,
    model: (r.model as string | null) ?? null,
    promptTokens: (r.prompt_tokens as number | null) ?? null,
    completionTokens: (r.completion_tokens as number | null) ?? null,
    cachedTokens: (r.cached_tokens as number | null) ?? null,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  };
}

export function getMessage(db: Db, id: string): MessageRow | undefined {
  return db.select().from(messages).where(eq(messages.id, id)).get();
}

export type BeginTurnInput = {
  conversationId: string;
  /** Used only when the conversation does not exist yet. */
  title: string;
  user: { id: string; content: string } | null;
  /** Parent of the new assistant reply when user is null (a regeneration). */
  regenerateFrom?: string;
  assistantId: string;
  model: string;
  now: number;
};

export type BeginTurnResult = { created: boolean; history: MessageRow[] };

/**
 * Stores, in one transaction, everything that must exist before the upstream is called:
 * the conversation (created on its first message), the user's message and a placeholder for
 * the reply marked streaming, and the new branch tip. Returns the active path to send upstream
 * (without the placeholder). Doing this as one synchronous transaction keeps the time added
 * before the first token to well under a millisecond.
 */
export function beginTurn(db: Db, input: BeginTurnInput): BeginTurnResult {
  return db.transaction((tx) => {
    const existing = tx
      .select({ leaf: conversations.currentLeafId })
      .from(conversations)
      .where(eq(conversations.id, input.conversationId))
      .get();
    if (!existing) {
      tx.insert(conversations)
        .values({ id: input.conversationId, title: input.title, createdAt: input.now, updatedAt: input.now })
        .run();
    }
    let parentId: string | null = existing?.leaf ?? null;
    if (input.user) {
      tx.insert(messages)
        .values({
          id: input.user.id,
          conversationId: input.conversationId,
          parentId,
          role: 'user',
          content: input.user.content,
          status: 'complete',
          createdAt: input.now,
          updatedAt: input.now,
        })
        .run();
      parentId = input.user.id;
    } else {
      parentId = input.regenerateFrom ?? null;
    }
    tx.insert(messages)
      .values({
        id: input.assistantId,
        conversationId: input.conversationId,
        parentId,
        role: 'assistant',
        content: '',
        status: 'streaming',
        model: input.model,
        // +1 keeps the reply after its prompt when both land in the same millisecond.
        createdAt: input.now + 1,
        updatedAt: input.now + 1,
      })
      .run();
    tx.update(conversations)
      .set({ currentLeafId: input.assistantId, updatedAt: input.now })
      .where(eq(conversations.id, input.conversationId))
      .run();
    const history = getActivePath(tx, parentId);
    return { created: !existing, history };
  });
}

/** Saves the text received so far, so a crash or reload loses at most one flush interval. */
export function saveReplyProgress(db: Db, id: string, content: string, now: number): void {
  db.update(messages)
    .set({ content, updatedAt: now })
    .where(and(eq(messages.id, id), eq(messages.status, 'streaming')))
    .run();
}

export function finishReply(
  db: Db,
  id: string,
  result: { content: string; status: Exclude<MessageStatus, 'streaming'>; error?: string | null; usage?: TokenUsage },
  now: number,
): void {
  db.update(messages)
    .set({
      content: result.content,
      status: result.status,
      error: result.error ?? null,
      promptTokens: result.usage?.promptTokens ?? null,
      completionTokens: result.usage?.completionTokens ?? null,
      cachedTokens: result.usage?.cachedTokens ?? null,
      updatedAt: now,
    })
    .where(eq(messages.id, id))
    .run();
}

export function markStreamingAsInterrupted(db: Db, now: number): number {
  return db
    .update(messages)
    .set({ status: 'interrupted', error: 'The server stopped while this reply was being written.', updatedAt: now })
    .where(eq(messages.status, 'streaming'))
    .run().changes;
}
