import { z } from 'zod';
import { FILE_KINDS, MESSAGE_ROLES, MESSAGE_STATUSES, type FileKind, type MessageRole, type MessageStatus } from '@/db/schema';
import { safeFileName } from '@/lib/attachments/file-name';
import { estimateTokens } from '@/lib/chat/context-window';
import { idSchema } from '@/lib/chat/ids';

/**
 * The app's own export format ("qwen-chat", version 1): everything needed to rebuild a
 * conversation exactly — every message of every branch (a tree through `parentId`), the active
 * branch tip, statuses, token usage and timestamps. All times are Unix epoch milliseconds.
 *
 * ```json
 * { "format": "qwen-chat", "version": 1, "exportedAt": 1700000000000,
 *   "conversations": [{ "id", "title", "createdAt", "updatedAt", "pinnedAt", "settings", "currentLeafId",
 *     "source", "sourceId",
 *     "files": [{ "id", "kind", "mediaType", "sizeBytes", "tokens", "pages", "text" }],
 *     "messages": [{ "id", "parentId", "role", "content", "attachments": [{ "fileId", "name" }], "status", "error", "model",
 *                    "promptTokens", "completionTokens", "cachedTokens", "contextOmitted", "createdAt", "updatedAt" }] }] }
 * ```
 *
 * `files` (each attached file once, with its extracted text) and a message's `attachments` (in
 * order) are there only when the conversation has attachments: a file without them is exactly
 * what version 1 was before attachments existed, and a reader that does not know them skips them.
 * Messages are listed parents first. `format`, `version` and `exportedAt` come before
 * `conversations`, so a reader can tell what it has before the (possibly huge) array starts.
 */
export const EXPORT_FORMAT = 'qwen-chat';
export const EXPORT_VERSION = 1;

export type ExportedMessage = {
  id: string;
  parentId: string | null;
  role: MessageRole;
  content: string;
  /** The files attached to this (user) message, in order; absent when there are none. */
  attachments?: ExportedAttachment[];
  status: MessageStatus;
  error: string | null;
  model: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  cachedTokens: number | null;
  /** How many of the oldest messages were left out of the request for this reply to fit the context window. */
  contextOmitted: number | null;
  createdAt: number;
  updatedAt: number;
};

/** A file attached to a message: which content (`ExportedFile.id`), under which name. */
export type ExportedAttachment = { fileId: string; name: string };

/**
 * An attached file's content as stored: its extracted text, not the original bytes. `id` is the
 * SHA-256 (hex) of the bytes that were uploaded, so the same file is one row wherever it is used.
 */
export type ExportedFile = {
  id: string;
  kind: FileKind;
  mediaType: string;
  sizeBytes: number;
  /** Estimated tokens of `text`; an import recomputes it rather than trusting the file. */
  tokens: number;
  pages: number | null;
  text: string;
};

export type ExportedConversation = {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  pinnedAt: number | null;
  settings: Record<string, unknown> | null;
  currentLeafId: string | null;
  /** Where the conversation was imported from ('chatgpt') and its id there; null for chats made here. */
  source: string | null;
  sourceId: string | null;
  /** Every file attached in the conversation, once each; absent when there are none. */
  files?: ExportedFile[];
  messages: ExportedMessage[];
};

export type ExportFile = {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: number;
  conversations: ExportedConversation[];
};

const time = z.number().int().min(0).max(8_640_000_000_000_000);
const tokens = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().default(null);
const nullableText = (max: number) => z.string().max(max).nullable().default(null);

/** Titles the app writes are at most 200 characters; longer imported ones are cut. */
export const MAX_TITLE_CHARS = 200;

/** A file id: 64 hex digits (the SHA-256 of the file's bytes), stored in lower case. */
const fileId = z
  .string()
  .regex(/^[0-9a-f]{64}$/i, 'must be 64 hexadecimal characters (the SHA-256 of the file)')
  .transform((id) => id.toLowerCase());

/** At most this many attachments on one message (as many as a chat request may send: lib/chat/turn.ts). */
export const MAX_ATTACHMENTS_PER_MESSAGE = 500;

export const exportedAttachmentSchema = z.object({
  fileId,
  // Names are cleaned as an upload's are (no controls or bidi tricks, at most 180 characters).
  name: z.string().max(10_000).transform((name) => safeFileName(name)),
});

export const exportedFileSchema = z
  .object({
    id: fileId,
    kind: z.enum(FILE_KINDS),
    mediaType: z.string().min(1).max(200),
    sizeBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    // Read but not trusted: recomputed from the text below.
    tokens: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
    pages: tokens,
    text: z.string(),
  })
  .transform((f): ExportedFile => ({
    id: f.id,
    kind: f.kind,
    mediaType: f.mediaType,
    sizeBytes: f.sizeBytes,
    tokens: estimateTokens(f.text),
    pages: f.pages,
    text: f.text,
  }));

