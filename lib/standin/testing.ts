/**
 * Helpers for tests that talk to the stand-in (or any OpenAI-compatible
 * stream): a strict SSE reader that fails loudly on framing mistakes instead of
 * skipping them, which is the point when the thing under test is the framing.
 */
import type { CompletionChunk } from './wire';

export interface ParsedSse {
  /** Every `data:` payload that parsed as JSON, in order. */
  chunks: CompletionChunk[];
  /** Payloads that were not JSON and not `[DONE]` (e.g. what `[[malformed]]` sends). */
  invalid: string[];
  /** Whether `data: [DONE]` was seen, and whether it was the very last event. */
  done: boolean;
  doneIsLast: boolean;
  /** Concatenation of every `delta.content`. */
  text: string;
}

/** Parse a complete SSE body. Every event must be a single `data:` line followed by a blank line. */
export function parseSse(body: string): ParsedSse {
  const chunks: CompletionChunk[] = [];
  const invalid: string[] = [];
  let done = false;
  let doneIsLast = false;

  const events = body.split('\n\n');
  const trailing = events.pop();
  if (trailing !== '') throw new Error(`SSE body does not end with a blank line: ${JSON.stringify(trailing)}`);

  for (const event of events) {
    if (!event.startsWith('data: ') || event.includes('\n')) {
      throw new Error(`Not a single-line data event: ${JSON.stringify(event)}`);
    }
    const payload = event.slice('data: '.length);
    doneIsLast = payload === '[DONE]';
    if (doneIsLast) {
      done = true;
      continue;
    }
    try {
      chunks.push(JSON.parse(payload) as CompletionChunk);
    } catch {
      invalid.push(payload);
    }
  }

  const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
  return { chunks, invalid, done, doneIsLast, text };
}

/** Read a body to the end, keeping what arrived before an error (a cut connection). */
export async function readUntilError(body: ReadableStream<Uint8Array>): Promise<{ text: string; error: unknown }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: text + decoder.decode(), error: undefined };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
}
