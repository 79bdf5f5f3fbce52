import type { UIMessageChunk } from 'ai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStandinHandler, startStandinServer, type StandinServer } from '@/lib/standin';
import { activeGeneration, mergeTextDeltas, startGeneration, type Generation, type GenerationInput, type GenerationOutcome } from './generation';
import type { UpstreamEndpoint } from './completion-stream';

const handler = createStandinHandler({ defaultDelayMs: 0 });

// The AI SDK logs every upstream failure to console.error; keep the test output readable.
beforeEach(() => {
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
});

function standinEndpoint(apiKey = 'k'): UpstreamEndpoint {
  return { baseURL: 'http://standin.test/v1', apiKey, fetch: (i, init) => handler(new Request(i, init)) };
}

let counter = 0;
/** Conversation ids are unique per test: the registry of running generations is process-wide. */
const uniqueId = (label: string) => `gen-test-${label}-${process.pid}-${++counter}`;

type Run = {
  generation: Generation;
  conversationId: string;
  progress: string[];
  ends: GenerationOutcome[];
};

function start(message: string, overrides: Partial<GenerationInput> = {}): Run {
  const conversationId = overrides.conversationId ?? uniqueId('c');
  const progress: string[] = [];
  const ends: GenerationOutcome[] = [];
  const generation = startGeneration({
    conversationId,
    messageId: `msg-${conversationId}`,
    endpoint: standinEndpoint(),
    modelName: 'qwen-turbo',
    messages: [{ role: 'user', content: message }],
    firstTokenTimeoutMs: 5_000,
    progressIntervalMs: 50,
    onProgress: (content) => {
      progress.push(content);
    },
    onEnd: (outcome) => {
      ends.push(outcome);
    },
    ...overrides,
  });
  return { generation, conversationId, progress, ends };
}

