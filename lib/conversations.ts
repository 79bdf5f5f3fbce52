import 'server-only';
import { z } from 'zod';
import {
  deleteConversation,
  getConversation,
  listConversations,
  listPinned,
  updateConversation,
  type ConversationSummary as ConversationRowSummary,
  type PageCursor,
} from '@/db/conversations';
import { getActivePath, getActivePathPage, getBranchInfo, getMessage, getUsageByModel, selectBranch } from '@/db/messages';
import type { DB } from '@/db/client';
import { ApiError } from '@/lib/api/errors';
import type { AppConfig } from '@/lib/config';
import { cacheSaving, estimateCost, type UsageTotals } from '@/lib/cost';
import { pricesForModel } from '@/lib/chat/models';
import { titleBeingWritten } from '@/lib/chat/auto-title';
import { activeGeneration } from '@/lib/chat/generation';
import type { LiveReplies } from '@/lib/chat/live-replies';
import { idSchema } from '@/lib/chat/ids';
import {
  applySettingsPatch,
  effectiveSettings,
  readStoredSettings,
  settingsPatchSchema,
  type ConversationSettings,
} from '@/lib/chat/settings';
import { buildUpstreamRequest, contextBudget, defaultSettings, projectPrompt, type PromptDocument } from '@/lib/chat/turn';
import { toUIMessage, type AttachmentInfo, type ChatUIMessage } from '@/lib/chat/ui-message';
import { conversationFileIds, deleteUnreferencedFiles, getMessageAttachments, type Attachment } from '@/db/files';
import { getProject } from '@/db/projects';

export const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

const titleSchema = z
  .string()
  .transform((t) => t.replace(/\s+/g, ' ').trim())
  .pipe(z.string().min(1, 'title must not be empty').max(200, 'title must be at most 200 characters'));

export const renameSchema = z.object({ title: titleSchema });

/**
 * PATCH /api/conversations/:id — any of: a new title, pinned or not, a change to the settings, the
 * project it belongs to (null: none).
 */
export const updateSchema = z
  .object({
    title: titleSchema.optional(),
    pinned: z.boolean().optional(),
    settings: settingsPatchSchema.optional(),
    projectId: idSchema.nullable().optional(),
  })
  .strict()
  .refine((u) => u.title !== undefined || u.pinned !== undefined || u.settings !== undefined || u.projectId !== undefined, {
    message: 'nothing to change: send title, pinned, settings or projectId',
  });

export { idSchema as conversationIdSchema };

export type ConversationSummary = Omit<ConversationRowSummary, 'pinnedAt'> & { pinned: boolean };

function summary(row: ConversationRowSummary): ConversationSummary {
  return { id: row.id, title: row.title, createdAt: row.createdAt, updatedAt: row.updatedAt, pinned: row.pinnedAt !== null };
}

export function encodeCursor(c: PageCursor): string {
  return Buffer.from(`${c.updatedAt}:${c.id}`).toString('base64url');
}

export function decodeCursor(raw: string): PageCursor {
  const text = Buffer.from(raw, 'base64url').toString('utf8');
  const match = /^(\d{1,16}):([A-Za-z0-9_-]{1,64})$/.exec(text);
  if (!match) throw new ApiError('bad_request', 'cursor: not a cursor this server issued.');
  return { updatedAt: Number(match[1]), id: match[2]! };
}

export type ConversationPage = {
  conversations: ConversationSummary[];
  nextCursor: string | null;
  /** On the first page only: the pinned conversations, for the top of the sidebar. */
  pinned?: ConversationSummary[];
};

export async function listPage(db: DB, query: z.infer<typeof listQuerySchema>): Promise<ConversationPage> {
  const [page, pinned] = await Promise.all([
    listConversations(db, { limit: query.limit, after: query.cursor ? decodeCursor(query.cursor) : undefined }),
    query.cursor ? undefined : listPinned(db),
  ]);
  return {
    conversations: page.conversations.map(summary),
    nextCursor: page.next ? encodeCursor(page.next) : null,
    ...(pinned ? { pinned: pinned.map(summary) } : {}),
  };
}

/** Messages a conversation page opens with; older ones load as the user scrolls up. */
export const MESSAGE_PAGE = 100;

