import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SPARE_PORT, STANDIN_PORT } from '../playwright.config';
import { startOwnServer } from './server-process';
import { openGate, uniqueWord } from './helpers';

type Stored = { id: string; role: string; parts: { text: string }[]; metadata: { status: string; error: string | null } };

test('SIGKILL mid-reply: the database opens intact, the message and the partial reply survive', async () => {
  test.setTimeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'qwen-chat-crash-'));
  const env = {
    AIMLAPI_API_KEY: 'e2e-test-key',
    AIMLAPI_BASE_URL: `http://127.0.0.1:${STANDIN_PORT}/v1`,
    DATABASE_URL: `file:${join(dir, 'chat.db')}`,
  };
  const id = uniqueWord('crash');
  let server = await startOwnServer(SPARE_PORT, env);
  try {
    const res = await fetch(`${server.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id, message: { text: `crash ${id} [[tokens=400]] [[delay=20]]` } }),
    });
    expect(res.status).toBe(200);
    // Read the stream for a while, so some of the reply has been saved (every 300 ms), then pull the plug.
    const reader = res.body!.getReader();
    const started = Date.now();
    while (Date.now() - started < 1500) await reader.read();
    await server.kill('SIGKILL');

    const db = new Database(join(dir, 'chat.db'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();

    server = await startOwnServer(SPARE_PORT, env);
    const detail = (await (await fetch(`${server.url}/api/conversations/${id}`)).json()) as { messages: Stored[] };
    const [user, reply] = detail.messages;
    expect(user?.parts[0]?.text).toContain(`crash ${id}`);
    expect(reply?.metadata.status).toBe('interrupted');
    expect(reply?.metadata.error).toMatch(/server stopped/);
    const words = reply!.parts[0]!.text.trim().split(/\s+/);
    expect(words.length).toBeGreaterThan(5);
    expect(words.length).toBeLessThan(400);

    // No half-written rows: nothing is left "streaming", and the branch tip exists.
    const check = new Database(join(dir, 'chat.db'), { readonly: true });
    expect(check.prepare(`SELECT count(*) AS n FROM messages WHERE status = 'streaming'`).get()).toEqual({ n: 0 });
    expect(
      check
        .prepare(`SELECT count(*) AS n FROM conversations c LEFT JOIN messages m ON m.id = c.current_leaf_id WHERE m.id IS NULL`)
        .get(),
    ).toEqual({ n: 0 });
    check.close();

    // And the conversation goes on.
    const next = await fetch(`${server.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id, message: { text: 'still there?' } }),
    });
    expect(await next.text()).toContain('"type":"finish"');
  } finally {
    await server.kill('SIGKILL');
  }
});

test('SIGTERM mid-reply: the reply finishes and is stored before the server exits; a new chat meanwhile gets 503', async () => {
  test.setTimeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'qwen-chat-drain-'));
  const env = {
    AIMLAPI_API_KEY: 'e2e-test-key',
    AIMLAPI_BASE_URL: `http://127.0.0.1:${STANDIN_PORT}/v1`,
    DATABASE_URL: `file:${join(dir, 'chat.db')}`,
    // As `npm run start` sets it: the app, not Next, handles the signal.
    NEXT_MANUAL_SIG_HANDLE: '1',
  };
  const port = SPARE_PORT + 10;
  const id = uniqueWord('drain');
  let server = await startOwnServer(port, env);
  try {
    const post = (conversation: string, text: string) =>
      fetch(`${server.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: conversation, message: { text } }),
      });
    const res = await post(id, `drain ${id} [[tokens=30]] [[delay=5]] [[gate=${id}]]`);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let body = '';
    while (!body.includes('"text-delta"')) body += decoder.decode((await reader.read()).value);
    const exited = new Promise((resolve) => server.process.once('exit', resolve));

    process.kill(-server.process.pid!, 'SIGTERM');
    // Still up for the reply it is writing, but taking no new chats.
    await expect.poll(async () => (await post(`${id}-new`, 'hello?')).status).toBe(503);
    const refused = await post(`${id}-new2`, 'hello?');
    expect(await refused.json()).toMatchObject({ error: { code: 'unavailable' } });

    await openGate(id);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      body += decoder.decode(value);
    }
    expect(body).toContain('"type":"finish"');
    await exited;

    server = await startOwnServer(port, { ...env });
    const detail = (await (await fetch(`${server.url}/api/conversations/${id}`)).json()) as { messages: Stored[] };
    expect(detail.messages[1]?.metadata.status).toBe('complete');
    expect(detail.messages[1]!.parts[0]!.text.trim().split(/\s+/)).toHaveLength(30);
  } finally {
    await server.kill('SIGKILL');
  }
});
