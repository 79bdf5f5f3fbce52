import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { streamText } from 'ai';
import { startStandinServer, type StandinServer } from './server';
import { parseSse, readUntilError } from './testing';
import type { StandinRequestInfo } from './types';

let server: StandinServer;
let origin: string;

beforeAll(async () => {
  server = await startStandinServer({ port: 0 });
  origin = new URL(server.url).origin;
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  await fetch(`${origin}/__log`, { method: 'DELETE' });
});

function chat(content: string, init: { stream?: boolean; signal?: AbortSignal; key?: string } = {}): Promise<Response> {
  return fetch(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${init.key ?? 'test'}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'qwen-turbo',
      stream: init.stream ?? true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content }],
    }),
    signal: init.signal,
  });
}

async function fetchLog(): Promise<StandinRequestInfo[]> {
  return (await (await fetch(`${origin}/__log`)).json()) as StandinRequestInfo[];
}

/** The log entry appears when the request *ends* on the server, which can trail the client a little. */
async function waitForLog(count: number): Promise<StandinRequestInfo[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const log = await fetchLog();
    if (log.length >= count || Date.now() > deadline) return log;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('startStandinServer', () => {
  it('listens on loopback with a /v1 base URL and a random port', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toContain(`:${server.port}/`);
  });

  it('streams a completion over HTTP', async () => {
    const reply = 'Line 1\n\n- **markdown** & <html> ✓\n';
    const response = await chat(`[[reply=${encodeURIComponent(reply)}]]`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const sse = parseSse(await response.text());
    expect(sse.text).toBe(reply);
    expect(sse.doneIsLast).toBe(true);
    expect(sse.chunks.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('serves non-streaming JSON and error statuses with headers', async () => {
    const json = await chat('[[reply=ok]]', { stream: false });
    expect(await json.json()).toMatchObject({ object: 'chat.completion', choices: [{ message: { content: 'ok' } }] });

    const limited = await chat('[[status=429]] [[retry-after=3]]');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(await limited.json()).toMatchObject({ error: { code: 'rate_limit_exceeded' } });

    expect((await chat('hi', { key: 'invalid' })).status).toBe(401);
  });

  it('delays the response headers by [[ttfb]]', async () => {
    const started = performance.now();
    const response = await chat('[[ttfb=150]] [[reply=x]]');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    await response.text();
  });

  it('records requests in /__log and clears it with DELETE', async () => {
    await (await chat('first [[reply=a]]')).text();
    await (await chat('second [[reply=b]]')).text();
    const log = await waitForLog(2);
    expect(log.map((info) => info.lastUserText)).toEqual(['first [[reply=a]]', 'second [[reply=b]]']);
    expect(log[0]).toMatchObject({ outcome: 'completed', aborted: false, status: 200, stream: true, model: 'qwen-turbo' });
    expect(server.log).toHaveLength(2);

    expect((await fetch(`${origin}/__log`, { method: 'DELETE' })).status).toBe(204);
    expect(await fetchLog()).toEqual([]);
  });

  it('sees the client disconnect: /__log shows an aborted request with fewer chunks than the reply', async () => {
    const controller = new AbortController();
    const response = await chat('[[delay=50]] [[tokens=200]]', { signal: controller.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    while (!received.includes('ipsum')) received += decoder.decode((await reader.read()).value, { stream: true });
    controller.abort();
    await expect(reader.read()).rejects.toThrow();

    const [info] = await waitForLog(1);
    expect(info).toMatchObject({ aborted: true, outcome: 'aborted', finishReason: null });
    expect(info!.chunksSent).toBeGreaterThanOrEqual(2);
    expect(info!.chunksSent).toBeLessThan(200);
    // Well before the 10 s the full reply would take: production stopped when the socket closed.
    expect(info!.endedAt - info!.startedAt).toBeLessThan(3000);
  });

  it('destroys the socket on [[cut]]: the client gets the text so far, then a network error', async () => {
    const response = await chat('[[tokens=30]] [[cut=5]]');
    expect(response.status).toBe(200);
    const { text, error } = await readUntilError(response.body!);
    expect(error).toBeInstanceOf(Error);
    const sse = parseSse(text);
    expect(sse.text).toBe('lorem ipsum dolor sit amet ');
    expect(sse.done).toBe(false);
    const [info] = await waitForLog(1);
    expect(info).toMatchObject({ outcome: 'cut', chunksSent: 5, aborted: false });
  });

  it('sends the malformed line over HTTP and ends the response cleanly', async () => {
    const response = await chat('[[tokens=30]] [[malformed=1]]');
    const sse = parseSse(await response.text());
    expect(sse.invalid).toEqual(['{not json']);
    expect(sse.text).toBe('lorem ');
    expect(sse.done).toBe(false);
  });

  it('answers GET /models and 404s unknown paths', async () => {
    const models = await fetch(`${server.url}/models`, { headers: { authorization: 'Bearer test' } });
    expect(((await models.json()) as { data: { id: string }[] }).data[0]).toMatchObject({ id: 'qwen-turbo' });
    expect((await fetch(`${origin}/nope`)).status).toBe(404);
  });

  it('closes promptly even with a stream in flight', async () => {
    const other = await startStandinServer();
    const response = await fetch(`${other.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer test' },
      body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: '[[delay=1000]] [[tokens=100]]' }] }),
    });
    const reader = response.body!.getReader();
    await reader.read();
    const started = performance.now();
    await other.close();
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(reader.read()).rejects.toThrow();
    expect(other.log[0]).toMatchObject({ aborted: true });
  });
});

describe('the official AI SDK provider', () => {
  it('streams text and usage from the stand-in via @ai-sdk/openai-compatible', async () => {
    const provider = createOpenAICompatible({ name: 'aimlapi', baseURL: server.url, apiKey: 'test', includeUsage: true });
    const result = streamText({ model: provider.chatModel('qwen-turbo'), prompt: 'hello [[reply=Hi%20there]]' });

    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe('Hi there');

    const usage = await result.totalUsage;
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(typeof usage.inputTokenDetails.cacheReadTokens).toBe('number');
    expect(await result.finishReason).toBe('stop');

    const [info] = await waitForLog(1);
    expect(info).toMatchObject({ model: 'qwen-turbo', stream: true, outcome: 'completed' });
  });

  it('surfaces a scripted provider error to the SDK', async () => {
    const provider = createOpenAICompatible({ name: 'aimlapi', baseURL: server.url, apiKey: 'test', includeUsage: true });
    const errors: unknown[] = [];
    const result = streamText({
      model: provider.chatModel('qwen-turbo'),
      prompt: '[[status=503]]',
      maxRetries: 0,
      onError: ({ error }) => {
        errors.push(error);
      },
    });
    for await (const _ of result.textStream) {
      // drain
    }
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/overloaded/);
  });
});

describe('gates', () => {
  it('holds a [[gate=NAME]] reply a few words in until POST /__gate/NAME, then finishes it', async () => {
    const res = await chat('hold on [[tokens=20]] [[gate=g1]]');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    // Read until the stream stops giving (held at the gate): five words, no end yet.
    while ((received.match(/"content":"\w+ "/g) ?? []).length < 5) received += decoder.decode((await reader.read()).value);
    const next = reader.read();
    const held = await Promise.race([next.then(() => 'more'), new Promise((r) => setTimeout(() => r('held'), 300))]);
    expect(held).toBe('held');
    expect(received).not.toContain('[DONE]');
    expect((await fetch(`${origin}/__gate/g1`, { method: 'POST' })).status).toBe(204);
    const first = await next;
    if (first.value) received += decoder.decode(first.value);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += decoder.decode(value);
    }
    expect(parseSse(received).done).toBe(true);
    expect(parseSse(received).text.trim().split(/\s+/)).toHaveLength(20);
  });

  it('lets a gate opened before the reply reaches it through at once', async () => {
    await fetch(`${origin}/__gate/g2`, { method: 'POST' });
    const body = await (await chat('already open [[tokens=12]] [[gate=g2]]')).text();
    expect(parseSse(body).text.trim().split(/\s+/)).toHaveLength(12);
  });
});
