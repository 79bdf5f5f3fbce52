import { expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SPARE_PORT, STANDIN_PORT } from '../playwright.config';
import { GATE_AFTER_CHUNKS } from '../lib/standin';
import { assistantMessages, openGate, uniqueWord } from './helpers';
import { waitForHydration } from './ui-helpers';
import { startRedis, type RedisServer } from '../lib/testing/redis-server';
import { startOwnServer, type OwnServer } from './server-process';
import { createPostgresDatabase } from './postgres';

/**
 * Two app instances sharing one database and one Redis (REDIS_URL), as behind a load balancer:
 * a reply started on A can be rejoined and stopped from B, only one reply per conversation is
 * written across both, and when A dies mid-reply B tells its listener and stores what was written
 * as interrupted, once. Replies are held at stand-in gates, so nothing here depends on timing.
 * Twice: sharing one SQLite file, and sharing a PostgreSQL database (the server scripts/test.sh
 * starts, TEST_POSTGRES_URL).
 */
const offset = Number(process.env.E2E_PORT_OFFSET ?? 0);
const ENGINES = [
  { engine: 'sqlite', ports: { a: SPARE_PORT + 8, b: SPARE_PORT + 9, redis: 6390 + offset } },
  { engine: 'postgres', ports: { a: SPARE_PORT + 11, b: SPARE_PORT + 12, redis: 6392 + offset } },
] as const;

