import { expect, test } from '@playwright/test';
import { uniqueWord } from './helpers';

/** The REST API, as a script would use it. */
test.describe('REST API', () => {
  async function chat(request: import('@playwright/test').APIRequestContext, id: string, text: string) {
    const res = await request.post('/api/chat', { data: { id, message: { role: 'user', parts: [{ type: 'text', text }] } } });
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('text/event-stream');
    const body = await res.text();
    expect(body).toContain('"type":"finish"');
    return body;
  }

  test('create by chatting, list with a cursor, read, rename, delete', async ({ request }) => {
    const ids = [uniqueWord('api'), uniqueWord('api'), uniqueWord('api')];
    for (const id of ids) await chat(request, id, `hello ${id}`);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await request.get(`/api/conversations?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.ok()).toBe(true);
      const page = (await res.json()) as { conversations: { id: string; title: string; createdAt: number; updatedAt: number }[]; nextCursor: string | null };
      expect(page.conversations.length).toBeLessThanOrEqual(2);
      for (const c of page.conversations) {
        expect(typeof c.title).toBe('string');
        expect(typeof c.createdAt).toBe('number');
        seen.push(c.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    for (const id of ids) expect(seen).toContain(id);
    expect(new Set(seen).size).toBe(seen.length);
    // Newest first.
    expect(seen.indexOf(ids[2]!)).toBeLessThan(seen.indexOf(ids[0]!));

    const detail = await (await request.get(`/api/conversations/${ids[0]}`)).json();
    expect(detail.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(detail.messages[1].metadata.status).toBe('complete');
    expect(detail.messages[1].metadata.usage.completionTokens).toBeGreaterThan(0);

    const renamed = await request.patch(`/api/conversations/${ids[0]}`, { data: { title: '  New   name ' } });
    expect(renamed.status()).toBe(200);
    expect((await renamed.json()).title).toBe('New name');

    expect((await request.delete(`/api/conversations/${ids[0]}`)).status()).toBe(204);
    expect((await request.get(`/api/conversations/${ids[0]}`)).status()).toBe(404);
    expect((await request.delete(`/api/conversations/${ids[0]}`)).status()).toBe(404);
  });

  test('a chat response says in Server-Timing what the server spent before calling the model', async ({ request }) => {
    const res = await request.post('/api/chat', { data: { id: uniqueWord('timing'), message: { text: 'hello' } } });
    expect(res.status()).toBe(200);
    const header = res.headers()['server-timing'] ?? '';
    const metrics = Object.fromEntries([...header.matchAll(/(\w+);dur=([\d.]+)/g)].map((m) => [m[1], Number(m[2])]));
    expect(Object.keys(metrics).sort()).toEqual(['prompt', 'store']);
    for (const dur of Object.values(metrics)) {
      expect(dur).toBeGreaterThanOrEqual(0);
      expect(dur).toBeLessThan(10_000);
    }
    await res.text();
  });

  test('errors are JSON with a code and a message, never a stack trace', async ({ request }) => {
    const cases = [
      { res: await request.get('/api/conversations/nope-unknown'), status: 404, code: 'not_found' },
      { res: await request.get('/api/conversations/bad%20id!'), status: 400, code: 'bad_request' },
      { res: await request.get('/api/conversations?limit=abc'), status: 400, code: 'bad_request' },
      { res: await request.get('/api/conversations?cursor=garbage'), status: 400, code: 'bad_request' },
      { res: await request.patch('/api/conversations/nope-unknown', { data: { title: 'x' } }), status: 404, code: 'not_found' },
      {
        res: await request.post('/api/chat', { headers: { 'content-type': 'application/json' }, data: '{not json' }),
        status: 400,
        code: 'bad_request',
      },
      { res: await request.post('/api/chat', { data: { id: 'x', message: { parts: [{ type: 'text', text: '   ' }] } } }), status: 400, code: 'bad_request' },
      { res: await request.post('/api/chat', { data: { id: 5 } }), status: 400, code: 'bad_request' },
      { res: await request.get('/api/no-such-endpoint'), status: 404, code: 'not_found' },
      {
        res: await request.post('/api/chat', { data: { id: 'big-body', message: { text: 'x'.repeat(5_000_000) } } }),
        status: 413,
        code: 'payload_too_large',
      },
      {
        res: await request.post('/api/chat', { data: { id: 'long-message', message: { text: 'y'.repeat(200_001) } } }),
        status: 413,
        code: 'payload_too_large',
      },
      {
        res: await request.post('/api/chat', { data: { messages: Array.from({ length: 10_001 }, () => ({ role: 'user', text: 'hi' })) } }),
        status: 400,
        code: 'bad_request',
      },
      {
        res: await request.post('/api/chat', { headers: { 'content-type': 'text/html' }, data: '<p>hi</p>' }),
        status: 415,
        code: 'unsupported_media_type',
      },
    ];
    for (const { res, status, code } of cases) {
      expect(res.status(), await res.text()).toBe(status);
      const body = await res.json();
      expect(body.error.code).toBe(code);
      expect(typeof body.error.message).toBe('string');
      expect(JSON.stringify(body)).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
    }
  });

  test('a second message while a reply is still being written is refused with 409', async ({ request }) => {
    const id = uniqueWord('busy');
    const first = request.post('/api/chat', { data: { id, message: { text: 'slow [[tokens=30]] [[delay=50]]' } } });
    await expect.poll(async () => (await request.get(`/api/conversations/${id}`)).status()).toBe(200);
    const second = await request.post('/api/chat', { data: { id, message: { text: 'again' } } });
    expect(second.status()).toBe(409);
    expect((await second.json()).error.code).toBe('conflict');
    await first;
  });
});
