import { z } from 'zod';
import { MESSAGE_ROLES, MESSAGE_STATUSES, type MessageRole, type MessageStatus } from '@/db/schema';
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
 *     "messages": [{ "id", "parentId", "role", "content", "status", "error", "model",
 *                    "promptTokens", "completionTokens", "cachedTokens", "contextOmitted", "createdAt", "updatedAt" }] }] }
 * ```
 *
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

export const exportedMessageSchema = z.object({
  id: idSchema,
  parentId: idSchema.nullable().default(null),
  role: z.enum(MESSAGE_ROLES),
  content: z.string(),
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
  })
  .transform((c): ExportedConversation => {
    const title = c.title.replace(/\s+/g, ' ').trim();
    return {
      ...c,
      title: title ? [...title].slice(0, MAX_TITLE_CHARS).join('') : 'Untitled',
      messages: parentsFirst(c.messages.map((m) => ({ ...m, updatedAt: m.updatedAt ?? m.createdAt }))),
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
