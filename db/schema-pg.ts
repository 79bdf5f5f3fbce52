import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { FILE_KINDS, MESSAGE_ROLES, MESSAGE_STATUSES, TITLE_SOURCES } from './schema-sqlite';

/**
 * The same tables as schema-sqlite.ts for PostgreSQL (DATABASE_URL=postgres://…): same names, same
 * columns, same meaning (the comments are there). Times are milliseconds since the epoch in bigint
 * columns, read as numbers; settings is jsonb. Search indexes are in the hand-written migration
 * after the generated one (db/migrations-pg).
 */
const ms = (name: string) => bigint(name, { mode: 'number' });

export const projects = pgTable(
  'projects',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    instructions: text('instructions').notNull().default(''),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [index('projects_updated_idx').on(t.updatedAt, t.id)],
);

export const conversations = pgTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    titleSource: text('title_source', { enum: TITLE_SOURCES }),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    currentLeafId: text('current_leaf_id'),
    pinnedAt: ms('pinned_at'),
    settings: jsonb('settings').$type<Record<string, unknown>>(),
    source: text('source'),
    sourceId: text('source_id'),
    projectId: text('project_id').references((): AnyPgColumn => projects.id, { onDelete: 'set null' }),
  },
  (t) => [
    index('conversations_project_idx').on(t.projectId, t.updatedAt),
    index('conversations_updated_idx').on(t.updatedAt, t.id),
    index('conversations_pinned_idx').on(t.pinnedAt),
    uniqueIndex('conversations_source_idx').on(t.source, t.sourceId),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    parentId: text('parent_id').references((): AnyPgColumn => messages.id, { onDelete: 'cascade' }),
    role: text('role', { enum: MESSAGE_ROLES }).notNull(),
    content: text('content').notNull().default(''),
    status: text('status', { enum: MESSAGE_STATUSES }).notNull().default('complete'),
    error: text('error'),
    model: text('model'),
    promptTokens: integer('prompt_tokens'),
    completionTokens: integer('completion_tokens'),
    cachedTokens: integer('cached_tokens'),
    contextOmitted: integer('context_omitted'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at')
      .notNull()
      .default(sql`(extract(epoch from now()) * 1000)::bigint`),
  },
  (t) => [
    index('messages_conversation_idx').on(t.conversationId, t.createdAt),
    index('messages_parent_idx').on(t.parentId),
    index('messages_streaming_idx').on(t.status).where(sql`${t.status} = 'streaming'`),
  ],
);

export const files = pgTable('files', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: FILE_KINDS }).notNull(),
  mediaType: text('media_type').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  text: text('text').notNull(),
  tokens: integer('tokens').notNull(),
  pages: integer('pages'),
  createdAt: ms('created_at').notNull(),
});

export const messageFiles = pgTable(
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

export const projectFiles = pgTable(
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
