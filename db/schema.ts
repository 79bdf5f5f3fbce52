import * as sqlite from './schema-sqlite';
import * as pg from './schema-pg';
import { databaseDialect } from './dialect';

/**
 * The tables the queries use, of the engine DATABASE_URL names (one engine per process). Both
 * schemas have the same names and columns; the SQLite ones are the type the queries are checked
 * against (see Db in types.ts).
 */
const tables = (databaseDialect(process.env.DATABASE_URL) === 'postgres' ? pg : sqlite) as unknown as typeof sqlite;

export const { projects, conversations, messages, files, messageFiles, projectFiles } = tables;
export {
  FILE_KINDS,
  MESSAGE_ROLES,
  MESSAGE_STATUSES,
  TITLE_SOURCES,
  type ConversationRow,
  type FileKind,
  type FileRow,
  type MessageRole,
  type MessageRow,
  type MessageStatus,
  type ProjectRow,
} from './schema-sqlite';
