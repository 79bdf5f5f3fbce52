import 'server-only';
import type { ModelMessage } from 'ai';
import { z } from 'zod';
import { beginTurn, finishReply, getActivePath, getMessage, saveReplyProgress, type PromptMessage } from '@/db/messages';
import { getFileMetas, getMessageAttachments, listProjectFiles } from '@/db/files';
import { getProject } from '@/db/projects';
import { fileTexts } from '@/lib/attachments/file-texts';
import { safeFileName } from '@/lib/attachments/file-name';
import { fileIdSchema } from '@/lib/attachments/file-id';
import { getConversation } from '@/db/conversations';
import type { MessageRow } from '@/db/schema';
import type { DB } from '@/db/client';
import { violatedConstraint } from '@/db/errors';
import type { AppConfig } from '@/lib/config';
import { ApiError } from '@/lib/api/errors';
import { startGeneration, type Generation } from './generation';
import type { LiveReplies } from './live-replies';
import { idSchema, newId } from './ids';
import { chatModel, upstreamEndpoint } from './model';
import { estimateTokens, fitToBudget } from './context-window';
import {
  conversationSettingsSchema,
  effectiveSettings,
  readStoredSettings,
  toCallSettings,
  type ConversationSettings,
} from './settings';
import { titleFromMessage } from './title';
import { startTitleJob } from './auto-title';
import { documentOverheadTokens, withDocuments } from '@/lib/attachments/document-block';

const textPart = z.looseObject({ type: z.string(), text: z.string().optional() });

/**
 * A user message as the AI SDK's useChat sends it (`parts`), or in the simpler shapes a script
 * would write (`text`, or OpenAI-style `content`).
 */
/** A file uploaded with POST /api/files, attached under the name the user sees. */
const incomingAttachment = z.object({ id: fileIdSchema, name: z.string().max(1_000) });

const incomingMessage = z.looseObject({
  id: idSchema.optional(),
  attachments: z.array(incomingAttachment).max(500).optional(),
  role: z.literal('user').optional(),
  parts: z.array(textPart).max(100).optional(),
  text: z.string().optional(),
  content: z.string().optional(),
});