export type ConversationDetail = ConversationSummary & {
  /** The newest messages of the active branch (all of it for GET with ?all=1). */
  messages: ChatUIMessage[];
  /** More, older messages precede these: GET /api/conversations/:id/messages?before=<first id>. */
  hasOlder: boolean;
  generating: boolean;
  projectId: string | null;
  project: { id: string; name: string } | null;
  /** The conversation's own settings, and the server defaults they override. */
  settings: ConversationSettings;
  defaults: ConversationSettings;
  /** Every reply's tokens, all versions included, and what they cost at the configured prices. */
  usage: UsageTotals & { costUsd: number; cacheSavedUsd: number };
  /** How the next request fits the context window. */
  context: ContextInfo;
};

/** How the next request fits the context window; fixedTokens is what it carries whatever the history. */
export type ContextInfo = { tokens: number; budget: number; window: number; omitted: number; fixedTokens: number };

/** The context of a new chat (in a project, with its instructions and files) before its first message. */
export async function newChatContext(db: DB, config: AppConfig, projectId?: string): Promise<ContextInfo> {
  const settings = defaultSettings(config);
  const project = projectId ? await projectPrompt(db, projectId) : undefined;
  const fixed = buildUpstreamRequest([], settings, config, { project }).tokens;
  return { tokens: fixed, budget: contextBudget(settings, config), window: config.CONTEXT_WINDOW_TOKENS, omitted: 0, fixedTokens: fixed };
}

export async function loadConversation(
  db: DB,
  config: AppConfig,
  id: string,
  {
    pageSize = MESSAGE_PAGE,
    include,
  }: {
    pageSize?: number;
    /** A message the page must contain when it is on the active branch (a search result, ?m=). */
    include?: string;
  } = {},
): Promise<ConversationDetail | undefined> {
  const conversation = await getConversation(db, id);
  if (!conversation) return undefined;
  const path = await getActivePath(db, conversation.currentLeafId);
  // Normally the newest pageSize messages; to reach an older `include`, start a few messages before it.
  const at = include ? path.findIndex((m) => m.id === include) : -1;
  const page = path.slice(at >= 0 ? Math.max(0, Math.min(path.length - pageSize, at - 10)) : -pageSize);
  const [branches, attached, projectRow, byModel] = await Promise.all([
    getBranchInfo(db, id, page),
    getMessageAttachments(
      db,
      path.filter((m) => m.role === 'user').map((m) => m.id),
    ),
    conversation.projectId ? getProject(db, conversation.projectId) : undefined,
    getUsageByModel(db, id),
  ]);
  const own = readStoredSettings(conversation.settings);
  const defaults = defaultSettings(config);
  const settings = effectiveSettings(defaults, own);
  const project = projectRow ? await projectPrompt(db, projectRow.id) : undefined;
  const next = buildUpstreamRequest(
    path.map((m) => withDocuments(m, attached.get(m.id))),
    settings,
    config,
    { project },
  );
  const usage = totalUsage(byModel);
  // Each reply is priced at its own model's rates; what the cache saved likewise.
  const costUsd = byModel.reduce((sum, u) => sum + estimateCost(u, pricesForModel(config, u.model)), 0);
  const cacheSavedUsd = byModel.reduce((sum, u) => sum + cacheSaving(u.cachedTokens, pricesForModel(config, u.model)), 0);
  return {
    ...summary(conversation),
    messages: page.map((m) => toUIMessage(m, branches.get(m.id), attachmentInfo(attached.get(m.id)))),
    projectId: conversation.projectId,
    project: projectRow ? { id: projectRow.id, name: projectRow.name } : null,
    hasOlder: page.length < path.length,
    // Also a reply another instance is writing (REDIS_URL): it is stored as streaming until it ends.
    generating: activeGeneration(id) !== undefined || page.at(-1)?.status === 'streaming',
    settings: own,
    defaults,
    usage: { ...usage, costUsd, cacheSavedUsd },
    context: {
      tokens: next.tokens,
      budget: contextBudget(settings, config),
      window: config.CONTEXT_WINDOW_TOKENS,
      omitted: next.omitted,
      fixedTokens: buildUpstreamRequest([], settings, config, { project }).tokens,
    },
  };
}

function withDocuments<M extends object>(message: M, files: Attachment[] | undefined): M & { documents?: PromptDocument[] } {
  return files ? { ...message, documents: files.map((f) => ({ fileId: f.id, name: f.name, tokens: f.tokens })) } : message;
}

function attachmentInfo(files: Attachment[] | undefined): AttachmentInfo[] | undefined {
  return files?.map((f) => ({ id: f.id, name: f.name, kind: f.kind, sizeBytes: f.sizeBytes, tokens: f.tokens, pages: f.pages }));
}

function totalUsage(rows: UsageTotals[]): UsageTotals {
  const total = { promptTokens: 0, completionTokens: 0, cachedTokens: 0 };
  for (const r of rows) {
    total.promptTokens += r.promptTokens;
    total.completionTokens += r.completionTokens;
    total.cachedTokens += r.cachedTokens;
  }
  return total;
}

