import { APICallError } from 'ai';
import { describe, expect, it } from 'vitest';
import { describeUpstreamError } from './upstream-error';
import { streamCompletion, type CompletionPart, type UpstreamEndpoint } from './completion-stream';

/** An upstream that answers with these network reads, each a string of SSE bytes. */
function upstream(reads: string[], init: ResponseInit = { status: 200 }): { endpoint: UpstreamEndpoint; requests: Request[] } {
  const requests: Request[] = [];
  const endpoint: UpstreamEndpoint = {
    baseURL: 'http://upstream.test/v1/',
    apiKey: 'secret-key',
    fetch: async (input, options) => {
      requests.push(new Request(input, options));
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const r of reads) controller.enqueue(encoder.encode(r));
          controller.close();
        },
      });
      return new Response(body, init);
    },
  };
  return { endpoint, requests };
}

const event = (data: unknown) => `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
const delta = (content: string) => event({ choices: [{ index: 0, delta: { content }, finish_reason: null }] });
const finish = (reason: string) => event({ choices: [{ index: 0, delta: {}, finish_reason: reason }] });

async function collect(endpoint: UpstreamEndpoint, signal = new AbortController().signal): Promise<CompletionPart[]> {
  const parts: CompletionPart[] = [];
  for await (const part of streamCompletion(endpoint, { model: 'qwen-turbo', messages: [{ role: 'user', content: 'hi' }] }, signal)) {
    parts.push(part);
  }
  return parts;
}

describe('streamCompletion', () => {
  it('posts an OpenAI chat-completions request: system first, usage asked for, settings in wire names', async () => {
    const { endpoint, requests } = upstream([finish('stop'), event('[DONE]')]);
    const parts = streamCompletion(
      endpoint,
      {
        model: 'qwen-plus',
        system: 'Be brief.',
        messages: [
          { role: 'user', content: 'one' },
          { role: 'assistant', content: [{ type: 'text', text: 'two' }] },
        ],
        settings: { temperature: 0.2, topP: 0.9, maxOutputTokens: 100, seed: 7 },
      },
      new AbortController().signal,
    );
    for await (const _ of parts) void _;
    const request = requests[0]!;
    expect(request.url).toBe('http://upstream.test/v1/chat/completions');
    expect(request.headers.get('authorization')).toBe('Bearer secret-key');
    expect(await request.json()).toEqual({
      model: 'qwen-plus',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'one' },
        { role: 'assistant', content: 'two' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 100,
      seed: 7,
    });
  });

  it('yields the text of one network read as one part, then finish with usage and cached tokens', async () => {
    const { endpoint } = upstream([
      delta('Hel') + delta('lo'),
      delta(', world'),
      finish('stop') + event({ choices: [], usage: { prompt_tokens: 120, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 100 } } }),
      event('[DONE]'),
    ]);
    expect(await collect(endpoint)).toEqual([
      { type: 'text', text: 'Hello' },
      { type: 'text', text: ', world' },
      { type: 'finish', finishReason: 'stop', usage: { promptTokens: 120, completionTokens: 3, cachedTokens: 100 } },
    ]);
  });

  it('an event split across reads is put back together', async () => {
    const whole = delta('split across reads');
    const { endpoint } = upstream([whole.slice(0, 20), whole.slice(20), finish('length')]);
    expect(await collect(endpoint)).toEqual([
      { type: 'text', text: 'split across reads' },
      { type: 'finish', finishReason: 'length', usage: undefined },
    ]);
  });

  it('maps finish reasons to the AI SDK names', async () => {
    for (const [wire, name] of [['content_filter', 'content-filter'], ['tool_calls', 'tool-calls'], ['something_new', 'other']]) {
      const parts = await collect(upstream([delta('x'), finish(wire!)]).endpoint);
      expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: name });
    }
  });

  it('a last event with no blank line after it still counts', async () => {
    const parts = await collect(upstream([delta('x'), finish('stop').trimEnd()]).endpoint);
    expect(parts).toEqual([{ type: 'text', text: 'x' }, { type: 'finish', finishReason: 'stop', usage: undefined }]);
  });

  it('[DONE] without a finish reason ends normally', async () => {
    const parts = await collect(upstream([delta('x'), event('[DONE]')]).endpoint);
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'other', usage: undefined });
  });

  it('a body that just stops (no finish reason, no [DONE]) is a cut-off reply, after the text that came', async () => {
    const seen: CompletionPart[] = [];
    const error = await (async () => {
      try {
        for await (const part of streamCompletion(upstream([delta('partial')]).endpoint, { model: 'm', messages: [] }, new AbortController().signal)) {
          seen.push(part);
        }
      } catch (e) {
        return e;
      }
    })();
    expect(seen).toEqual([{ type: 'text', text: 'partial' }]);
    expect(describeUpstreamError(error).kind).toBe('interrupted');
  });

  it('text that arrived in the same read before a bad event is kept, then the failure', async () => {
    const seen: CompletionPart[] = [];
    const error = await (async () => {
      try {
        const parts = streamCompletion(upstream([delta('one ') + delta('two ') + 'data: {oops\n\n']).endpoint, { model: 'm', messages: [] }, new AbortController().signal);
        for await (const part of parts) seen.push(part);
      } catch (e) {
        return e;
      }
    })();
    expect(seen).toEqual([{ type: 'text', text: 'one two ' }]);
    expect(describeUpstreamError(error).kind).toBe('malformed');
  });

  it('invalid JSON in an event is malformed; an error event is a failure with its message', async () => {
    await expect(collect(upstream([delta('a'), 'data: {not json\n\n']).endpoint)).rejects.toSatisfy(
      (e) => describeUpstreamError(e).kind === 'malformed',
    );
    await expect(collect(upstream([event({ error: { message: 'overloaded' } })]).endpoint)).rejects.toThrow('overloaded');
  });

  it('an HTTP error is an APICallError with status, headers and the upstream message', async () => {
    const { endpoint } = upstream([JSON.stringify({ error: { message: 'slow down', type: 'rate_limit' } })], {
      status: 429,
      headers: { 'retry-after': '7', 'content-type': 'application/json' },
    });
    const error = await collect(endpoint).catch((e: unknown) => e);
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 429, message: 'slow down', isRetryable: true });
    expect(describeUpstreamError(error)).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 7 });
  });

  it('SSE comments and blank keep-alives are ignored', async () => {
    const { endpoint } = upstream([': keep-alive\n\n', delta('ok'), '\n\n', finish('stop')]);
    expect((await collect(endpoint)).map((p) => p.type)).toEqual(['text', 'finish']);
  });
});
