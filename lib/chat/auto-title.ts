import 'server-only';
import { generateText, type LanguageModel } from 'ai';
import { setModelTitle } from '@/db/conversations';
import type { Db } from '@/db/types';

/** The instruction of a title request (the stand-in model recognises it and answers with a title). */
export const TITLE_INSTRUCTION =
  'You write titles for chat conversations. Reply with a title of at most six words for the conversation below, in its language. No quotes, no punctuation at the end, nothing else.';

const MAX_TITLE_CHARS = 80;
const TITLE_TIMEOUT_MS = 15_000;
/** Enough of the first exchange to tell what it is about; the rest costs tokens for nothing. */
const EXCERPT_CHARS = 2_000;

/**
 * A model's answer made into a title: no quotes, markdown, "Title:" label or closing punctuation,
 * one line, at most 80 characters (cut at a word). Undefined when nothing usable is left.
 */
export function cleanTitle(raw: string): string | undefined {
  let title = raw.split('\n').find((line) => line.trim()) ?? '';
  title = title
    .replace(/^\s*(#+\s*|\*\*|__)?\s*(title\s*:)?\s*/i, '')
    .replace(/[*_`#]+/g, '')
    .replace(/\s+/g, ' ');
  // Quotes and closing punctuation, in either order ("Title." or “Title”。).
  for (let before = ''; before !== title; ) {
    before = title;
    title = title.replace(/^["'“”‘’«»「」『』\s]+|["'“”‘’«»「」『』\s]+$/g, '').replace(/[.。!！?？:：;；,，]+$/u, '');
  }
  if (title.length > MAX_TITLE_CHARS) {
    const cut = title.slice(0, MAX_TITLE_CHARS);
    const space = cut.lastIndexOf(' ');
    title = (space > MAX_TITLE_CHARS / 2 ? cut.slice(0, space) : cut).trim();
  }
  return title || undefined;
}

/** Title jobs under way, by conversation: GET …/title waits on them so the sidebar updates live. */
const pending = new Map<string, Promise<string | undefined>>();

/**
 * After a conversation's first reply: one cheap non-streaming call (same model, temperature 0, at
 * most 24 tokens) writes its title, unless the user renamed it meanwhile. A failure keeps the
 * title taken from the first message. Runs after the reply has ended, so it never delays a token.
 */
export function startTitleJob(
  db: Db,
  input: { conversationId: string; model: LanguageModel; firstMessage: string; reply: string },
): Promise<string | undefined> {
  const job = (async () => {
    try {
      const { text } = await generateText({
        model: input.model,
        system: TITLE_INSTRUCTION,
        messages: [
          { role: 'user', content: input.firstMessage.slice(0, EXCERPT_CHARS) },
          { role: 'assistant', content: input.reply.slice(0, EXCERPT_CHARS) },
        ],
        maxOutputTokens: 24,
        temperature: 0,
        maxRetries: 0,
        abortSignal: AbortSignal.timeout(TITLE_TIMEOUT_MS),
      });
      const title = cleanTitle(text);
      if (!title) return undefined;
      return (await setModelTitle(db, input.conversationId, title)) ? title : undefined;
    } catch (error) {
      console.warn('[title] the model did not write a title; keeping the first message as title:', (error as Error).message);
      return undefined;
    } finally {
      pending.delete(input.conversationId);
    }
  })();
  pending.set(input.conversationId, job);
  return job;
}

/** Waits (at most `timeoutMs`) for a title being written for this conversation; undefined when none is. */
export async function titleBeingWritten(conversationId: string, timeoutMs: number): Promise<void> {
  const job = pending.get(conversationId);
  if (!job) return;
  await Promise.race([job, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
}
