import 'server-only';
import { and, asc, eq, inArray, lt, notExists, sql } from 'drizzle-orm';
import { first, isPostgres, q, rows, run, transaction, type Db, type Work } from './types';
import { files, messageFiles, messages, projectFiles, type FileKind, type FileRow } from './schema';

/** What an attachment is, without its text: what chips, lists and exports show. */
export type FileMeta = Omit<FileRow, 'text' | 'createdAt'>;
/** A file as attached to a message or a project: its content, under the name it was attached with. */
export type Attachment = FileMeta & { name: string };

const metaColumns = {
  id: files.id,
  kind: files.kind,
  mediaType: files.mediaType,
  sizeBytes: files.sizeBytes,
  tokens: files.tokens,
  pages: files.pages,
};

export type NewFile = { id: string; kind: FileKind; mediaType: string; sizeBytes: number; text: string; tokens: number; pages?: number | null };

/**
 * Stores a file's text once per content (its id is the hash of its bytes): the same file uploaded
 * again is the row already there. Returns the stored row's metadata.
 */
export function storeFile(db: Db, file: NewFile, now: number): Promise<FileMeta> {
  return run(db, (db) => storeFileWork(db, file, now));
}

export function* storeFileWork(db: Db, file: NewFile, now: number): Work<FileMeta> {
  yield* q(
    db
      .insert(files)
      .values({ ...file, pages: file.pages ?? null, createdAt: now })
      .onConflictDoNothing({ target: files.id }),
  );
  return first(yield* q(db.select(metaColumns).from(files).where(eq(files.id, file.id))))!;
}

export async function getFileMetas(db: Db, ids: string[]): Promise<Map<string, FileMeta>> {
  if (ids.length === 0) return new Map();
  const found = await db.select(metaColumns).from(files).where(inArray(files.id, [...new Set(ids)]));
  return new Map(found.map((r) => [r.id, r]));
}

export async function getFileTexts(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const found = await db.select({ id: files.id, text: files.text }).from(files).where(inArray(files.id, [...new Set(ids)]));
  return new Map(found.map((r) => [r.id, r.text]));
}

/** Links files to a user message, in order (inside the transaction that stores the message). */
export function* attachToMessageWork(db: Db, messageId: string, attachments: { fileId: string; name: string }[]): Work<void> {
  if (attachments.length === 0) return;
  yield* q(db.insert(messageFiles).values(attachments.map((a, position) => ({ messageId, position, fileId: a.fileId, name: a.name }))));
}

/** The attachments of each of these messages (only messages that have some are in the map). */
export async function getMessageAttachments(db: Db, messageIds: string[]): Promise<Map<string, Attachment[]>> {
  const byMessage = new Map<string, Attachment[]>();
  if (messageIds.length === 0) return byMessage;
  // Chunks keep the statement under SQLite's bound-parameter limit for a long branch.
  for (let i = 0; i < messageIds.length; i += 500) {
    const found = await db
      .select({ messageId: messageFiles.messageId, name: messageFiles.name, ...metaColumns })
      .from(messageFiles)
      .innerJoin(files, eq(files.id, messageFiles.fileId))
      .where(inArray(messageFiles.messageId, messageIds.slice(i, i + 500)))
      .orderBy(asc(messageFiles.messageId), asc(messageFiles.position));
    for (const { messageId, ...attachment } of found) {
      const list = byMessage.get(messageId) ?? [];
      list.push(attachment);
      byMessage.set(messageId, list);
    }
  }
  return byMessage;
}

/** Every attachment in a conversation, by message (for export). */
export async function getConversationAttachments(db: Db, conversationId: string): Promise<Map<string, Attachment[]>> {
  const ids = await db.select({ id: messages.id }).from(messages).where(eq(messages.conversationId, conversationId));
  return getMessageAttachments(
    db,
    ids.map((r) => r.id),
  );
}

/** A project's files in the order they go upstream. */
export async function listProjectFiles(db: Db, projectId: string): Promise<(Attachment & { position: number })[]> {
  return db
    .select({ position: projectFiles.position, name: projectFiles.name, ...metaColumns })
    .from(projectFiles)
    .innerJoin(files, eq(files.id, projectFiles.fileId))
    .where(eq(projectFiles.projectId, projectId))
    .orderBy(asc(projectFiles.position));
}

