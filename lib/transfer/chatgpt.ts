import { z } from 'zod';
import type { MessageRole, MessageStatus } from '@/db/schema';
import { titleFromMessage } from '@/lib/chat/title';
import { describeZodError, MAX_TITLE_CHARS, parentsFirst, TransferFormatError, type ExportedConversation, type ExportedMessage } from './format';

/**
 * One conversation of a ChatGPT data export (`conversations.json`, or the newer split
 * `conversations-000.json`, … files) turned into our rows. Pure: no I/O, ids come from `newId`.
 *
 * ChatGPT stores a conversation as a tree: `mapping` holds every node by id, each with its
 * `parent`, and `current_node` is the tip of the branch the user last saw. We keep the whole tree
 * (edited prompts and regenerated replies stay as sibling versions) but only the messages a person
 * wrote or read: nodes without a message, hidden system/context messages, tool calls and tool
 * output (code interpreter, browsing, plugins), and content that is not text (images, reasoning,
 * quotes) are skipped and counted. A skipped node's children hang from its nearest kept ancestor,
 * so no branch is lost, and a skipped `current_node` becomes its nearest kept ancestor.
 */

export type SkipReason = 'emptyNode' | 'hidden' | 'tool' | 'nonText' | 'empty';

/** Messages left out, by reason, and non-text parts (images, files, audio) dropped from messages. */
export type SkipCounts = Record<SkipReason, number> & { attachments: number };

export function emptySkipCounts(): SkipCounts {
  return { emptyNode: 0, hidden: 0, tool: 0, nonText: 0, empty: 0, attachments: 0 };
}

export function addSkipCounts(into: SkipCounts, from: SkipCounts): void {
  for (const key of Object.keys(into) as (keyof SkipCounts)[]) into[key] += from[key];
}

export type ChatGptConversion = {
  /** ChatGPT's conversation id: the key that makes re-imports idempotent. */
  sourceId: string;
  conversation: ExportedConversation;
  skipped: SkipCounts;
};

const seconds = z.number().finite().nullish();

