import 'server-only';
import { createUIMessageStreamResponse, type UIMessageChunk } from 'ai';

/**
 * A UI message stream as an SSE response. `no-transform` keeps Next's gzip off these responses:
 * compressing a stream of small events costs more CPU than the whole relay and can hold events
 * back in the compressor's buffer.
 */
export function uiStreamResponse(stream: ReadableStream<UIMessageChunk>, headers: Record<string, string> = {}): Response {
  return createUIMessageStreamResponse({ stream, headers: { 'cache-control': 'no-cache, no-transform', ...headers } });
}