export function pricesOf(config: AppConfig) {
  return { input: config.PRICE_INPUT_PER_M, cachedInput: config.PRICE_CACHED_INPUT_PER_M, output: config.PRICE_OUTPUT_PER_M };
}

export const olderQuerySchema = z.object({
  before: idSchema,
  limit: z.coerce.number().int().min(1).max(500).default(MESSAGE_PAGE),
});

/** The page of the active branch just before message `before` (which must be on it). */
export async function loadOlderMessages(
  db: DB,
  id: string,
  query: z.infer<typeof olderQuerySchema>,
): Promise<{ messages: ChatUIMessage[]; hasOlder: boolean }> {
  if (!(await getConversation(db, id))) throw new ApiError('not_found', 'No conversation with that id.');
  const anchor = await getMessage(db, query.before);
  if (!anchor || anchor.conversationId !== id) throw new ApiError('not_found', 'No message with that id in this conversation.');
  const page = await getActivePathPage(db, anchor.parentId, query.limit);
  const [branches, attached] = await Promise.all([
    getBranchInfo(db, id, page.messages),
    getMessageAttachments(
      db,
      page.messages.filter((m) => m.role === 'user').map((m) => m.id),
    ),
  ]);
  return {
    messages: page.messages.map((m) => toUIMessage(m, branches.get(m.id), attachmentInfo(attached.get(m.id)))),
    hasOlder: page.hasOlder,
  };
}

export async function requireConversation(
  db: DB,
  config: AppConfig,
  id: string,
  options?: { pageSize?: number },
): Promise<ConversationDetail> {
  const found = await loadConversation(db, config, id, options);
  if (!found) throw new ApiError('not_found', 'No conversation with that id.');
  return found;
}

export async function update(
  db: DB,
  id: string,
  change: z.infer<typeof updateSchema>,
): Promise<ConversationSummary & { settings: ConversationSettings; projectId: string | null }> {
  const current = await getConversation(db, id);
  if (!current) throw new ApiError('not_found', 'No conversation with that id.');
  if (change.projectId && !(await getProject(db, change.projectId))) throw new ApiError('not_found', 'No project with that id.');
  let settings: ConversationSettings | undefined;
  if (change.settings) {
    try {
      settings = applySettingsPatch(readStoredSettings(current.settings), change.settings);
    } catch {
      throw new ApiError('bad_request', 'settings: out of range.');
    }
  }
  const row = (await updateConversation(db, id, {
    // A title the user gave is never replaced by one the model writes.
    ...(change.title !== undefined ? { title: change.title, titleSource: 'user' as const } : {}),
    ...(change.pinned !== undefined ? { pinnedAt: change.pinned ? Date.now() : null } : {}),
    ...(settings ? { settings } : {}),
    ...(change.projectId !== undefined ? { projectId: change.projectId } : {}),
  }))!;
  return { ...summary(row), projectId: row.projectId, settings: readStoredSettings(row.settings) };
}

/** Shows another version of a message: the branch through it becomes the active one. */
export async function switchBranch(db: DB, config: AppConfig, id: string, messageId: string): Promise<ConversationDetail> {
  if (activeGeneration(id)) throw new ApiError('conflict', 'Wait for the reply being written to finish, or stop it.');
  if (!(await getConversation(db, id))) throw new ApiError('not_found', 'No conversation with that id.');
  if (!(await selectBranch(db, id, messageId))) throw new ApiError('not_found', 'No message with that id in this conversation.');
  return requireConversation(db, config, id);
}

export async function remove(db: DB, id: string, live: Pick<LiveReplies, 'requestStop'>): Promise<void> {
  // Stop a reply still being written, so it does not try to store itself into a deleted conversation.
  live.requestStop(id);
  const fileIds = await conversationFileIds(db, id);
  if (!(await deleteConversation(db, id))) throw new ApiError('not_found', 'No conversation with that id.');
  // Its files go with it, unless another message or a project still has them.
  await deleteUnreferencedFiles(db, { ids: fileIds });
}

/** The conversation's title, once a title being written by the model (after its first reply) is done. */
export async function awaitTitle(db: DB, id: string): Promise<{ title: string; titleSource: string | null }> {
  await titleBeingWritten(id, 10_000);
  const row = await getConversation(db, id);
  if (!row) throw new ApiError('not_found', 'No conversation with that id.');
  return { title: row.title, titleSource: row.titleSource };
}
