import { describe, it, expect } from 'vitest';
import { createStandinHandler } from './handler';
import { parseSse, readUntilError } from './testing';
import type { StandinRequestInfo } from './types';
import type { Completion, ErrorBody } from './wire';

const BASE = 'http://standin.test/v1';

interface Message {
  role: string;
  content: string | { type: string; text?: string }[];
}

function chatRequest(
  body: Record<string, unknown> & { messages?: Message[] },
  init: { key?: string | null; signal?: AbortSignal; path?: string } = {},
): Request {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const key = init.key === undefined ? 'test-key' : init.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  return new Request(`${BASE}${init.path ?? '/chat/completions'}`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ model: 'qwen-turbo', ...body }),
    signal: init.signal,
  });
}

const say = (content: string): Message[] => [{ role: 'user', content }];

/** A handler whose request reports can be awaited. */
function observedHandler(options: { defaultDelayMs?: number } = {}) {
  const infos: StandinRequestInfo[] = [];
  const waiters: (() => void)[] = [];
  const handler = createStandinHandler({
    ...options,
    onRequest(info) {
      infos.push(info);
      waiters.splice(0).forEach((wake) => wake());
    },
  });
  async function nextInfo(count = 1): Promise<StandinRequestInfo> {
    while (infos.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    return infos[count - 1]!;
  }
  return { handler, infos, nextInfo };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('chat completions, non-streaming', () => {
  it('answers with a chat.completion object shaped like qwen-turbo through OpenAI', async () => {
    const { handler } = observedHandler();
    const response = await handler(chatRequest({ messages: say('[[reply=Hello%20there]]') }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await response.json()) as Completion;
    expect(body).toEqual({
      id: expect.stringMatching(/^chatcmpl-\w+$/),
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'qwen-turbo',
      choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content: 'Hello there' } }],
      usage: {
        prompt_tokens: expect.any(Number),
        completion_tokens: 2,
        total_tokens: expect.any(Number),
        prompt_tokens_details: { cached_tokens: 0 },
      },
    });
    expect(Math.abs(body.created - Date.now() / 1000)).toBeLessThan(5);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + 2);
  });

  it('echoes the model it was asked for', async () => {
    const { handler } = observedHandler();
    const response = await handler(chatRequest({ model: 'qwen-plus', messages: say('hi') }));
    expect(((await response.json()) as Completion).model).toBe('qwen-plus');
  });

  it('truncates at max_tokens with finish_reason "length"', async () => {
    const { handler } = observedHandler();
    const response = await handler(chatRequest({ max_tokens: 3, messages: say('[[tokens=10]]') }));
    const body = (await response.json()) as Completion;
    expect(body.choices[0].finish_reason).toBe('length');
    expect(body.choices[0].message.content).toBe('lorem ipsum dolor ');
    expect(body.usage.completion_tokens).toBe(3);
  });

  it('accepts OpenAI content-part arrays', async () => {
    const { handler, nextInfo } = observedHandler();
    const response = await handler(
      chatRequest({
        messages: [{ role: 'user', content: [{ type: 'text', text: 'parts work' }, { type: 'image_url' }] }],
      }),
    );
    expect(((await response.json()) as Completion).choices[0].message.content).toMatch(/^You said: "parts work"/);
    expect((await nextInfo()).lastUserText).toBe('parts work');
  });
});