async function readAll(stream: ReadableStream<UIMessageChunk>): Promise<UIMessageChunk[]> {
  const chunks: UIMessageChunk[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

const textOf = (chunks: UIMessageChunk[]) =>
  chunks.map((c) => (c.type === 'text-delta' ? c.delta : '')).join('');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

const REPLY = 'Hello there! This is a scripted reply, word by word.';
const replyDirective = (text: string) => `[[reply=${encodeURIComponent(text)}]]`;

describe('startGeneration: a complete reply', () => {
  it('streams start, text, end metadata with usage and finish; onEnd stores it; done resolves', async () => {
    const run = start(`Say hi ${replyDirective(REPLY)}`);
    const chunks = await readAll(run.generation.subscribe());
    const outcome = await run.generation.done;

    expect(chunks[0]).toMatchObject({
      type: 'start',
      messageId: `msg-${run.conversationId}`,
      messageMetadata: { status: 'streaming', model: 'qwen-turbo' },
    });
    expect(textOf(chunks)).toBe(REPLY);

    // Text parts are opened and closed around the deltas.
    const types = chunks.map((c) => c.type);
    expect(types.indexOf('text-start')).toBeLessThan(types.indexOf('text-delta'));
    expect(types.lastIndexOf('text-end')).toBeGreaterThan(types.lastIndexOf('text-delta'));

    const [metadata, finish] = chunks.slice(-2);
    expect(metadata).toMatchObject({
      type: 'message-metadata',
      messageMetadata: {
        status: 'complete',
        error: null,
        usage: { promptTokens: expect.any(Number), completionTokens: expect.any(Number) },
      },
    });
    expect(finish).toEqual({ type: 'finish', finishReason: 'stop' });
    expect(chunks.some((c) => c.type === 'error')).toBe(false);

    expect(run.ends).toHaveLength(1);
    const [ended] = run.ends;
    expect(ended).toMatchObject({ status: 'complete', content: REPLY });
    expect(ended!.failure).toBeUndefined();
    expect(ended!.usage!.promptTokens).toBeGreaterThan(0);
    expect(ended!.usage!.completionTokens).toBeGreaterThan(0);
    expect(outcome).toEqual(ended);
    expect(run.generation.text).toBe(REPLY);
  });

  it('onEnd runs before any subscriber sees the end of the stream', async () => {
    const run = start(replyDirective('short'));
    let endsWhenFinishSeen = -1;
    const reader = run.generation.subscribe().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.type === 'finish') endsWhenFinishSeen = run.ends.length;
    }
    expect(endsWhenFinishSeen).toBe(1);
  });

  it('an onEnd that returns a Promise (storing the reply) is awaited before the finish', async () => {
    let stored = false;
    const run = start(replyDirective('short'), {
      onEnd: async () => {
        await sleep(30);
        stored = true;
      },
    });
    let storedWhenFinishSeen: boolean | undefined;
    const reader = run.generation.subscribe().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.type === 'finish') storedWhenFinishSeen = stored;
    }
    expect(storedWhenFinishSeen).toBe(true);
    await run.generation.done;
    expect(stored).toBe(true);
  });

  it('calls onProgress with growing text while a slow reply streams', async () => {
    const run = start('[[tokens=40]] [[delay=20]]', { progressIntervalMs: 50 });
    const outcome = await run.generation.done;
    expect(outcome.status).toBe('complete');
    expect(run.progress.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < run.progress.length; i++) {
      expect(run.progress[i]!.length).toBeGreaterThan(run.progress[i - 1]!.length);
      expect(run.progress[i]!.startsWith(run.progress[i - 1]!)).toBe(true);
    }
    for (const saved of run.progress) expect(outcome.content.startsWith(saved)).toBe(true);
    expect(run.progress.at(-1)!.length).toBeLessThanOrEqual(outcome.content.length);
  });

  it('is the active generation of its conversation while running, and not after', async () => {
    const run = start('[[tokens=10]] [[delay=10]]');
    expect(activeGeneration(run.conversationId)).toBe(run.generation);
    expect(activeGeneration(uniqueId('other'))).toBeUndefined();
    await run.generation.done;
    await sleep(0);
    expect(activeGeneration(run.conversationId)).toBeUndefined();
  });

  // Code right after `await generation.done` (the stop route, a follow-up turn) must not see it as active.
  it('is no longer active as soon as done resolves', async () => {
    const run = start(replyDirective('quick'));
    await run.generation.done;
    expect(activeGeneration(run.conversationId)).toBeUndefined();
  });

  it('an ended generation still replays the whole reply to a new subscriber', async () => {
    const run = start(replyDirective(REPLY));
    await run.generation.done;
    const chunks = await readAll(run.generation.subscribe());
    expect(chunks[0]!.type).toBe('start');
    expect(textOf(chunks)).toBe(REPLY);
    expect(chunks.at(-1)!.type).toBe('finish');
  });
});

describe('stopping and disconnecting', () => {
  it('stop() mid-stream → stopped, with the partial text', async () => {
    const run = start('[[tokens=200]] [[delay=5]]');
    await until(() => run.generation.text.length > 20);
    run.generation.stop();
    const outcome = await run.generation.done;

    expect(outcome.status).toBe('stopped');
    expect(outcome.failure).toBeUndefined();
    expect(outcome.content.length).toBeGreaterThan(0);
    expect(outcome.content).toBe(run.generation.text);
    expect(outcome.content.split(' ').length).toBeLessThan(200);
    expect(run.ends).toEqual([outcome]);

    const chunks = await readAll(run.generation.subscribe());
    expect(textOf(chunks)).toBe(outcome.content);
    expect(chunks.at(-2)).toMatchObject({ type: 'message-metadata', messageMetadata: { status: 'stopped' } });
    expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'other' });
    expect(chunks.some((c) => c.type === 'error')).toBe(false);
  });

  it('stop() after the end changes nothing', async () => {
    const run = start(replyDirective('done'));
    const outcome = await run.generation.done;
    run.generation.stop();
    expect(outcome.status).toBe('complete');
    expect(run.ends).toHaveLength(1);
    expect(run.generation.abortController.signal.aborted).toBe(false);
  });

  it('a subscriber that cancels its stream does not stop the generation', async () => {
    const full = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ');
    const run = start(`${replyDirective(full)} [[delay=5]]`);
    const reader = run.generation.subscribe().getReader();
    // Read a few chunks, then hang up like a closed browser tab.
    let seen = 0;
    while (seen < 4) {
      const { done } = await reader.read();
      expect(done).toBe(false);
      seen++;
    }
    await reader.cancel();

    const outcome = await run.generation.done;
    expect(outcome.status).toBe('complete');
    expect(outcome.content).toBe(full);
    expect(run.ends).toEqual([expect.objectContaining({ status: 'complete', content: full })]);
  });

  it('a late subscriber gets everything from the start, then the rest live', async () => {
    const full = Array.from({ length: 40 }, (_, i) => `t${i}`).join(' ');
    const run = start(`${replyDirective(full)} [[delay=5]]`);
    const early = readAll(run.generation.subscribe());
    await until(() => run.generation.text.length > 15);
    const textWhenJoining = run.generation.text;
    expect(textWhenJoining.length).toBeLessThan(full.length); // still running

    const late = await readAll(run.generation.subscribe());
    expect(late[0]!.type).toBe('start');
    expect(textOf(late)).toBe(full);
    expect(late.at(-1)!.type).toBe('finish');
    // Both subscribers saw the same reply and the same events; only how deltas were batched may differ.
    const others = (chunks: UIMessageChunk[]) => chunks.filter((c) => c.type !== 'text-delta');
    expect(textOf(await early)).toBe(full);
    expect(others(late)).toEqual(others(await early));
  });
});

