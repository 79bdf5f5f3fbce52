import 'server-only';
import type { MessageRow } from '@/db/schema';
import { exportPage, readConversationTree, type ExportCursor } from '@/db/transfer';
import type { Db } from '@/db/types';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  parentsFirst,
  type ExportedAttachment,
  type ExportedConversation,
  type ExportedFile,
  type ExportedMessage,
} from './format';

/**
 * One conversation in the export format, every branch included, with the files attached in it
 * (each once, its text included); undefined when there is no such id.
 */
export async function exportConversation(db: Db, id: string): Promise<ExportedConversation | undefined> {
  const tree = await readConversationTree(db, id);
  if (!tree) return undefined;
  const c = tree.conversation;
  const attachments = new Map<string, ExportedAttachment[]>();
  for (const a of tree.attachments) {
    const list = attachments.get(a.messageId);
    if (list) list.push({ fileId: a.fileId, name: a.name });
    else attachments.set(a.messageId, [{ fileId: a.fileId, name: a.name }]);
  }
  // Oldest first, then rearranged so parents precede children: the order depends only on the
  // data, so export → import → export gives the same file.
  const messages = parentsFirst(tree.messages.map((m) => toExportedMessage(m, attachments.get(m.id))));
  // Files in the order the messages first use them (again a function of the data alone).
  const byId = new Map(tree.files.map((f) => [f.id, f]));
  const files: ExportedFile[] = [];
  for (const m of messages) {
    for (const a of m.attachments ?? []) {
      const f = byId.get(a.fileId);
      if (!f) continue;
      byId.delete(a.fileId);
      files.push({ id: f.id, kind: f.kind, mediaType: f.mediaType, sizeBytes: f.sizeBytes, tokens: f.tokens, pages: f.pages, text: f.text });
    }
  }
  return {
    id: c.id,
    title: c.title,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    pinnedAt: c.pinnedAt,
    settings: c.settings ?? null,
    currentLeafId: c.currentLeafId,
    source: c.source,
    sourceId: c.sourceId,
    // Only when there are some: a conversation without attachments exports as it always did.
    ...(files.length ? { files } : {}),
    messages,
  };
}

function toExportedMessage(m: MessageRow, attachments: ExportedAttachment[] | undefined): ExportedMessage {
  return {
    id: m.id,
    parentId: m.parentId,
    role: m.role,
    content: m.content,
    ...(attachments?.length ? { attachments } : {}),
    status: m.status,
    error: m.error,
    model: m.model,
    promptTokens: m.promptTokens,
    completionTokens: m.completionTokens,
    cachedTokens: m.cachedTokens,
    contextOmitted: m.contextOmitted,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
  };
}

function header(exportedAt: number): string {
  return `{"format":${JSON.stringify(EXPORT_FORMAT)},"version":${EXPORT_VERSION},"exportedAt":${exportedAt},"conversations":[`;
}

/** A single conversation as a complete export file. */
export function exportConversationJson(conversation: ExportedConversation, exportedAt = Date.now()): string {
  return `${header(exportedAt)}\n${JSON.stringify(conversation)}\n]}\n`;
}

/** Conversations read per database query while streaming the full export. */
const PAGE = 100;

/**
 * Every conversation as one export file, produced as the client reads it: one conversation is
 * turned into JSON per pull, so memory holds a page of ids and one conversation however many
 * there are. Each conversation is read in its own short transaction, so chats keep working while
 * a big export downloads; one created meanwhile may or may not be included.
 */
export function exportAllStream(db: Db, exportedAt = Date.now()): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let page: ExportCursor[] = [];
  let cursor: ExportCursor | null = null;
  let started = false;
  let first = true;
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(header(exportedAt)));
          return;
        }
        // Skip ids deleted since their page was read; emit the next conversation that still exists.
        for (;;) {
          if (page.length === 0) {
            if (done) {
              controller.enqueue(encoder.encode('\n]}\n'));
              controller.close();
              return;
            }
            page = await exportPage(db, cursor, PAGE);
            if (page.length < PAGE) done = true;
            if (page.length === 0) continue;
            cursor = page[page.length - 1]!;
          }
          const next = page.shift()!;
          const conversation = await exportConversation(db, next.id);
          if (!conversation) continue;
          controller.enqueue(encoder.encode(`${first ? '\n' : ',\n'}${JSON.stringify(conversation)}`));
          first = false;
          return;
        }
      },
    },
    // Ask for the next conversation only when the previous one has mostly been sent.
    { highWaterMark: 1 },
  );
}

/** A conversation as Markdown: the title, then each message of the active branch under its role. */
export function conversationMarkdown(conversation: ExportedConversation): string {
  const byId = new Map(conversation.messages.map((m) => [m.id, m]));
  const path: ExportedMessage[] = [];
  const seen = new Set<string>();
  for (let id = conversation.currentLeafId; id !== null && !seen.has(id); ) {
    seen.add(id);
    const m = byId.get(id);
    if (!m) break;
    path.push(m);
    id = m.parentId;
  }
  path.reverse();
  const tokensOf = new Map((conversation.files ?? []).map((f) => [f.id, f.tokens]));
  const out = [`# ${conversation.title}`, ''];
  for (const m of path) {
    out.push(`## ${ROLE_HEADING[m.role]}`, '');
    // The attached documents by name (and size in tokens), never their text.
    if (m.attachments?.length) {
      const names = m.attachments.map((a) => {
        const tokens = tokensOf.get(a.fileId);
        return `${escapeMarkdown(a.name)}${tokens === undefined ? '' : ` (${tokens.toLocaleString('en-US')} token${tokens === 1 ? '' : 's'})`}`;
      });
      out.push(`Attached: ${names.join(', ')}`, '');
    }
    const notes = [m.model && m.role === 'assistant' ? m.model : null, STATUS_NOTE[m.status]].filter(Boolean);
    if (notes.length) out.push(`*${notes.join(' · ')}*`, '');
    const content = m.content.trim();
    // A message that is only its attachments needs no "(empty)".
    if (content || !m.attachments?.length) out.push(content || '*(empty)*', '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * A file name as literal Markdown text: `*`, backticks, brackets and the like do not format it.
 * An underscore inside a word (`my_notes.txt`) cannot, so it is left as it is.
 */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*[\]<>~]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, (c) => `\\${c}`);
}

const ROLE_HEADING = { user: 'User', assistant: 'Assistant', system: 'System' } as const;
const STATUS_NOTE: Record<ExportedMessage['status'], string | null> = {
  complete: null,
  streaming: 'still being written',
  stopped: 'stopped',
  error: 'failed',
  interrupted: 'interrupted',
};

/** A file name from a title: ASCII letters and digits joined by dashes ("conversation" when none are left). */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug || 'conversation';
}

/**
 * `Content-Disposition: attachment` with an ASCII `filename` (the slug) and, when the title has
 * other characters (CJK, emoji), a UTF-8 `filename*` that keeps them.
 */
export function attachmentHeader(title: string, extension: string): string {
  const ascii = `${slugify(title)}.${extension}`;
  const unicode = title
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100);
  const hasNonAscii = /[^\u0020-\u007e]/.test(unicode);
  return hasNonAscii && unicode
    ? `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRFC5987(`${unicode}.${extension}`)}`
    : `attachment; filename="${ascii}"`;
}

function encodeRFC5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The name of the full export file, dated. */
export function exportAllFileName(now = new Date()): string {
  return `qwen-chat-export-${now.toISOString().slice(0, 10)}.json`;
}
