import 'server-only';
import { and, asc, eq, gt, inArray, or } from 'drizzle-orm';
import { first, q, readTransaction, transaction, type Db, type Work } from './types';
import { attachToMessageWork, storeFileWork, type NewFile } from './files';
import { storableText } from './dialect';
import { conversations, files, messageFiles, messages, type ConversationRow, type FileRow, type MessageRow } from './schema';

/** Keyset cursor for walking every conversation once, oldest first: (createdAt, id) never change. */
export type ExportCursor = { createdAt: number; id: string };

/** The next `limit` conversation ids after `after`, oldest first. */
export async function exportPage(db: Db, after: ExportCursor | null, limit: number): Promise<ExportCursor[]> {
  return db
    .select({ createdAt: conversations.createdAt, id: conversations.id })
    .from(conversations)
    .where(
      after
        ? or(gt(conversations.createdAt, after.createdAt), and(eq(conversations.createdAt, after.createdAt), gt(conversations.id, after.id)))
        : undefined,
    )
    .orderBy(asc(conversations.createdAt), asc(conversations.id))
    .limit(limit);
}

/** A message's attachment as stored: which file, under which name (in `position` order). */
export type StoredAttachment = { messageId: string; fileId: string; name: string };
/** A file as exported: everything but when it was uploaded here. */
export type StoredFile = Omit<FileRow, 'createdAt'>;

export type ConversationTree = {
  conversation: ConversationRow;
  messages: MessageRow[];
  /** Every attachment of every message, by message then position. */
  attachments: StoredAttachment[];
  /** The files those attachments name, each once, text included. */
  files: StoredFile[];
};

/**
 * A conversation with every one of its messages (all branches), their attachments and the
 * attached files' contents, read in one transaction so they agree.
 */
export function readConversationTree(db: Db, id: string): Promise<ConversationTree | undefined> {
  return readTransaction(db, function* (tx) {
    const conversation = first(yield* q(tx.select().from(conversations).where(eq(conversations.id, id))));
    if (!conversation) return undefined;
    const rows = yield* q(
      tx
        .select()
        .from(messages)
        .where(eq(messages.conversationId, id))
        .orderBy(asc(messages.createdAt), asc(messages.id)),
    );
    const attachments = yield* q(
      tx
        .select({ messageId: messageFiles.messageId, fileId: messageFiles.fileId, name: messageFiles.name })
        .from(messageFiles)
        .innerJoin(messages, eq(messages.id, messageFiles.messageId))
        .where(eq(messages.conversationId, id))
        .orderBy(asc(messageFiles.messageId), asc(messageFiles.position)),
    );
    const fileRows = attachments.length
      ? yield* q(tx
          .select({
            id: files.id,
            kind: files.kind,
            mediaType: files.mediaType,
            sizeBytes: files.sizeBytes,
            tokens: files.tokens,
            pages: files.pages,
            text: files.text,
          })
          .from(files)
          .where(
            inArray(
              files.id,
              tx
                .select({ id: messageFiles.fileId })
                .from(messageFiles)
                .innerJoin(messages, eq(messages.id, messageFiles.messageId))
                .where(eq(messages.conversationId, id)),
            ),
          )
          .orderBy(asc(files.id)))
      : [];
    return { conversation, messages: rows, attachments, files: fileRows };
  });
}

/** Insert shapes: a column added later (nullable) is simply left empty by an import that does not know it. */
export type ImportedConversation = typeof conversations.$inferInsert;
export type ImportedMessage = Omit<typeof messages.$inferInsert, 'conversationId'>;

/** Rows per multi-row INSERT: 13 columns × 200 stays far below SQLite's limit on bound parameters. */
const INSERT_BATCH = 200;

/** What an import attaches: the files (stored once per content) and each message's attachments in order. */
export type ImportedFiles = {
  files: NewFile[];
  attachments: { messageId: string; list: { fileId: string; name: string }[] }[];
  /** When the files new here count as uploaded. */
  now: number;
};

/**
 * Stores an imported conversation with all of its messages, files and attachments in one
 * transaction, unless it is already here: same id, or same (source, sourceId). Never touches a
 * row that exists: a file already here (same id, so same content) is used as it is. Messages
 * must come parents first. Returns 'exists' when nothing was written.
 */
export function insertImportedConversation(
  db: Db,
  conversation: ImportedConversation,
  rows: ImportedMessage[],
  attached: ImportedFiles = { files: [], attachments: [], now: 0 },
): Promise<'imported' | 'exists'> {
  return transaction(db, function* (tx): Work<'imported' | 'exists'> {
    const sameId = first(yield* q(tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, conversation.id))));
    if (sameId) return 'exists';
    const { source, sourceId } = conversation;
    if (source != null && sourceId != null) {
      const sameSource = first(
        yield* q(
          tx
            .select({ id: conversations.id })
            .from(conversations)
            .where(and(eq(conversations.source, source), eq(conversations.sourceId, sourceId))),
        ),
      );
      if (sameSource) return 'exists';
    }
    // Files first (attachments refer to them); one already here is used as it is.
    for (const file of attached.files) yield* storeFileWork(tx, file, attached.now);
    yield* q(tx.insert(conversations).values({ ...conversation, title: storableText(conversation.title) }));
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      const batch = rows.slice(i, i + INSERT_BATCH);
      yield* q(
        tx.insert(messages).values(
          batch.map((m) => ({ ...m, content: m.content === undefined ? undefined : storableText(m.content), conversationId: conversation.id })),
        ),
      );
    }
    for (const { messageId, list } of attached.attachments) yield* attachToMessageWork(tx, messageId, list);
    return 'imported';
  });
}
