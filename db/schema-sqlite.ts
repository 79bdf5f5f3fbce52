import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';

export const MESSAGE_ROLES = ['user', 'assistant', 'system'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

/**
 * complete: the upstream finished; streaming: being generated right now (or the server died mid-reply,
 * which start-up turns into interrupted); stopped: the user pressed Stop; error: the upstream failed.
 */
export const MESSAGE_STATUSES = ['complete', 'streaming', 'stopped', 'error', 'interrupted'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * A project groups conversations; its instructions and files go into every one of its chats'
 * requests, first and in a stable order, so the upstream's prompt cache can serve them.
 */
export const projects = sqliteTable(
  'projects',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    instructions: text('instructions').notNull().default(''),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('projects_updated_idx').on(t.updatedAt, t.id)],
);

export const TITLE_SOURCES = ['message', 'model', 'user'] as const;

export const conversations = sqliteTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    /**
     * Who wrote the title: 'message' (the first message, at once), 'model' (written by the model
     * after the first reply), 'user' (renamed: never overwritten). Null for older and imported rows.
     */
    titleSource: text('title_source', { enum: TITLE_SOURCES }),
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
    /** The project it belongs to; a deleted project leaves its chats in the plain history. */
    projectId: text('project_id').references((): AnySQLiteColumn => projects.id, { onDelete: 'set null' }),
  },
  (t) => [
    index('conversations_project_idx').on(t.projectId, t.updatedAt),
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

export const FILE_KINDS = ['text', 'pdf', 'docx'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/**
 * An attached file's extracted text, stored once per content: the id is the SHA-256 of the bytes
 * uploaded, so the same file attached twice (or to a project and a message) is one row. Rows are
 * immutable; the name belongs to each attachment, not to the content.
 */
export const files = sqliteTable('files', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: FILE_KINDS }).notNull(),
  mediaType: text('media_type').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  text: text('text').notNull(),
  /** Estimated tokens of the text as it goes upstream (lib/chat/context-window.ts). */
  tokens: integer('tokens').notNull(),
  pages: integer('pages'),
  createdAt: integer('created_at').notNull(),
});

/** The files attached to a user message, in the order they were attached. */
export const messageFiles = sqliteTable(
  'message_files',
  {
    messageId: text('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    fileId: text('file_id')
      .notNull()
      .references(() => files.id),
    name: text('name').notNull(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.position] }), index('message_files_file_idx').on(t.fileId)],
);

/** A project's files, in the order they go into every request of its chats. */
export const projectFiles = sqliteTable(
  'project_files',
  {
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    fileId: text('file_id')
      .notNull()
      .references(() => files.id),
    name: text('name').notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.position] }), index('project_files_file_idx').on(t.fileId)],
);

export type ConversationRow = typeof conversations.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
export type ProjectRow = typeof projects.$inferSelect;
export type FileRow = typeof files.$inferSelect;