describe('chat completions, streaming', () => {
  const tricky = '# Title\n\n**bold** _it_ `code` <b>html</b>\n\n```ts\nconst x = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nünïcødé 日本語 👨‍👩‍👧 — done.  ';

  it('frames every event as `data: <json>\\n\\n`, in OpenAI order, ending with [DONE]', async () => {
    const { handler } = observedHandler();
    const response = await handler(chatRequest({ stream: true, messages: say('[[reply=one%20two%20three]]') }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const raw = await response.text();
    const sse = parseSse(raw); // throws on any framing error
    expect(sse.invalid).toEqual([]);
    expect(sse.done).toBe(true);
    expect(sse.doneIsLast).toBe(true);

    const [first, ...rest] = sse.chunks;
    expect(first).toEqual({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion.chunk',
      created: expect.any(Number),
      model: 'qwen-turbo',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    expect(raw.startsWith('data: {"id":"chatcmpl-')).toBe(true);
    expect(rest.map((c) => c.choices[0]?.delta)).toEqual([{ content: 'one' }, { content: ' two' }, { content: ' three' }, {}]);
    expect(rest.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(new Set(sse.chunks.map((c) => c.id)).size).toBe(1);
    expect(sse.chunks.every((c) => c.usage === undefined)).toBe(true); // no usage unless asked
  });

  it('streams a scripted reply so that the deltas join back to it exactly', async () => {
    const { handler } = observedHandler();
    const response = await handler(
      chatRequest({ stream: true, messages: say(`[[reply=${encodeURIComponent(tricky)}]]`) }),
    );
    const sse = parseSse(await response.text());
    expect(sse.text).toBe(tricky);
    const contentChunks = sse.chunks.filter((c) => c.choices[0]?.delta.content);
    expect(contentChunks.length).toBeGreaterThan(10);
    for (const chunk of contentChunks) expect(chunk.choices[0]!.delta.content!.length).toBeLessThanOrEqual(12);
  });

  it('adds a usage chunk (no choices) before [DONE] only with include_usage, simulating prefix caching', async () => {
    const { handler } = observedHandler();
    const history: Message[] = [
      { role: 'system', content: 'You are helpful. '.repeat(20) }, // 340 chars → 85 tokens
      { role: 'user', content: 'x'.repeat(200) }, // 50
      { role: 'assistant', content: 'y'.repeat(40) }, // 10
      { role: 'user', content: '[[tokens=7]]' }, // 3
    ];
    const response = await handler(
      chatRequest({ stream: true, stream_options: { include_usage: true }, messages: history }),
    );
    const sse = parseSse(await response.text());
    const usageChunk = sse.chunks.at(-1)!;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toEqual({
      prompt_tokens: 148,
      completion_tokens: 7,
      total_tokens: 155,
      prompt_tokens_details: { cached_tokens: 128 }, // 145 earlier tokens, rounded down to 64s
    });
    expect(sse.chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(sse.doneIsLast).toBe(true);

    const single = await handler(
      chatRequest({ stream: true, stream_options: { include_usage: true }, messages: say('x'.repeat(2000)) }),
    );
    expect(parseSse(await single.text()).chunks.at(-1)?.usage?.prompt_tokens_details.cached_tokens).toBe(0);
  });

  it('sends exactly N lorem tokens for [[tokens=N]]', async () => {
    const { handler, nextInfo } = observedHandler();
    const response = await handler(chatRequest({ stream: true, messages: say('[[tokens=1000]]') }));
    const sse = parseSse(await response.text());
    const content = sse.chunks.filter((c) => c.choices[0]?.delta.content);
    expect(content).toHaveLength(1000);
    expect(content[0]?.choices[0]?.delta.content).toBe('lorem ');
    const info = await nextInfo();
    expect(info).toMatchObject({ outcome: 'completed', chunksSent: 1000, aborted: false, finishReason: 'stop' });
  });

  it('honours max_tokens with finish_reason "length"', async () => {
    const { handler, nextInfo } = observedHandler();
    const response = await handler(
      chatRequest({ stream: true, max_tokens: 5, stream_options: { include_usage: true }, messages: say('[[tokens=50]]') }),
    );
    const sse = parseSse(await response.text());
    expect(sse.text.split(' ').filter(Boolean)).toHaveLength(5);
    expect(sse.chunks.at(-2)?.choices[0]?.finish_reason).toBe('length');
    expect(sse.chunks.at(-1)?.usage?.completion_tokens).toBe(5);
    expect((await nextInfo()).finishReason).toBe('length');
  });

  it('[[cut=N]] errors the body after N content chunks: no finish chunk, no [DONE]', async () => {
    const { handler, nextInfo } = observedHandler();
    const response = await handler(chatRequest({ stream: true, messages: say('[[tokens=20]] [[cut=4]]') }));
    expect(response.status).toBe(200);
    const { text, error } = await readUntilError(response.body!);
    expect(error).toBeInstanceOf(Error);
    const sse = parseSse(text);
    expect(sse.text).toBe('lorem ipsum dolor sit ');
    expect(sse.done).toBe(false);
    expect(sse.chunks.some((c) => c.choices[0]?.finish_reason)).toBe(false);
    expect(await nextInfo()).toMatchObject({ outcome: 'cut', chunksSent: 4, aborted: false, finishReason: null });
  });

  it('[[malformed=N]] sends a non-JSON event after N chunks, then closes without [DONE]', async () => {
    const { handler, nextInfo } = observedHandler();
    const response = await handler(chatRequest({ stream: true, messages: say('[[tokens=20]] [[malformed=2]]') }));
    const raw = await response.text(); // closes normally: the damage is in the data
    expect(raw.endsWith('data: {not json\n\n')).toBe(true);
    const sse = parseSse(raw);
    expect(sse.invalid).toEqual(['{not json']);
    expect(sse.text).toBe('lorem ipsum ');
    expect(sse.done).toBe(false);
    expect(await nextInfo()).toMatchObject({ outcome: 'malformed', chunksSent: 2 });
  });

  it('paces chunks with [[delay]] and the first byte with [[ttfb]]', async () => {
    const { handler } = observedHandler();
    const started = performance.now();
    const response = await handler(chatRequest({ stream: true, messages: say('[[ttfb=120]] [[delay=20]] [[tokens=5]]') }));
    const headersAt = performance.now() - started;
    await response.text();
    const total = performance.now() - started;
    expect(headersAt).toBeGreaterThanOrEqual(110);
    expect(total - headersAt).toBeGreaterThanOrEqual(5 * 20 - 10);
  });

  it('stops producing promptly when request.signal aborts, and reports it', async () => {
    const { handler, nextInfo, infos } = observedHandler();
    const controller = new AbortController();
    const response = await handler(
      chatRequest({ stream: true, messages: say('[[delay=20]] [[tokens=500]]') }, { signal: controller.signal }),
    );
    const reader = response.body!.getReader();
    for (let i = 0; i < 4; i++) await reader.read(); // role chunk + 3 content chunks
    controller.abort();
    await expect(reader.read()).rejects.toThrow();
    const info = await nextInfo();
    expect(info).toMatchObject({ aborted: true, outcome: 'aborted', status: 200, finishReason: null });
    expect(info.chunksSent).toBe(3);
    expect(info.endedAt - info.startedAt).toBeLessThan(2000);
    await sleep(100); // nothing keeps running (or reporting) after the abort
    expect(infos).toHaveLength(1);
  });

  it('treats a cancelled body as a client that hung up', async () => {
    const { handler, nextInfo } = observedHandler();
    const response = await handler(chatRequest({ stream: true, messages: say('[[delay=10]] [[tokens=500]]') }));
    const reader = response.body!.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    expect(await nextInfo()).toMatchObject({ aborted: true, outcome: 'aborted', chunksSent: 1 });
  });

  it('gives up during [[ttfb]] if the client leaves, reporting status 499', async () => {
    const { handler, nextInfo } = observedHandler();
    const controller = new AbortController();
    const pending = handler(chatRequest({ stream: true, messages: say('[[ttfb=5000]]') }, { signal: controller.signal }));
    await sleep(20);
    controller.abort();
    await pending;
    expect(await nextInfo()).toMatchObject({ aborted: true, status: 499, chunksSent: 0 });
  });

  it('proves multi-turn context by counting the messages it received', async () => {
    const { handler, nextInfo } = observedHandler();
    const response = await handler(
      chatRequest({
        stream: true,
        messages: [
          { role: 'user', content: 'My name is Ada.' },
          { role: 'assistant', content: 'Nice to meet you, Ada.' },
          { role: 'user', content: 'What is my name?' },
        ],
      }),
    );
    const { text } = parseSse(await response.text());
    expect(text).toMatch(/^You said: "What is my name\?"/);
    expect(text).toContain('3 messages (2 user, 1 assistant)');
    expect(text).toContain('2 earlier messages');
    expect(await nextInfo()).toMatchObject({ messageCount: 3, lastUserText: 'What is my name?', stream: true });
  });

  it('uses defaultDelayMs when no [[delay]] is given', async () => {
    const { handler } = observedHandler({ defaultDelayMs: 15 });
    const started = performance.now();
    await (await handler(chatRequest({ stream: true, messages: say('[[tokens=6]]') }))).text();
    expect(performance.now() - started).toBeGreaterThanOrEqual(6 * 15 - 10);
  });
});

describe('errors', () => {
  async function errorOf(response: Response): Promise<ErrorBody['error']> {
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await response.json()) as ErrorBody;
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(body.error.message).toEqual(expect.any(String));
    expect(body.error.type).toEqual(expect.any(String));
    expect(body.error.code === null || typeof body.error.code === 'string').toBe(true);
    return body.error;
  }

  it('answers [[status=CODE]] with an OpenAI-style error and optional retry-after', async () => {
    const { handler, nextInfo } = observedHandler();
    const limited = await handler(chatRequest({ stream: true, messages: say('[[status=429]] [[retry-after=7]] hi') }));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await errorOf(limited)).message).toMatch(/rate limit/i);
    expect(await nextInfo()).toMatchObject({ status: 429, outcome: 'error', aborted: false });

    for (const status of [401, 500, 502, 503]) {
      const response = await handler(chatRequest({ messages: say(`[[status=${status}]]`) }));
      expect(response.status).toBe(status);
      expect(response.headers.get('retry-after')).toBeNull();
      await errorOf(response);
    }
    const unauthorized = await handler(chatRequest({ messages: say('[[status=401]]') }));
    expect((await errorOf(unauthorized)).message).toMatch(/Incorrect API key provided/);
  });

  it('rejects a missing, empty or "invalid" API key with 401', async () => {
    const { handler, nextInfo } = observedHandler();
    const missing = await handler(chatRequest({ messages: say('hi') }, { key: null }));
    expect(missing.status).toBe(401);
    expect((await errorOf(missing)).message).toMatch(/didn't provide an API key/);
    // The report still shows what was sent, which helps when debugging the app's auth.
    expect(await nextInfo()).toMatchObject({ status: 401, lastUserText: 'hi', messageCount: 1 });

    expect((await handler(chatRequest({ messages: say('hi') }, { key: '' }))).status).toBe(401);
    const invalid = await handler(chatRequest({ messages: say('hi') }, { key: 'invalid' }));
    expect(invalid.status).toBe(401);
    expect(await errorOf(invalid)).toMatchObject({ code: 'invalid_api_key', message: expect.stringMatching(/Incorrect API key/) });
  });

  it('rejects bad bodies with 400', async () => {
    const { handler } = observedHandler();
    const post = (body: string) =>
      handler(
        new Request(`${BASE}/chat/completions`, {
          method: 'POST',
          headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
          body,
        }),
      );
    const notJson = await post('{"messages": [');
    expect(notJson.status).toBe(400);
    expect((await errorOf(notJson)).message).toMatch(/JSON/);

    const noMessages = await post('{"model":"qwen-turbo"}');
    expect(noMessages.status).toBe(400);
    expect((await errorOf(noMessages)).message).toMatch(/messages/);

    expect((await post('{"messages":[]}')).status).toBe(400);
    expect((await post('{"messages":[{"content":"no role"}]}')).status).toBe(400);
  });

  it('404s unknown routes and lists the model on GET /models', async () => {
    const { handler } = observedHandler();
    const unknown = await handler(new Request(`${BASE}/embeddings`, { method: 'POST', headers: { authorization: 'Bearer k' } }));
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).message).toBe('Invalid URL (POST /v1/embeddings)');

    const models = await handler(new Request(`${BASE}/models`, { headers: { authorization: 'Bearer k' } }));
    const list = (await models.json()) as { object: string; data: { id: string; object: string }[] };
    expect(list.object).toBe('list');
    expect(list.data[0]).toMatchObject({ id: 'qwen-turbo', object: 'model' });
    expect(list.data.map((m) => m.id)).toEqual(['qwen-turbo', 'qwen-plus', 'qwen-max', 'qwen-long']);
  });

  it('serves chat completions under any prefix', async () => {
    const { handler } = observedHandler();
    const response = await handler(chatRequest({ messages: say('[[reply=ok]]') }, { path: '/../api/standin/v1/chat/completions' }));
    expect(((await response.json()) as Completion).choices[0].message.content).toBe('ok');
  });
});

describe('[[once]] failures', () => {
  it('fail the first request for a message and let the same message succeed afterwards', async () => {
    const handler = createStandinHandler();
    const body = { messages: say('retry me [[once]] [[status=503]] [[reply=ok]]') };
    const first = await handler(chatRequest(body));
    expect(first.status).toBe(503);
    const second = await handler(chatRequest(body));
    expect(second.status).toBe(200);
    expect(((await second.json()) as Completion).choices[0]?.message.content).toBe('ok');
  });
});