describe('upstream failures', () => {
  async function failed(message: string, overrides: Partial<GenerationInput> = {}) {
    const run = start(message, overrides);
    const chunks = await readAll(run.generation.subscribe());
    const outcome = await run.generation.done;
    expect(outcome.status).toBe('error');
    expect(run.ends).toEqual([outcome]);
    const error = chunks.at(-1);
    expect(error).toEqual({ type: 'error', errorText: outcome.failure!.message });
    expect(chunks.at(-2)).toMatchObject({
      type: 'message-metadata',
      messageMetadata: { status: 'error', error: outcome.failure!.message },
    });
    expect(chunks.some((c) => c.type === 'finish')).toBe(false);
    return { run, chunks, outcome, failure: outcome.failure! };
  }

  it('HTTP 401 → auth', async () => {
    const { failure, outcome } = await failed('[[status=401]]');
    expect(failure.kind).toBe('auth');
    expect(outcome.content).toBe('');
  });

  it('a rejected key (the stand-in answers 401 to the key "invalid") → auth', async () => {
    const { failure } = await failed('hello', { endpoint: standinEndpoint('invalid') });
    expect(failure.kind).toBe('auth');
    expect(failure.message).not.toContain('invalid');
  });

  it('HTTP 429 with retry-after → rate_limited with retryAfterSeconds', async () => {
    const { failure } = await failed('[[status=429]] [[retry-after=12]]');
    expect(failure).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 12 });
  });

  it('HTTP 429 without retry-after → rate_limited', async () => {
    const { failure } = await failed('[[status=429]]');
    expect(failure.kind).toBe('rate_limited');
    expect(failure.retryAfterSeconds).toBeUndefined();
  });

  it('HTTP 500 → upstream', async () => {
    const { failure } = await failed('[[status=500]]');
    expect(failure.kind).toBe('upstream');
    expect(failure.message).toContain('500');
  });

  it('a connection cut after 3 chunks → error, keeping the text that arrived', async () => {
    // [[delay]] makes the stand-in send each chunk on its own: with no delay it sends the three
    // chunks and the error back to back, and the error overtakes them inside the SDK's stream
    // pipeline (see the report: only "one" arrives).
    const full = 'one two three four five six seven eight';
    const { outcome, failure, chunks } = await failed(`${replyDirective(full)} [[cut=3]] [[delay=5]]`);
    expect(outcome.content).toBe('one two three');
    expect(textOf(chunks)).toBe('one two three');
    expect(failure.kind).toBe('interrupted');
  });

  it('a malformed chunk after 3 chunks → error, keeping the text that arrived, kind malformed', async () => {
    const full = 'one two three four five six seven eight';
    const { outcome, failure } = await failed(`${replyDirective(full)} [[malformed=3]]`);
    expect(outcome.content).toBe('one two three');
    expect(failure.kind).toBe('malformed');
  });

  it('no first token within firstTokenTimeoutMs → timeout', async () => {
    const t0 = Date.now();
    const { failure, outcome } = await failed('[[ttfb=2000]] hi', { firstTokenTimeoutMs: 200 });
    expect(Date.now() - t0).toBeLessThan(1_500);
    expect(failure.kind).toBe('timeout');
    expect(outcome.content).toBe('');
  });

  it('headers at once but no text within firstTokenTimeoutMs → timeout', async () => {
    const { failure } = await failed('[[delay=2000]] [[tokens=3]]', { firstTokenTimeoutMs: 200 });
    expect(failure.kind).toBe('timeout');
  });

  it('stop() before the first token → stopped, not an error', async () => {
    const run = start('[[ttfb=2000]] hi', { firstTokenTimeoutMs: 5_000 });
    await sleep(30);
    run.generation.stop();
    const outcome = await run.generation.done;
    expect(outcome).toMatchObject({ status: 'stopped', content: '' });
    expect(outcome.failure).toBeUndefined();
  });

  it('the first-token timeout does not fire once text is flowing', async () => {
    const run = start('[[tokens=30]] [[delay=15]]', { firstTokenTimeoutMs: 100 });
    const outcome = await run.generation.done;
    expect(outcome.status).toBe('complete');
    expect(outcome.content.split(' ').length).toBeGreaterThanOrEqual(29);
  });

  it('an onEnd that throws does not break the stream', async () => {
    const run = start(replyDirective('fine'), {
      onEnd: () => {
        throw new Error('disk full');
      },
    });
    const chunks = await readAll(run.generation.subscribe());
    expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    expect((await run.generation.done).status).toBe('complete');
    expect(console.error).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ message: 'disk full' }));
  });
});