const messageSchema = z.looseObject({
  id: z.string().nullish(),
  author: z.looseObject({ role: z.string() }),
  create_time: seconds,
  update_time: seconds,
  content: z
    .looseObject({
      content_type: z.string(),
      parts: z.array(z.unknown()).nullish(),
      text: z.unknown().optional(),
    })
    .nullish(),
  status: z.string().nullish(),
  recipient: z.string().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

const nodeSchema = z.looseObject({
  id: z.string().nullish(),
  parent: z.string().nullish(),
  children: z.array(z.string()).nullish(),
  message: z.unknown().nullish(),
});

export const chatGptConversationSchema = z
  .looseObject({
    id: z.string().min(1).max(200).optional(),
    conversation_id: z.string().min(1).max(200).optional(),
    title: z.string().nullish(),
    create_time: seconds,
    update_time: seconds,
    current_node: z.string().nullish(),
    mapping: z.record(z.string(), z.unknown(), { error: 'mapping is missing or is not an object of nodes' }),
  })
  .refine((c) => c.conversation_id !== undefined || c.id !== undefined, {
    message: 'the conversation has no id (neither "id" nor "conversation_id")',
  });

export type ChatGptConversation = z.infer<typeof chatGptConversationSchema>;

/** A best-effort name for a conversation that could not be converted, for the error report. */
export function chatGptLabel(raw: unknown, index: number): string {
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const r = raw as Record<string, unknown>;
    for (const key of ['title', 'conversation_id', 'id']) {
      const v = r[key];
      if (typeof v === 'string' && v.trim()) return [...v.trim()].slice(0, 120).join('');
    }
  }
  return `#${index + 1}`;
}

/** Text content types whose `parts` are what the user saw. */
const TEXT_TYPES = new Set(['text', 'multimodal_text']);
/** Context the model was given but the user never saw as a message (custom instructions, memory). */
const CONTEXT_TYPES = new Set(['user_editable_context', 'model_editable_context']);
/** Content that belongs to a tool call or its output. */
const TOOL_TYPES = new Set(['code', 'execution_output', 'tether_browsing_display', 'tether_quote', 'computer_output', 'system_error']);

type Verdict =
  | { keep: true; role: MessageRole; content: string; attachments: number }
  | { keep: false; reason: SkipReason; attachments: number };

function judge(message: z.infer<typeof messageSchema>): Verdict {
  const role = message.author.role;
  const type = message.content?.content_type ?? '';
  const metadata = message.metadata ?? {};
  const { text, attachments } = extractText(message.content);
  if (role === 'tool' || role === 'function') return { keep: false, reason: 'tool', attachments };
  // An assistant message addressed to something other than the user is a tool call.
  if (message.recipient && message.recipient !== 'all') return { keep: false, reason: 'tool', attachments };
  if (metadata.is_visually_hidden_from_conversation === true || CONTEXT_TYPES.has(type)) {
    return { keep: false, reason: 'hidden', attachments };
  }
  if (TOOL_TYPES.has(type)) return { keep: false, reason: 'tool', attachments };
  if (role !== 'user' && role !== 'assistant' && role !== 'system') return { keep: false, reason: 'nonText', attachments };
  if (!TEXT_TYPES.has(type)) return { keep: false, reason: 'nonText', attachments };
  if (text.trim() === '') return { keep: false, reason: attachments > 0 ? 'nonText' : role === 'system' ? 'hidden' : 'empty', attachments };
  return { keep: true, role, content: text, attachments };
}

/** The text parts of a message (voice transcripts included), and how many non-text parts it had. */
function extractText(content: z.infer<typeof messageSchema>['content']): { text: string; attachments: number } {
  if (!content || !TEXT_TYPES.has(content.content_type)) return { text: '', attachments: 0 };
  const texts: string[] = [];
  let attachments = 0;
  for (const part of content.parts ?? []) {
    if (typeof part === 'string') {
      if (part !== '') texts.push(part);
    } else if (part && typeof part === 'object') {
      const p = part as Record<string, unknown>;
      if (p.content_type === 'audio_transcription' && typeof p.text === 'string') {
        if (p.text.trim()) texts.push(p.text);
      } else {
        attachments++;
      }
    }
  }
  return { text: texts.join('\n\n'), attachments };
}

function status(message: z.infer<typeof messageSchema>): { status: MessageStatus; error: string | null } {
  const finish = (message.metadata?.finish_details as { type?: unknown } | undefined)?.type;
  if (message.status === 'in_progress') {
    return { status: 'interrupted', error: 'This reply was still being written when the conversation was exported from ChatGPT.' };
  }
  if (message.status === 'finished_partial_completion' || finish === 'interrupted') return { status: 'stopped', error: null };
  return { status: 'complete', error: null };
}

const ms = (s: number | null | undefined): number | null => (typeof s === 'number' && s >= 0 ? Math.round(s * 1000) : null);

type Node = { id: string; parent: string | null; message: z.infer<typeof messageSchema> | null };

/**
 * Converts one ChatGPT conversation. Throws TransferFormatError (with a one-line reason) when it
 * is not a conversation we can read; a node that is merely odd is skipped and counted instead.
 */
export function convertChatGptConversation(raw: unknown, newId: () => string, now = Date.now()): ChatGptConversion {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new TransferFormatError('not a ChatGPT conversation (expected an object)');
  const parsed = chatGptConversationSchema.safeParse(raw);
  if (!parsed.success) throw new TransferFormatError(describeZodError(parsed.error));
  const conv = parsed.data;
  const sourceId = (conv.conversation_id ?? conv.id)!;
  const skipped = emptySkipCounts();

  // The nodes, keyed by their mapping key (which is also their id in every real export).
  const nodes = new Map<string, Node>();
  for (const [key, value] of Object.entries(conv.mapping)) {
    const node = nodeSchema.safeParse(value);
    if (!node.success) throw new TransferFormatError(`mapping.${key}: ${describeZodError(node.error)}`);
    let message: Node['message'] = null;
    if (node.data.message !== null && node.data.message !== undefined) {
      const m = messageSchema.safeParse(node.data.message);
      if (!m.success) throw new TransferFormatError(`mapping.${key}.message: ${describeZodError(m.error)}`);
      message = m.data;
    }
    nodes.set(key, { id: key, parent: node.data.parent ?? null, message });
  }

  // Decide which nodes become messages.
  const kept = new Map<string, { role: MessageRole; content: string }>();
  for (const node of nodes.values()) {
    if (!node.message) {
      skipped.emptyNode++;
      continue;
    }
    const verdict = judge(node.message);
    skipped.attachments += verdict.attachments;
    if (verdict.keep) kept.set(node.id, { role: verdict.role, content: verdict.content });
    else skipped[verdict.reason]++;
  }

  // Nearest kept ancestor of every node (memoised; a parent link to an unknown node ends the walk).
  const keptAncestor = new Map<string, string | null>();
  const nearestKept = (start: string | null): string | null => {
    const walked: string[] = [];
    const seen = new Set<string>();
    let id = start;
    let found: string | null = null;
    while (id !== null) {
      if (keptAncestor.has(id)) {
        found = keptAncestor.get(id)!;
        break;
      }
      if (seen.has(id)) throw new TransferFormatError('the mapping’s parent links form a cycle');
      seen.add(id);
      const node = nodes.get(id);
      if (!node) break;
      if (kept.has(id)) {
        found = id;
        break;
      }
      walked.push(id);
      id = node.parent;
    }
    for (const w of walked) keptAncestor.set(w, found);
    return found;
  };

  const convCreated = ms(conv.create_time);
  const messages: ExportedMessage[] = [];
  const createdOf = new Map<string, number>();
  // Parents first, so a message without a time can take its parent's.
  const order = parentsFirst([...kept.keys()].map((id) => ({ id, parentId: nearestKept(nodes.get(id)!.parent) })));
  const idOf = new Map(order.map((n) => [n.id, newId()]));
  for (const { id, parentId } of order) {
    const node = nodes.get(id)!;
    const message = node.message!;
    const { role, content } = kept.get(id)!;
    const createdAt = ms(message.create_time) ?? (parentId !== null ? createdOf.get(parentId)! : null) ?? convCreated ?? now;
    createdOf.set(id, createdAt);
    const model = message.metadata?.model_slug;
    messages.push({
      id: idOf.get(id)!,
      parentId: parentId !== null ? idOf.get(parentId)! : null,
      role,
      content,
      ...status(message),
      model: typeof model === 'string' && model ? model.slice(0, 200) : null,
      promptTokens: null,
      completionTokens: null,
      cachedTokens: null,
      contextOmitted: null,
      createdAt,
      updatedAt: Math.max(createdAt, ms(message.update_time) ?? createdAt),
    });
  }

  // The active branch: current_node (or its nearest kept ancestor); without one, the newest leaf.
  const current = conv.current_node && nodes.has(conv.current_node) ? nearestKept(conv.current_node) : null;
  const currentLeafId = current !== null ? idOf.get(current)! : newestLeaf(messages);

  const times = messages.map((m) => m.createdAt);
  const createdAt = convCreated ?? (times.length ? Math.min(...times) : now);
  const lastActivity = messages.reduce((max, m) => Math.max(max, m.updatedAt), createdAt);
  const updatedAt = Math.max(ms(conv.update_time) ?? lastActivity, createdAt);

  return {
    sourceId,
    skipped,
    conversation: {
      id: newId(),
      title: titleOf(conv.title, messages, currentLeafId),
      createdAt,
      updatedAt,
      pinnedAt: null,
      settings: null,
      currentLeafId,
      source: 'chatgpt',
      sourceId,
      messages,
    },
  };
}

function newestLeaf(messages: ExportedMessage[]): string | null {
  const parents = new Set(messages.map((m) => m.parentId));
  let best: ExportedMessage | undefined;
  for (const m of messages) if (!parents.has(m.id) && (!best || m.createdAt >= best.createdAt)) best = m;
  return best?.id ?? null;
}

function titleOf(raw: string | null | undefined, messages: ExportedMessage[], leafId: string | null): string {
  const title = (raw ?? '').replace(/\s+/g, ' ').trim();
  if (title) return [...title].slice(0, MAX_TITLE_CHARS).join('');
  // No title in the export: name it after the first user message of the active branch.
  const byId = new Map(messages.map((m) => [m.id, m]));
  let first: ExportedMessage | undefined;
  for (let m = leafId ? byId.get(leafId) : undefined; m; m = m.parentId ? byId.get(m.parentId) : undefined) {
    if (m.role === 'user') first = m;
  }
  first ??= messages.find((m) => m.role === 'user');
  return first ? titleFromMessage(first.content) : 'Imported chat';
}