/** Adds a file at the end of a project's list (a file already in the project is not added twice). */
export function addProjectFile(db: Db, projectId: string, file: { fileId: string; name: string }): Promise<boolean> {
  return transaction(db, function* (tx) {
    // Two uploads to one project at once must not take the same position (PostgreSQL's READ
    // COMMITTED would let both read the same max): the project's row is locked first. SQLite's
    // IMMEDIATE transaction already runs alone.
    if (isPostgres(tx)) yield* rows(sql`SELECT id FROM projects WHERE id = ${projectId} FOR UPDATE`);
    const already = first(
      yield* q(
        tx
          .select({ p: projectFiles.position })
          .from(projectFiles)
          .where(and(eq(projectFiles.projectId, projectId), eq(projectFiles.fileId, file.fileId))),
      ),
    );
    if (already) return false;
    const last = first(
      yield* q(
        tx
          .select({ max: sql<number | null>`max(${projectFiles.position})` })
          .from(projectFiles)
          .where(eq(projectFiles.projectId, projectId)),
      ),
    );
    yield* q(tx.insert(projectFiles).values({ projectId, position: (last?.max ?? -1) + 1, fileId: file.fileId, name: file.name }));
    return true;
  });
}

export async function removeProjectFile(db: Db, projectId: string, fileId: string): Promise<boolean> {
  const removed = await db
    .delete(projectFiles)
    .where(and(eq(projectFiles.projectId, projectId), eq(projectFiles.fileId, fileId)))
    .returning({ fileId: projectFiles.fileId });
  if (removed.length) await deleteUnreferencedFiles(db, { ids: [fileId] });
  return removed.length > 0;
}

/** Ids of the files attached anywhere in a conversation: what its deletion may leave unreferenced. */
export async function conversationFileIds(db: Db, conversationId: string): Promise<string[]> {
  const found = await db
    .selectDistinct({ id: messageFiles.fileId })
    .from(messageFiles)
    .innerJoin(messages, eq(messages.id, messageFiles.messageId))
    .where(eq(messages.conversationId, conversationId));
  return found.map((r) => r.id);
}

export function* projectFileIdsWork(db: Db, projectId: string): Work<string[]> {
  const found = yield* q(db.select({ id: projectFiles.fileId }).from(projectFiles).where(eq(projectFiles.projectId, projectId)));
  return found.map((r) => r.id);
}

/**
 * Deletes files that no message and no project refers to: those among `ids` (what a deletion just
 * released), or those uploaded before `uploadedBefore` and never sent (a chip removed, a tab closed).
 */
export function deleteUnreferencedFiles(db: Db, which: { ids?: string[]; uploadedBefore?: number }): Promise<number> {
  return run(db, (db) => deleteUnreferencedFilesWork(db, which));
}

export function* deleteUnreferencedFilesWork(db: Db, which: { ids?: string[]; uploadedBefore?: number }): Work<number> {
  if (which.ids && which.ids.length === 0) return 0;
  const unreferenced = and(
    notExists(db.select({ one: sql`1` }).from(messageFiles).where(eq(messageFiles.fileId, files.id))),
    notExists(db.select({ one: sql`1` }).from(projectFiles).where(eq(projectFiles.fileId, files.id))),
  );
  const candidates = and(
    unreferenced,
    which.ids ? inArray(files.id, which.ids) : undefined,
    which.uploadedBefore !== undefined ? lt(files.createdAt, which.uploadedBefore) : undefined,
  );
  if (isPostgres(db)) {
    // Under READ COMMITTED another transaction may be linking one of these files right now (its
    // insert holds a lock on the file's row and is not visible to NOT EXISTS yet): skip the rows it
    // holds rather than delete them and fail on the foreign key. A later sweep gets them if unlinked.
    const deleted = yield* rows<{ id: string }>(
      sql`DELETE FROM files WHERE id IN (SELECT id FROM files WHERE ${candidates} FOR UPDATE SKIP LOCKED) RETURNING id`,
    );
    return deleted.length;
  }
  const deleted = yield* q(db.delete(files).where(candidates).returning({ id: files.id }));
  return deleted.length;
}