for (const { engine, ports } of ENGINES) {
  test.describe(`two instances on ${engine}`, () => {
    test.describe.configure({ mode: 'serial', timeout: 90_000 });
    test.skip(engine === 'postgres' && !process.env.TEST_POSTGRES_URL, 'needs TEST_POSTGRES_URL (scripts/test.sh starts PostgreSQL)');

    let redis: RedisServer;
    let a: OwnServer;
    let b: OwnServer;
    let env: Record<string, string>;
    let cookie = '';
    const PASSWORD = 'scale-out-password';
    let clients = 0;

    /** Headers of a signed-in browser; each chat comes from its own address unless one is given (rate limits). */
    function as(server: OwnServer, ip = `10.0.0.${++clients}`): Record<string, string> {
      return { cookie, origin: server.url, 'x-forwarded-for': ip };
    }
    const get = (server: OwnServer, path: string) => fetch(`${server.url}${path}`, { headers: as(server) });

    test.beforeAll(async () => {
      test.setTimeout(90_000);
      redis = await startRedis(ports.redis);
      env = {
        AIMLAPI_API_KEY: 'e2e-test-key',
        AIMLAPI_BASE_URL: `http://127.0.0.1:${STANDIN_PORT}/v1`,
        DATABASE_URL: engine === 'postgres' ? await createPostgresDatabase('scale') : `file:${join(mkdtempSync(join(tmpdir(), 'qwen-chat-scale-')), 'chat.db')}`,
        REDIS_URL: redis.url,
        // Short beats: a killed instance's replies count as interrupted after ~0.9 s instead of 6 s.
        LIVE_HEARTBEAT_MS: '300',
        APP_PASSWORD: PASSWORD,
        CHAT_RATE_LIMIT_PER_MINUTE: '3',
      };
      // One at a time: the first applies the migrations.
      a = await startOwnServer(ports.a, env);
      b = await startOwnServer(ports.b, env);
      // Signed in on A; every request below, to either instance, carries that session.
      const res = await fetch(`${a.url}/api/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: a.url },
        body: JSON.stringify({ password: PASSWORD }),
      });
      expect(res.status).toBe(200);
      cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    });
    test.afterAll(async () => {
      await Promise.all([a?.kill(), b?.kill()]);
      await redis?.stop();
    });

    /** A gated reply holds after this much text: both sides have everything written so far. */
    const atGate = (text: string) => text.trim().split(/\s+/).filter(Boolean).length >= GATE_AFTER_CHUNKS;

    type Chunk = { type: string; delta?: string; errorText?: string; messageMetadata?: { status?: string } };

    /** Reads a UI message stream (SSE) chunk by chunk. */
    function chunks(res: Response) {
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      const seen: Chunk[] = [];
      const text = () => seen.filter((c) => c.type === 'text-delta').map((c) => c.delta).join('');
      async function next(): Promise<Chunk | undefined> {
        for (;;) {
          const end = buffer.indexOf('\n\n');
          if (end >= 0) {
            const event = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = event.replace(/^data: /, '');
            if (data === '[DONE]') continue;
            const chunk = JSON.parse(data) as Chunk;
            seen.push(chunk);
            return chunk;
          }
          const { value, done } = await reader.read();
          if (done) return undefined;
          buffer += decoder.decode(value, { stream: true });
        }
      }
      return {
        seen,
        text,
        async until(predicate: () => boolean): Promise<void> {
          while (!predicate()) if (!(await next())) throw new Error(`stream ended first; got ${JSON.stringify(seen.map((c) => c.type))}`);
        },
        async rest(): Promise<void> {
          while (await next());
        },
      };
    }

    function chat(server: OwnServer, id: string, text: string, ip?: string): Promise<Response> {
      return fetch(`${server.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...as(server, ip) },
        body: JSON.stringify({ id, message: { text } }),
      });
    }

    type Stored = { role: string; parts: { text: string }[]; metadata: { status: string; error: string | null } };
    async function stored(server: OwnServer, id: string): Promise<Stored[]> {
      const res = await get(server, `/api/conversations/${id}`);
      expect(res.status, await res.clone().text()).toBe(200);
      return ((await res.json()) as { messages: Stored[] }).messages;
    }

    test('a reply started on A is rejoined on B from its first word, then live, and stored once', async () => {
      const id = uniqueWord('scale');
      const onA = chunks(await chat(a, id, `rejoin ${id} [[tokens=40]] [[delay=5]] [[gate=${id}]]`));
      await onA.until(() => atGate(onA.text()));

      expect(await (await get(b, `/api/chat/${id}/active`)).json()).toMatchObject({ generating: true });
      const res = await get(b, `/api/chat/${id}/stream`);
      expect(res.status).toBe(200);
      const onB = chunks(res);
      // B replays what A has written so far (the gate holds the reply after a few words)…
      await onB.until(() => atGate(onB.text()));
      expect(onB.text()).toBe(onA.text());
      expect(onB.seen[0]).toMatchObject({ type: 'start' });
      // …then follows it live to the end.
      await openGate(id);
      await Promise.all([onA.rest(), onB.rest()]);
      expect(onB.text()).toBe(onA.text());
      expect(onA.text().trim().split(/\s+/)).toHaveLength(40);
      expect(onB.seen.at(-1)).toMatchObject({ type: 'finish' });

      const messages = await stored(b, id);
      expect(messages.map((m) => m.role)).toEqual(['user', 'assistant']);
      expect(messages[1]).toMatchObject({ metadata: { status: 'complete' } });
      expect(messages[1]!.parts[0]!.text).toBe(onA.text());
      expect(await (await get(b, `/api/chat/${id}/active`)).json()).toMatchObject({ generating: false });
      expect((await get(b, `/api/chat/${id}/stream`)).status).toBe(204);
    });

    test('while A writes a reply, B refuses a second one in the same conversation; B can stop A’s', async () => {
      const id = uniqueWord('stopb');
      const onA = chunks(await chat(a, id, `stop me ${id} [[tokens=200]] [[delay=5]] [[gate=${id}]]`));
      await onA.until(() => onA.text().length > 0);

      const second = await chat(b, id, `me too ${id}`);
      expect(second.status).toBe(409);
      expect(await second.json()).toMatchObject({ error: { code: 'conflict' } });

      const stop = await fetch(`${b.url}/api/chat/${id}/stop`, { method: 'POST', headers: as(b) });
      expect(await stop.json()).toEqual({ stopped: true, status: 'stopped' });
      await onA.rest();
      const messages = await stored(a, id);
      expect(messages).toHaveLength(2);
      expect(messages[1]).toMatchObject({ metadata: { status: 'stopped' } });
      expect(messages[1]!.parts[0]!.text).toBe(onA.text());
      expect(onA.text().trim().split(/\s+/).length).toBeLessThan(200);
      await openGate(id); // nothing waits on it any more; keeps the stand-in tidy
    });

    test('A killed mid-reply: B’s listener is told, the reply is stored as interrupted with its text, once; the chat goes on on B', async () => {
      const id = uniqueWord('killa');
      const onA = chunks(await chat(a, id, `kill ${id} [[tokens=200]] [[delay=5]] [[gate=${id}]]`));
      await onA.until(() => atGate(onA.text()));
      const onB = chunks(await get(b, `/api/chat/${id}/stream`));
      await onB.until(() => atGate(onB.text()));
      expect(onB.text()).toBe(onA.text());

      await a.kill('SIGKILL');
      await onB.rest();
      expect(onB.seen.at(-1)).toMatchObject({ type: 'error' });
      expect(onB.seen.find((c) => c.type === 'message-metadata')).toMatchObject({ messageMetadata: { status: 'interrupted' } });

      const messages = await stored(b, id);
      expect(messages.map((m) => m.role)).toEqual(['user', 'assistant']);
      expect(messages[1]!.metadata).toMatchObject({ status: 'interrupted', error: expect.stringMatching(/server stopped/) });
      expect(messages[1]!.parts[0]!.text).toBe(onB.text());
      expect(await (await get(b, `/api/chat/${id}/active`)).json()).toMatchObject({ generating: false });

      // The conversation is free again: B answers the next message.
      const next = chunks(await chat(b, id, `after ${id} [[reply=still%20here]]`));
      await next.rest();
      expect(next.text()).toBe('still here');
      await openGate(id);
      a = await startOwnServer(ports.a, env);
    });

    test('a reply whose instance dies with nobody listening is marked interrupted by the survivors’ sweep', async () => {
      const id = uniqueWord('sweep');
      const onA = chunks(await chat(a, id, `orphan ${id} [[tokens=200]] [[delay=5]] [[gate=${id}]]`));
      await onA.until(() => atGate(onA.text()));
      await a.kill('SIGKILL');
      await expect
        .poll(async () => (await stored(b, id))[1]?.metadata.status, { timeout: 20_000 })
        .toBe('interrupted');
      // What reached Redis is kept: the words before the gate, except perhaps the last ones, which A's client
      // can receive a moment before A's copy of them reaches Redis (A was killed right after).
      const kept = (await stored(b, id))[1]!.parts[0]!.text;
      expect(kept.trim().length).toBeGreaterThan(0);
      expect(onA.text().startsWith(kept)).toBe(true);
      await openGate(id);
      a = await startOwnServer(ports.a, env);
    });

    test('the chat rate limit counts both instances together, and the session from A is good on B', async () => {
      const ip = '10.9.9.9';
      const word = uniqueWord('limit');
      // CHAT_RATE_LIMIT_PER_MINUTE=3: two on A and one on B use it up…
      for (const [server, n] of [[a, 1], [a, 2], [b, 3]] as const) {
        const res = await chat(server, `${word}-${n}`, `limit ${word} [[reply=ok]]`, ip);
        expect(res.status).toBe(200);
        await chunks(res).rest();
      }
      // …so the fourth is refused on either, with when to try again.
      for (const server of [a, b]) {
        const res = await chat(server, `${word}-4`, `limit ${word}`, ip);
        expect(res.status).toBe(429);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await res.json()).toMatchObject({ error: { code: 'rate_limited' } });
      }
      // Another address is not affected; and without the session, B refuses.
      expect((await chat(b, `${word}-5`, `limit ${word} [[reply=ok]]`)).status).toBe(200);
      expect((await fetch(`${b.url}/api/conversations`)).status).toBe(401);
    });

    test('60 chats at once spread over A and B all complete, each stored once (both write one database)', async () => {
      const word = uniqueWord('both');
      const results = await Promise.all(
        Array.from({ length: 60 }, async (_, i) => {
          const id = `${word}-${i}`;
          const res = await chat(i % 2 ? b : a, id, `parallel ${i} [[tokens=20]] [[delay=5]]`);
          expect(res.status).toBe(200);
          const stream = chunks(res);
          await stream.rest();
          return { id, text: stream.text() };
        }),
      );
      for (const { id, text } of results) {
        const messages = await stored(i2(id), id);
        expect(messages.map((m) => m.role)).toEqual(['user', 'assistant']);
        expect(messages[1]).toMatchObject({ metadata: { status: 'complete' } });
        expect(messages[1]!.parts[0]!.text).toBe(text);
      }
    });

    /** Reads through the other instance than the one that wrote (or either: they share the database). */
    const i2 = (id: string) => (Number(id.split('-').at(-1)) % 2 ? a : b);

    test('in the browser: a reply being written on A shows live on B, and B’s Stop stops it', async ({ page, context }) => {
      const id = uniqueWord('browser');
      const onA = chunks(await chat(a, id, `watch ${id} [[tokens=200]] [[delay=5]] [[gate=${id}]]`));
      await onA.until(() => atGate(onA.text()));

      const [name, value] = cookie.split('=') as [string, string];
      await context.addCookies([{ name, value, url: b.url }]);
      await page.goto(`${b.url}/chat/${id}`);
      await waitForHydration(page);
      // What A has written so far, rejoined through B…
      await expect(assistantMessages(page).last()).toContainText(onA.text().trim());
      const stop = page.getByRole('button', { name: 'Stop' });
      await expect(stop).toBeVisible();
      // …and stopped from B: A's stream ends, and the reply is stored as stopped.
      await stop.click();
      await onA.rest();
      await expect(stop).toBeHidden();
      await expect.poll(async () => (await stored(b, id))[1]?.metadata.status).toBe('stopped');
      expect((await stored(b, id))[1]!.parts[0]!.text).toBe(onA.text());
      await openGate(id);
    });
  });
}
