import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';

export const MESSAGE_ROLES = ['user', 'assistant', 'system'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

/**
 * complete: the upstream finished; streaming: being generated right now (or the server died mid-reply,
 * which start-up turns into interrupted); stopped: the user pressed Stop; error: the upstream failed.
 */
export const MESSAGE_STATUSES = ['complete', 'streaming', 'stopped', 'error', 'interrupted'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const conversations = sqliteTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /** Tip of the active branch: the path root → this message is what the user sees and what goes upstream. */
    currentLeafId: text('current_leaf_id'),
    /** Set when pinned to the top of the sidebar. */
    pinnedAt: integer('pinned_at'),
    /** Per-conversation system prompt and model parameters (JSON, see lib/chat/settings.ts). */
    settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>(),
    /** Where an imported conversation came from ('chatgpt', 'qwen-chat') and its id there, so re-imports are idempotent. */
    source: text('source'),
    sourceId: text('source_id'),
  },
  (t) => [
    index('conversations_updated_idx').on(t.updatedAt, t.id),
    index('conversations_pinned_idx').on(t.pinnedAt),
    uniqueIndex('conversations_source_idx').on(t.source, t.sourceId),
  ],
);

export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    /** Messages form a tree so edits and regenerations can keep the old versions as siblings. */
    parentId: text('parent_id').references((): AnySQLiteColumn => messages.id, { onDelete: 'cascade' }),
    role: text('role', { enum: MESSAGE_ROLES }).notNull(),
    content: text('content').notNull().default(''),
    status: text('status', { enum: MESSAGE_STATUSES }).notNull().default('complete'),
    /** Plain-language reason when status is error or interrupted. */
    error: text('error'),
    model: text('model'),
    promptTokens: integer('prompt_tokens'),
    completionTokens: integer('completion_tokens'),
    cachedTokens: integer('cached_tokens'),
    /** Oldest messages left out of the request for this reply to fit the context budget. */
    contextOmitted: integer('context_omitted'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at')
      .notNull()
      .default(sql`(unixepoch() * 1000)`),
  },
  (t) => [
    index('messages_conversation_idx').on(t.conversationId, t.createdAt),
    index('messages_parent_idx').on(t.parentId),
    // Start-up looks for replies left streaming by a crash; only those rows are in this index.
    index('messages_streaming_idx').on(t.status).where(sql`${t.status} = 'streaming'`),
  ],
);

export type ConversationRow = typeof conversations.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