export const chatRequestSchema = z.object({
  /** The conversation; created on its first message. Omit it to start a new one. */
  id: idSchema.optional(),
  trigger: z.enum(['submit-message', 'regenerate-message']).default('submit-message'),
  message: incomingMessage.optional(),
  /** useChat's default body sends the whole list; only its last user message is new. */
  messages: z.array(incomingMessage.or(z.looseObject({ role: z.string() }))).max(10_000).optional(),
  /** With regenerate-message: the assistant reply to replace with a new version. */
  messageId: idSchema.optional(),
  /**
   * Edit: the new user message goes beside an earlier one, under this parent (the reply it
   * followed; null for the first message). Absent: after the current branch tip.
   */
  parentId: idSchema.nullable().optional(),
  /** Settings for a conversation created by this message (ignored for an existing one). */
  settings: conversationSettingsSchema.optional(),
  /** The project a conversation created by this message belongs to (ignored for an existing one). */
  projectId: idSchema.optional(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;

function userText(message: z.infer<typeof incomingMessage>): string {
  if (message.text !== undefined) return message.text;
  if (message.content !== undefined) return message.content;
  return (message.parts ?? []).map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('');
}

function pickUserMessage(request: ChatRequest): z.infer<typeof incomingMessage> | undefined {
  if (request.message) return request.message;
  const last = request.messages?.at(-1);
  const parsed = incomingMessage.safeParse(last);
  return parsed.success && (last as { role?: string } | undefined)?.role === 'user' ? parsed.data : undefined;
}

export type UpstreamRequest = {
  system: string | undefined;
  messages: ModelMessage[];
  /** Oldest messages left out to fit the context budget. */
  omitted: number;
  /** Estimated prompt size. */
  tokens: number;
};

/** A file as it goes upstream: its text is looked up by id only for what is actually sent. */
export type PromptDocument = { fileId: string; name: string; tokens: number };

export type PromptHistoryMessage = Pick<MessageRow, 'role' | 'content'> & { id?: string; documents?: PromptDocument[] };

/** What a project adds to each of its chats' requests. */
export type ProjectPrompt = { instructions: string; documents: PromptDocument[] };

/** Texts of files by id (see lib/attachments/file-texts.ts). */
export type FileTextLookup = (ids: string[]) => Map<string, string>;

export function documentTokens(documents: PromptDocument[] | undefined): number {
  let tokens = 0;
  for (const d of documents ?? []) tokens += d.tokens + documentOverheadTokens(d.name);
  return tokens;
}

/**
 * What goes upstream for a conversation's active path: the system prompt (never dropped), then
 * the newest messages that fit the context budget. A project's files open the system prompt,
 * then its instructions, then the conversation's own system prompt: the largest and most stable
 * part first, so every request of every chat in the project starts with the same prefix and the
 * upstream's prompt cache can serve it. A message's attached files go whole before its text.
 * Empty replies (failed before any text) carry nothing for the model and are skipped.
 */
export function buildUpstreamRequest(
  history: PromptHistoryMessage[],
  settings: ConversationSettings,
  config: Pick<AppConfig, 'CONTEXT_WINDOW_TOKENS' | 'CONTEXT_BUDGET_TOKENS'>,
  { project, texts }: { project?: ProjectPrompt; texts?: FileTextLookup } = {},
): UpstreamRequest {
  const ownPrompt = settings.systemPrompt?.trim() ? settings.systemPrompt : undefined;
  const instructions = [project?.instructions.trim() || undefined, ownPrompt].filter(Boolean).join('\n\n');
  const projectDocuments = project?.documents ?? [];
  const systemTokens = (instructions ? estimateTokens(instructions) : 0) + documentTokens(projectDocuments);
  const usable = history
    .filter((m) => (m.content || m.documents?.length) && m.role !== 'system')
    .map((m) => (m.documents?.length ? { ...m, extraTokens: documentTokens(m.documents) } : m));
  const budget = contextBudget(settings, config);
  const fitted = fitToBudget(usable, budget, systemTokens);
  // Texts only for what is sent: estimating the context (the gauge) needs none.
  const wanted = texts
    ? [...projectDocuments, ...fitted.kept.flatMap((m) => m.documents ?? [])].map((d) => d.fileId)
    : [];
  const found = texts && wanted.length ? texts(wanted) : new Map<string, string>();
  const withText = (docs: PromptDocument[]) => docs.map((d) => ({ name: d.name, text: found.get(d.fileId) ?? '' }));
  const system = projectDocuments.length || instructions ? withDocuments(instructions, withText(projectDocuments)) : undefined;
  return {
    system,
    messages: fitted.kept.map(
      (m) =>
        ({
          role: m.role === 'user' ? 'user' : 'assistant',
          content: m.documents?.length ? withDocuments(m.content, withText(m.documents)) : m.content,
        }) as ModelMessage,
    ),
    omitted: fitted.omitted,
    tokens: fitted.tokens,
  };
}

/** Prompt tokens a request may use: the window (or a configured smaller budget) less room for the reply. */
export function contextBudget(
  settings: ConversationSettings,
  config: Pick<AppConfig, 'CONTEXT_WINDOW_TOKENS' | 'CONTEXT_BUDGET_TOKENS'>,
): number {
  const window = Math.min(config.CONTEXT_WINDOW_TOKENS, config.CONTEXT_BUDGET_TOKENS ?? Infinity);
  return Math.max(100, window - (settings.maxTokens ?? 8_192));
}

export function defaultSettings(config: AppConfig): ConversationSettings {
  return conversationSettingsSchema.parse(
    Object.fromEntries(
      Object.entries({
        systemPrompt: config.DEFAULT_SYSTEM_PROMPT,
        temperature: config.DEFAULT_TEMPERATURE,
        topP: config.DEFAULT_TOP_P,
        maxTokens: config.DEFAULT_MAX_TOKENS,
        presencePenalty: config.DEFAULT_PRESENCE_PENALTY,
        frequencyPenalty: config.DEFAULT_FREQUENCY_PENALTY,
        seed: config.DEFAULT_SEED,
      }).filter(([, v]) => v !== undefined),
    ),
  );
}

export type StartedTurn = {
  conversationId: string;
  created: boolean;
  generation: Generation;
  /** Server time before the upstream call, in ms: storing the message and reading the branch, then fitting it into the prompt. */
  timings: { storeMs: number; promptMs: number };
};

/**
 * Stores the user's message (and a placeholder for the reply) before anything goes upstream,
 * then starts generating. The work before the upstream call is one transaction (synchronous on SQLite).
 */
export async function startTurn(db: DB, config: AppConfig, request: ChatRequest, live: LiveReplies): Promise<StartedTurn> {
  const conversationId = request.id ?? newId();
  const assistantId = newId();
  // Claimed before anything is stored: a reply stored as streaming always has a live claim (or had one).
  if (!(await live.claim(conversationId, assistantId))) {
    throw new ApiError('conflict', 'A reply is still being written in this conversation. Stop it or wait for it to finish.');
  }
  try {
    const turn = await beginAndStart(db, config, request, conversationId, assistantId);
    live.track(turn.generation);
    return turn;
  } catch (error) {
    live.release(conversationId);
    throw error;
  }
}

async function beginAndStart(
  db: DB,
  config: AppConfig,
  request: ChatRequest,
  conversationId: string,
  assistantId: string,
): Promise<StartedTurn> {
  const now = Date.now();
  const started = performance.now();
  let begun: Awaited<ReturnType<typeof beginTurn>>;
  /** What the conversation's title is written from, when this turn creates it. */
  let firstMessage = '';

  if (request.trigger === 'regenerate-message') {
    const conversation = await getConversation(db, conversationId);
    if (!conversation) throw new ApiError('not_found', 'No conversation with that id.');
    const path = await getActivePath(db, conversation.currentLeafId);
    // The reply is regenerated from the user message it answered (the latest one by default).
    const target = request.messageId ? path.findIndex((m) => m.id === request.messageId) : path.length - 1;
    const from = path.slice(0, target + 1).findLast((m) => m.role === 'user');
    if (target < 0 || !from) throw new ApiError('not_found', 'No message to regenerate.');
    begun = await beginTurn(db, {
      conversationId,
      title: conversation.title,
      user: null,
      regenerateFrom: from.id,
      assistantId,
      model: (stored) => modelOf(config, stored),
      now,
    });
  } else {
    const message = pickUserMessage(request);
    if (!message) throw new ApiError('bad_request', 'message: a user message is required.');
    const text = userText(message);
    const attachments = await resolveAttachments(db, config, message.attachments ?? []);
    firstMessage = text.trim() || attachments.map((a) => a.name).join(', ');
    if (request.parentId) {
      const parent = await getMessage(db, request.parentId);
      if (!parent || parent.conversationId !== conversationId || parent.role !== 'assistant') {
        throw new ApiError('bad_request', 'parentId: not a reply in this conversation.');
      }
    }
    if (!text.trim() && attachments.length === 0) throw new ApiError('bad_request', 'message: the message is empty.');
    if (text.length > config.MAX_MESSAGE_CHARS) {
      throw new ApiError('payload_too_large', `message: longer than the limit of ${config.MAX_MESSAGE_CHARS} characters.`);
    }
    const conversation = request.projectId || attachments.length ? await getConversation(db, conversationId) : undefined;
    const projectId = conversation ? conversation.projectId : (request.projectId ?? null);
    if (!conversation && projectId && !(await getProject(db, projectId))) throw new ApiError('not_found', 'No project with that id.');
    if (attachments.length) {
      const settings = effectiveSettings(defaultSettings(config), readStoredSettings(conversation ? conversation.settings : request.settings));
      assertDocumentsFit(text, attachments, settings, config, projectId ? await projectPrompt(db, projectId) : undefined);
    }
    try {
      begun = await beginTurn(db, {
        conversationId,
        title: titleFromMessage(text || attachments[0]!.name),
        settings: request.settings ?? null,
        projectId,
        user: {
          id: message.id ?? newId(),
          content: text,
          parentId: request.parentId,
          attachments: attachments.map((a) => ({ fileId: a.fileId, name: a.name })),
        },
        assistantId,
        model: (stored) => modelOf(config, stored),
        now,
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ApiError('conflict', 'A message with that id already exists.');
      throw error;
    }
  }

  const stored = performance.now();
  const settings = effectiveSettings(defaultSettings(config), readStoredSettings(begun.settings));
  const [history, project] = await Promise.all([
    withAttachedDocuments(db, begun.history),
    begun.projectId ? projectPrompt(db, begun.projectId) : undefined,
  ]);
  const upstream = await buildWithTexts(db, history, settings, config, project);
  const timings = { storeMs: stored - started, promptMs: performance.now() - stored };
  const generation = startGeneration({
    conversationId,
    messageId: assistantId,
    endpoint: upstreamEndpoint(config),
    modelName: settings.model ?? config.CHAT_MODEL,
    system: upstream.system,
    messages: upstream.messages,
    settings: toCallSettings(settings),
    startMetadata: { contextOmitted: upstream.omitted, contextTokens: upstream.tokens },
    firstTokenTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
    onProgress: (content) => saveReplyProgress(db, assistantId, content, Date.now()),
    onEnd: async (outcome) => {
      await finishReply(
        db,
        assistantId,
        {
          content: outcome.content,
          status: outcome.status,
          error: outcome.failure?.message,
          usage: outcome.usage,
          contextOmitted: upstream.omitted,
        },
        Date.now(),
      );
      if (begun.created && outcome.status === 'complete' && config.AUTO_TITLE) {
        void startTitleJob(db, { conversationId, model: chatModel(config, settings.model), firstMessage, reply: outcome.content });
      }
    },
  });
  return { conversationId, created: begun.created, generation, timings };
}

/**
 * The upstream request with its documents' texts. buildUpstreamRequest is synchronous and asks for
 * the texts of only the documents that fit the budget: a first pass learns which (no documents, no
 * pass), then just those are read (cached in memory; from the database on a miss), then it is built.
 */
async function buildWithTexts(
  db: DB,
  history: PromptHistoryMessage[],
  settings: ConversationSettings,
  config: AppConfig,
  project: ProjectPrompt | undefined,
): Promise<UpstreamRequest> {
  if (!project?.documents.length && !history.some((m) => m.documents?.length)) return buildUpstreamRequest(history, settings, config, { project });
  let wanted: string[] = [];
  buildUpstreamRequest(history, settings, config, {
    project,
    texts: (ids) => {
      wanted = ids;
      return new Map();
    },
  });
  const texts = wanted.length ? await fileTexts(db, wanted) : new Map<string, string>();
  return buildUpstreamRequest(history, settings, config, { project, texts: () => texts });
}

/** The files named by a message, as stored: each must have been uploaded (POST /api/files). */
async function resolveAttachments(
  db: DB,
  config: AppConfig,
  incoming: z.infer<typeof incomingAttachment>[],
): Promise<PromptDocument[]> {
  if (incoming.length > config.MAX_FILES_PER_MESSAGE) {
    throw new ApiError('bad_request', `At most ${config.MAX_FILES_PER_MESSAGE} files can be attached to one message.`);
  }
  const metas = await getFileMetas(
    db,
    incoming.map((a) => a.id),
  );
  return incoming.map((a) => {
    const name = safeFileName(a.name);
    const meta = metas.get(a.id);
    if (!meta) throw new ApiError('bad_request', `${name} is no longer on the server. Remove it and attach it again.`);
    return { fileId: a.id, name, tokens: meta.tokens };
  });
}

/**
 * Refuses, before anything is stored, a message whose own files cannot fit the context budget
 * even with every older turn left out: the user is told which file does not fit, instead of the
 * document being cut or the upstream failing.
 */
function assertDocumentsFit(
  text: string,
  documents: PromptDocument[],
  settings: ConversationSettings,
  config: AppConfig,
  project: ProjectPrompt | undefined,
): void {
  const budget = contextBudget(settings, config);
  const request = buildUpstreamRequest([], settings, config, { project });
  let used = request.tokens + estimateTokens(text);
  const over: string[] = [];
  for (const d of documents) {
    used += d.tokens + documentOverheadTokens(d.name);
    if (used > budget) over.push(`${d.name} (${d.tokens.toLocaleString('en')} tokens)`);
  }
  if (over.length) {
    throw new ApiError(
      'payload_too_large',
      `${over.join(', ')} ${over.length > 1 ? 'do' : 'does'} not fit: this message needs about ${used.toLocaleString('en')} tokens and a request can use ${budget.toLocaleString('en')}. Remove ${over.length > 1 ? 'them' : 'it'} or attach a shorter file.`,
    );
  }
}

/** The history with the files attached to its messages (read only for messages that have some). */
async function withAttachedDocuments(db: DB, history: PromptMessage[]): Promise<PromptHistoryMessage[]> {
  const ids = history.filter((m) => m.hasFiles).map((m) => m.id);
  if (ids.length === 0) return history;
  const attached = await getMessageAttachments(db, ids);
  return history.map((m) => {
    const files = attached.get(m.id);
    return files ? { ...m, documents: files.map((f) => ({ fileId: f.id, name: f.name, tokens: f.tokens })) } : m;
  });
}

/** A project's instructions and files, as every request of its chats begins. */
export async function projectPrompt(db: DB, projectId: string): Promise<ProjectPrompt | undefined> {
  const [project, files] = await Promise.all([getProject(db, projectId), listProjectFiles(db, projectId)]);
  if (!project) return undefined;
  return {
    instructions: project.instructions,
    documents: files.map((f) => ({ fileId: f.id, name: f.name, tokens: f.tokens })),
  };
}

/** The model a conversation talks to: its own choice, else CHAT_MODEL. */
function modelOf(config: AppConfig, stored: Record<string, unknown> | null): string {
  return readStoredSettings(stored).model ?? config.CHAT_MODEL;
}

function isUniqueViolation(error: unknown): boolean {
  const broken = violatedConstraint(error);
  return broken === 'primary_key' || broken === 'unique';
}