export const exportedMessageSchema = z.object({
  id: idSchema,
  parentId: idSchema.nullable().default(null),
  role: z.enum(MESSAGE_ROLES),
  content: z.string(),
  attachments: z.array(exportedAttachmentSchema).max(MAX_ATTACHMENTS_PER_MESSAGE).optional(),
  status: z.enum(MESSAGE_STATUSES).default('complete'),
  error: nullableText(10_000),
  model: nullableText(200),
  promptTokens: tokens,
  completionTokens: tokens,
  cachedTokens: tokens,
  contextOmitted: tokens,
  createdAt: time,
  updatedAt: time.optional(),
});

export const exportedConversationSchema = z
  .object({
    id: idSchema,
    title: z.string().max(10_000),
    createdAt: time,
    updatedAt: time,
    pinnedAt: time.nullable().default(null),
    settings: z.record(z.string(), z.unknown()).nullable().default(null),
    currentLeafId: idSchema.nullable().default(null),
    source: z.string().min(1).max(64).nullable().default(null),
    sourceId: z.string().min(1).max(200).nullable().default(null),
    files: z.array(exportedFileSchema).optional(),
    messages: z.array(exportedMessageSchema),
  })
  .superRefine((c, ctx) => {
    const ids = new Set<string>();
    for (const m of c.messages) {
      if (ids.has(m.id)) ctx.addIssue({ code: 'custom', path: ['messages'], message: `message id ${m.id} appears twice` });
      ids.add(m.id);
    }
    for (const m of c.messages) {
      if (m.parentId !== null && !ids.has(m.parentId)) {
        ctx.addIssue({ code: 'custom', path: ['messages'], message: `message ${m.id} has a parent (${m.parentId}) that is not in the conversation` });
      }
    }
    if (c.currentLeafId !== null && !ids.has(c.currentLeafId)) {
      ctx.addIssue({ code: 'custom', path: ['currentLeafId'], message: 'currentLeafId is not one of the messages' });
    }
    if ((c.source === null) !== (c.sourceId === null)) {
      ctx.addIssue({ code: 'custom', path: ['source'], message: 'source and sourceId go together' });
    }
    const fileIds = new Set<string>();
    for (const f of c.files ?? []) {
      if (fileIds.has(f.id)) ctx.addIssue({ code: 'custom', path: ['files'], message: `file ${f.id} appears twice` });
      fileIds.add(f.id);
    }
    for (const m of c.messages) {
      for (const a of m.attachments ?? []) {
        if (!fileIds.has(a.fileId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['messages'],
            message: `message ${m.id} has an attachment (${a.name}) whose file (${a.fileId}) is not in the conversation's files`,
          });
          return;
        }
      }
    }
  })
  .transform((c): ExportedConversation => {
    const title = c.title.replace(/\s+/g, ' ').trim();
    const { files, ...rest } = c;
    // Only the files some message uses: one that nothing refers to would be stored for nothing.
    const used = new Set(c.messages.flatMap((m) => (m.attachments ?? []).map((a) => a.fileId)));
    const kept = (files ?? []).filter((f) => used.has(f.id));
    return {
      ...rest,
      title: title ? [...title].slice(0, MAX_TITLE_CHARS).join('') : 'Untitled',
      ...(kept.length ? { files: kept } : {}),
      messages: parentsFirst(
        c.messages.map(({ attachments, ...m }) => ({
          ...m,
          ...(attachments?.length ? { attachments } : {}),
          updatedAt: m.updatedAt ?? m.createdAt,
        })),
      ),
    };
  });

/** The fields before `conversations`: what identifies the file. */
export const exportHeaderSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.number().int(),
  exportedAt: time.optional(),
});

/**
 * Orders messages so every parent comes before its children (the database checks each parent
 * exists when a message is inserted). Throws on a cycle, which no real export has.
 */
export function parentsFirst<M extends { id: string; parentId: string | null }>(list: M[]): M[] {
  const byId = new Map(list.map((m) => [m.id, m]));
  const children = new Map<string | null, M[]>();
  for (const m of list) {
    const parent = m.parentId !== null && byId.has(m.parentId) ? m.parentId : null;
    const siblings = children.get(parent);
    if (siblings) siblings.push(m);
    else children.set(parent, [m]);
  }
  const out: M[] = [];
  const stack = [...(children.get(null) ?? [])].reverse();
  while (stack.length) {
    const m = stack.pop()!;
    out.push(m);
    const kids = children.get(m.id);
    if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  if (out.length !== list.length) throw new TransferFormatError('the messages’ parent links form a cycle');
  return out;
}

/** A conversation (or file) that is not in a shape we can import; the message says why. */
export class TransferFormatError extends Error {
  override name = 'TransferFormatError';
}

/** A zod error as one line: the first problem, with where it is. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}
