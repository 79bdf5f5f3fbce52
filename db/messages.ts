import 'server-only';
import { and, asc, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { first, q, rows, run, transaction, type Db, type Work } from './types';
import { conversations, messages, type MessageRow, type MessageStatus } from './schema';
import { attachToMessageWork } from './files';
import { storableText } from './dialect';

export type TokenUsage = { promptTokens?: number; completionTokens?: number; cachedTokens?: number };

/** Ids of the branch ending at `leafId` with their depth from it: one recursive query, whatever the depth. */
function pathCte(leafId: string, maxLength: number) {
  return sql`
    WITH RECURSIVE path(id, depth) AS (
      SELECT id, 0 FROM messages WHERE id = ${leafId}
      UNION ALL
      SELECT m.parent_id, path.depth + 1 FROM messages m JOIN path ON m.id = path.id
      WHERE m.parent_id IS NOT NULL AND path.depth + 1 < ${maxLength}
    )`;
}

/** The active branch of a conversation, root first: walk parent links up from the leaf. */
export async function getActivePath(db: Db, leafId: string | null, maxLength = 1_000_000_000): Promise<MessageRow[]> {
  if (!leafId) return [];
  const found = await run(db, () =>
    rows<Record<string, unknown>>(sql`${pathCte(leafId, maxLength)}
    SELECT ${MESSAGE_COLUMNS} FROM path JOIN messages m ON m.id = path.id ORDER BY path.depth DESC`),
  );
  return found.map(fromSqlRow);
}

export type PromptMessage = Pick<MessageRow, 'id' | 'role' | 'content'> & {
  /** 1 when files are attached (read separately, for these messages only). */
  hasFiles: 0 | 1;
};

/**
 * The active branch with only what goes upstream: a long conversation's whole text is read on
 * every turn, so no other column is read or mapped (2,000 messages: ~3 ms instead of ~5).
 */
export function getPromptPath(db: Db, leafId: string | null): Promise<PromptMessage[]> {
  return run(db, () => promptPathWork(leafId));
}

function* promptPathWork(leafId: string | null): Work<PromptMessage[]> {
  if (!leafId) return [];
  const found = yield* rows<Omit<PromptMessage, 'hasFiles'> & { hasFiles: unknown }>(sql`${pathCte(leafId, 1_000_000_000)}
    SELECT m.id AS id, m.role AS role, m.content AS content,
      EXISTS (SELECT 1 FROM message_files f WHERE f.message_id = m.id) AS "hasFiles"
    FROM path JOIN messages m ON m.id = path.id ORDER BY path.depth DESC`);
  // SQLite answers EXISTS with 1/0, PostgreSQL with true/false.
  for (const m of found) m.hasFiles = m.hasFiles ? 1 : 0;
  return found as PromptMessage[];
}

/**
 * The newest `limit` messages of the branch ending at `leafId` (root first), and whether older
 * ones exist: a long conversation opens with its end, and the walk stops after one page.
 */
export async function getActivePathPage(
  db: Db,
  leafId: string | null,
  limit: number,
): Promise<{ messages: MessageRow[]; hasOlder: boolean }> {
  const found = await getActivePath(db, leafId, limit + 1);
  return found.length > limit ? { messages: found.slice(1), hasOlder: true } : { messages: found, hasOlder: false };
}

/** The columns of MessageRow, by name: on PostgreSQL `m.*` would also bring the search vector. */
const MESSAGE_COLUMNS = sql.raw(
  ['id', 'conversation_id', 'parent_id', 'role', 'content', 'status', 'error', 'model', 'prompt_tokens', 'completion_tokens', 'cached_tokens', 'context_omitted', 'created_at', 'updated_at']
    .map((c) => `m.${c}`)
    .join(', '),
);

function fromSqlRow(r: Record<string, unknown>): MessageRow {
  return {
    id: r.id as string,
    conversationId: r.conversation_id as string,
    parentId: (r.parent_id as string | null) ?? null,
    role: r.role as MessageRow['role'],
    content: r.content as string,
    status: r.status as MessageStatus,
    error: (r.error as string | null) ?? null,
    model: (r.model as string | null) ?? null,
    promptTokens: (r.prompt_tokens as number | null) ?? null,
    completionTokens: (r.completion_tokens as number | null) ?? null,
    cachedTokens: (r.cached_tokens as number | null) ?? null,
    contextOmitted: (r.context_omitted as number | null) ?? null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export async function getMessage(db: Db, id: string): Promise<MessageRow | undefined> {
  return first(await db.select().from(messages).where(eq(messages.id, id)));
}

export type BeginTurnInput = {
  conversationId: string;
  /** Used only when the conversation does not exist yet. */
  title: string;
  /** Stored only when the conversation is created by this turn. */
  settings?: Record<string, unknown> | null;
  /** The project a conversation created by this turn belongs to. */
  projectId?: string | null;
  /**
   * The user's message. Its parent is the current branch tip unless `parentId` says otherwise
   * (an edit: a new version beside the edited message; null for the first message).
   */
  user: { id: string; content: string; parentId?: string | null; attachments?: { fileId: string; name: string }[] } | null;
  /** Parent of the new assistant reply when user is null (a regeneration). */
  regenerateFrom?: string;
  assistantId: string;
  /** The model the reply is asked of, or how to choose it from the conversation's stored settings. */
  model: string | ((settings: Record<string, unknown> | null) => string);
  now: number;
};

export type BeginTurnResult = {
  created: boolean;
  history: PromptMessage[];
  settings: Record<string, unknown> | null;
  projectId: string | null;
};

/**
 * Stores, in one transaction, everything that must exist before the upstream is called:
 * the conversation (created on its first message), the user's message and a placeholder for
 * the reply marked streaming, and the new branch tip. Returns the active path to send upstream
 * (without the placeholder). On SQLite this is one synchronous transaction, which keeps the time
 * added before the first token to well under a millisecond.
 */
export function beginTurn(db: Db, input: BeginTurnInput): Promise<BeginTurnResult> {
  return transaction(db, (tx) => beginTurnWork(tx, input));
}

function* beginTurnWork(tx: Db, input: BeginTurnInput): Work<BeginTurnResult> {
    const existing = first(
      yield* q(
        tx
          .select({ leaf: conversations.currentLeafId, settings: conversations.settings, projectId: conversations.projectId })
          .from(conversations)
          .where(eq(conversations.id, input.conversationId)),
      ),
    );
    if (!existing) {
      yield* q(tx.insert(conversations)
        .values({
          id: input.conversationId,
          title: storableText(input.title),
          titleSource: 'message',
          createdAt: input.now,
          updatedAt: input.now,
          settings: input.settings ?? null,
          projectId: input.projectId ?? null,
        }));
    }
    let parentId: string | null = existing?.leaf ?? null;
    if (input.user && input.user.parentId !== undefined) parentId = input.user.parentId;
    if (input.user) {
      yield* q(tx.insert(messages)
        .values({
          id: input.user.id,
          conversationId: input.conversationId,
          parentId,
          role: 'user',
          content: storableText(input.user.content),
          status: 'complete',
          createdAt: input.now,
          updatedAt: input.now,
        }));
      yield* attachToMessageWork(tx, input.user.id, input.user.attachments ?? []);
      parentId = input.user.id;
    } else {
      parentId = input.regenerateFrom ?? null;
    }
    yield* q(tx.insert(messages)
      .values({
        id: input.assistantId,
        conversationId: input.conversationId,
        parentId,
        role: 'assistant',
        content: '',
        status: 'streaming',
        model: typeof input.model === 'string' ? input.model : input.model(existing ? (existing.settings ?? null) : (input.settings ?? null)),
        // +1 keeps the reply after its prompt when both land in the same millisecond.
        createdAt: input.now + 1,
        updatedAt: input.now + 1,
      }));
    yield* q(tx.update(conversations)
      .set({ currentLeafId: input.assistantId, updatedAt: input.now })
      .where(eq(conversations.id, input.conversationId)));
    const history = yield* promptPathWork(parentId);
    return {
      created: !existing,
      history,
      settings: existing ? (existing.settings ?? null) : (input.settings ?? null),
      projectId: existing ? existing.projectId : (input.projectId ?? null),
    };
}

/** Saves the text received so far, so a crash or reload loses at most one flush interval. */
export async function saveReplyProgress(db: Db, id: string, content: string, now: number): Promise<void> {
  await db
    .update(messages)
    .set({ content: storableText(content), updatedAt: now })
    .where(and(eq(messages.id, id), eq(messages.status, 'streaming')));
}

export async function finishReply(
  db: Db,
  id: string,
  result: {
    content: string;
    status: Exclude<MessageStatus, 'streaming'>;
    error?: string | null;
    usage?: TokenUsage;
    contextOmitted?: number;
  },
  now: number,
): Promise<void> {
  await db
    .update(messages)
    .set({
      content: storableText(result.content),
      status: result.status,
      error: result.error ?? null,
      promptTokens: result.usage?.promptTokens ?? null,
      completionTokens: result.usage?.completionTokens ?? null,
      cachedTokens: result.usage?.cachedTokens ?? null,
      contextOmitted: result.contextOmitted || null,
      updatedAt: now,
    })
    .where(eq(messages.id, id));
}

const INTERRUPTED_ERROR = 'The server stopped while this reply was being written.';

export async function markStreamingAsInterrupted(db: Db, now: number): Promise<number> {
  const marked = await db
    .update(messages)
    .set({ status: 'interrupted', error: INTERRUPTED_ERROR, updatedAt: now })
    .where(eq(messages.status, 'streaming'))
    .returning({ id: messages.id });
  return marked.length;
}

/** Replies stored as being written right now (served by the partial index of migration 0004). */
export async function getStreamingReplies(db: Db): Promise<Pick<MessageRow, 'id' | 'conversationId' | 'updatedAt'>[]> {
  return db
    .select({ id: messages.id, conversationId: messages.conversationId, updatedAt: messages.updatedAt })
    .from(messages)
    .where(eq(messages.status, 'streaming'));
}

/**
 * One reply whose server went away mid-reply (another instance found it orphaned): it keeps the
 * text that reached anyone, `content` when given (it can be newer than the last progress write).
 * Only while it is still streaming, so two instances doing it at once change it once.
 */
export async function markReplyInterrupted(db: Db, id: string, now: number, received?: string): Promise<boolean> {
  const content = received === undefined ? undefined : storableText(received);
  const marked = await db
      .update(messages)
      .set({
        status: 'interrupted',
        error: INTERRUPTED_ERROR,
        updatedAt: now,
        // Whichever is longer: what reached the listeners, or the writer's last progress write.
        ...(content !== undefined
          ? { content: sql`CASE WHEN length(CAST(${content} AS text)) >= length(${messages.content}) THEN CAST(${content} AS text) ELSE ${messages.content} END` }
          : {}),
      })
      .where(and(eq(messages.id, id), eq(messages.status, 'streaming')))
      .returning({ id: messages.id });
  return marked.length > 0;
}

export type BranchInfo = { index: number; count: number; siblingIds: string[] };

/**
 * For each message on a path, its place among its versions (messages with the same parent),
 * oldest first: what the "‹ 2 / 3 ›" controls show. One query for the whole path.
 */
export async function getBranchInfo(db: Db, conversationId: string, path: MessageRow[]): Promise<Map<string, BranchInfo>> {
  const info = new Map<string, BranchInfo>();
  if (path.length === 0) return info;
  const parentIds = [...new Set(path.map((m) => m.parentId).filter((p): p is string => p !== null))];
  const siblings = await db
    .select({ id: messages.id, parentId: messages.parentId })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        parentIds.length ? or(isNull(messages.parentId), inArray(messages.parentId, parentIds)) : isNull(messages.parentId),
      ),
    )
    .orderBy(asc(messages.createdAt), asc(messages.id));
  const byParent = new Map<string | null, string[]>();
  for (const r of siblings) {
    const list = byParent.get(r.parentId) ?? [];
    list.push(r.id);
    byParent.set(r.parentId, list);
  }
  for (const m of path) {
    const siblingIds = byParent.get(m.parentId) ?? [m.id];
    info.set(m.id, { index: siblingIds.indexOf(m.id), count: siblingIds.length, siblingIds });
  }
  return info;
}

/**
 * Makes the branch through `messageId` the active one: its newest continuation, followed down to
 * a leaf, becomes the conversation's tip. Returns the new tip, or undefined if the message is not
 * in that conversation.
 */
export function selectBranch(db: Db, conversationId: string, messageId: string): Promise<string | undefined> {
  return transaction(db, function* (tx) {
    const start = first(
      yield* q(
        tx
          .select({ id: messages.id })
          .from(messages)
          .where(and(eq(messages.id, messageId), eq(messages.conversationId, conversationId))),
      ),
    );
    if (!start) return undefined;
    let tip = start.id;
    for (;;) {
      const child = first(
        yield* q(
          tx
            .select({ id: messages.id })
            .from(messages)
            .where(eq(messages.parentId, tip))
            .orderBy(desc(messages.createdAt), desc(messages.id))
            .limit(1),
        ),
      );
      if (!child) break;
      tip = child.id;
    }
    yield* q(tx.update(conversations).set({ currentLeafId: tip }).where(eq(conversations.id, conversationId)));
    return tip;
  });
}

/**
 * Tokens used by every reply in a conversation, all branches included (what was actually billed),
 * by the model each reply came from: each is priced at its own model's rates.
 */
export async function getUsageByModel(
  db: Db,
  conversationId: string,
): Promise<{ model: string | null; promptTokens: number; completionTokens: number; cachedTokens: number }[]> {
  return db
    .select({
      model: messages.model,
      promptTokens: sql<number>`coalesce(sum(${messages.promptTokens}), 0)`,
      completionTokens: sql<number>`coalesce(sum(${messages.completionTokens}), 0)`,
      cachedTokens: sql<number>`coalesce(sum(${messages.cachedTokens}), 0)`,
    })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.role, 'assistant')))
    .groupBy(messages.model);
}
