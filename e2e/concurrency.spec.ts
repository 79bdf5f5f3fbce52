import { expect, test } from '@playwright/test';
import { uniqueWord } from './helpers';

test('50 chats at once: all complete, each stored exactly once, no reply mixed up', async ({ request, baseURL }) => {
  test.setTimeout(60_000);
  const run = uniqueWord('many');
  const chats = Array.from({ length: 50 }, (_, i) => ({ id: `${run}-${i}`, answer: `answer-${run}-${i}` }));
  const bodies = await Promise.all(
    chats.map(async ({ id, answer }) => {
      const res = await fetch(`${baseURL}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id, message: { text: `question ${id} [[reply=${answer}]] [[delay=10]]` } }),
      });
      return { status: res.status, text: await res.text() };
    }),
  );
  for (const [i, body] of bodies.entries()) {
    expect(body.status).toBe(200);
    expect(body.text).toContain('"type":"finish"');
    expect(body.text).not.toContain('"type":"error"');
    // Each stream carries its own answer and nobody else's.
    const deltas = [...body.text.matchAll(/"delta":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`)).join('');
    expect(deltas).toBe(chats[i]!.answer);
  }
  for (const { id, answer } of chats) {
    const detail = await (await request.get(`/api/conversations/${id}`)).json();
    expect(detail.messages).toHaveLength(2);
    expect(detail.messages[0].parts[0].text).toContain(`question ${id}`);
    expect(detail.messages[1].parts[0].text).toBe(answer);
    expect(detail.messages[1].metadata.status).toBe('complete');
  }
  const listed: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await (await request.get(`/api/conversations?limit=200${cursor ? `&cursor=${cursor}` : ''}`)).json();
    listed.push(...page.conversations.map((c: { id: string }) => c.id).filter((id: string) => id.startsWith(run)));
    cursor = page.nextCursor;
  } while (cursor);
  expect(listed.sort()).toEqual(chats.map((c) => c.id).sort());
});