describe('over real HTTP (node:http stand-in)', () => {
  let server: StandinServer;
  beforeAll(async () => {
    server = await startStandinServer({ defaultDelayMs: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });

  const httpEndpoint = (baseURL: string): UpstreamEndpoint => ({ baseURL, apiKey: 'k' });

  it('a dropped connection mid-reply → error, keeping the text', async () => {
    const run = start(`${replyDirective('one two three four five six')} [[cut=3]]`, { endpoint: httpEndpoint(server.url) });
    const outcome = await run.generation.done;
    expect(outcome.status).toBe('error');
    expect(outcome.content).toBe('one two three');
  });

  // Over a real socket undici's `TypeError: terminated` (cause UND_ERR_SOCKET) arrives wrapped in
  // APICallError{statusCode: 200, message: 'Failed to process successful response'}.
  it('a dropped connection mid-reply is classified as interrupted', async () => {
    const run = start(`${replyDirective('one two three four five six')} [[cut=3]]`, { endpoint: httpEndpoint(server.url) });
    const outcome = await run.generation.done;
    expect(outcome.status).toBe('error');
    expect(outcome.failure!.kind).toBe('interrupted');
  });

  it('nothing listening → unreachable', async () => {
    const closed = await startStandinServer();
    const url = closed.url;
    await closed.close();
    const run = start('hi', { endpoint: httpEndpoint(url) });
    const outcome = await run.generation.done;
    expect(outcome.status).toBe('error');
    expect(outcome.failure!.kind).toBe('unreachable');
  });
});

describe('mergeTextDeltas', () => {
  it('joins runs of deltas of one text part and keeps everything else in order', () => {
    const merged = mergeTextDeltas([
      { type: 'start' },
      { type: 'text-start', id: 'a' },
      { type: 'text-delta', id: 'a', delta: 'Hel' },
      { type: 'text-delta', id: 'a', delta: 'lo' },
      { type: 'text-end', id: 'a' },
      { type: 'text-start', id: 'b' },
      { type: 'text-delta', id: 'b', delta: '!' },
    ]);
    expect(merged).toEqual([
      { type: 'start' },
      { type: 'text-start', id: 'a' },
      { type: 'text-delta', id: 'a', delta: 'Hello' },
      { type: 'text-end', id: 'a' },
      { type: 'text-start', id: 'b' },
      { type: 'text-delta', id: 'b', delta: '!' },
    ]);
  });
});
