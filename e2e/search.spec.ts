import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { alerts, sidebar, uniqueWord } from './helpers';

/** Full-text search: the sidebar box, GET /api/search, and opening a result at its message. */

const searchBox = (page: Page) => page.getByRole('searchbox', { name: 'Search conversations' });
const results = (page: Page) => page.getByRole('navigation', { name: 'Search results' });

/** Percent-encodes every character, so the user's message (which carries the directive) never contains the words of the reply. */
function encodeAll(text: string): string {
  return [...new TextEncoder().encode(text)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

/** One turn through the API, waiting for the reply to finish. */
async function turn(request: APIRequestContext, id: string, text: string): Promise<void> {
  const res = await request.post('/api/chat', { data: { id, message: { text } } });
  expect(res.status()).toBe(200);
  expect(await res.text()).toContain('"type":"finish"');
}

/** Three characters no other test (or earlier run) writes. */
function uniqueHan(): string {
  return Array.from({ length: 3 }, () => String.fromCodePoint(0x4e00 + Math.floor(Math.random() * 0x5000))).join('');
}

test.describe('search', () => {
  test('finds a message deep in a conversation; the result opens it scrolled into view and highlighted', async ({ page, request }) => {
    test.setTimeout(60_000); // three replies, two of them long
    const word = uniqueWord('quasar');
    const id = uniqueWord('search');
    await turn(request, id, `first question [[reply=${encodeAll(`The telescope saw a <b>${word}</b> far away, in the middle of this reply.`)}]]`);
    // Long replies after it, so the match is far above the bottom where a conversation opens.
    await turn(request, id, 'go on [[tokens=400]]');
    await turn(request, id, 'and more [[tokens=400]]');

    await page.goto('/');
    await searchBox(page).fill(word.slice(0, -2)); // a prefix is enough
    const hit = results(page).getByRole('link').filter({ hasText: word });
    await expect(hit).toHaveCount(1);
    await expect(hit.locator('mark')).toHaveText(word);
    // The reply's markup is shown as text, never rendered.
    await expect(hit.getByTestId('search-snippet')).toContainText(`<b>${word}</b>`);
    await expect(hit.locator('b')).toHaveCount(0);
    await expect(sidebar(page)).toHaveCount(0);

    const detail = (await (await request.get(`/api/conversations/${id}`)).json()) as { messages: { id: string; role: string }[] };
    const target = detail.messages[1]!;
    expect(target.role).toBe('assistant');
    await expect(hit).toHaveAttribute('href', `/chat/${id}?m=${target.id}`);

    await hit.click();
    await expect(page).toHaveURL(new RegExp(`/chat/${id}\\?m=${target.id}$`));
    const message = page.locator(`[data-message-id="${target.id}"]`);
    await expect(message).toHaveAttribute('data-highlighted', '');
    await expect(message).toBeInViewport();
    // The last reply, at the bottom, is out of view: the page did not just open at the end.
    await expect(page.locator(`[data-message-id="${detail.messages[5]!.id}"]`)).not.toBeInViewport({ ratio: 0.5 });
    // The highlight is brief.
    await expect(message).not.toHaveAttribute('data-highlighted', { timeout: 5_000 });
    // The results stay, so another can be opened; Escape clears the box and brings the list back.
    await expect(results(page).getByRole('link').filter({ hasText: word })).toHaveAttribute('aria-current', 'page');
    await searchBox(page).press('Escape');
    await expect(searchBox(page)).toHaveValue('');
    await expect(sidebar(page)).toBeVisible();
    await expect(results(page)).toHaveCount(0);
  });

  test('in a chat longer than the first page, an early message is loaded and opened', async ({ page, request }) => {
    test.setTimeout(90_000);
    const word = uniqueWord('pulsar');
    const id = uniqueWord('search');
    await turn(request, id, `start [[reply=${encodeAll(`Early on we talked about ${word}.`)}]]`);
    // 110 more messages: the page opens with the newest 100, so the match is not among them.
    for (let i = 0; i < 55; i++) await turn(request, id, `turn ${i} [[reply=ok%20${i}]]`);

    await page.goto('/');
    await searchBox(page).fill(word);
    const hit = results(page).getByRole('link');
    await expect(hit).toHaveCount(1);
    await hit.click();
    await expect(page).toHaveURL(new RegExp(`/chat/${id}\\?m=`));
    const message = page.locator('[data-message-id][data-highlighted]');
    await expect(message).toContainText(`Early on we talked about ${word}.`);
    await expect(message).toBeInViewport();
  });

  test('a Chinese substring in the middle of a sentence', async ({ page, request }) => {
    const han = uniqueHan();
    const id = uniqueWord('search');
    await turn(request, id, `中文 [[reply=${encodeAll(`我喜欢在${han}工作，因为那里很安静。`)}]]`);
    await page.goto('/');
    await searchBox(page).fill(han);
    const hit = results(page).getByRole('link');
    await expect(hit).toHaveCount(1);
    await expect(hit.locator('mark')).toHaveText(han);
    await expect(hit).toContainText(`我喜欢在${han}工作`);
    await hit.click();
    await expect(page).toHaveURL(new RegExp(`/chat/${id}\\?m=`));
    await expect(page.locator('[data-message-id][data-highlighted]')).toContainText(han);
  });

  test('query syntax typed by a user is never an error; nothing found says so', async ({ page }) => {
    await page.goto('/');
    const responses: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/search')) responses.push(r.status());
    });
    await searchBox(page).fill(`"unbalanced (quote* OR ${uniqueWord('nothing')}`);
    await expect(results(page).getByRole('status')).toHaveText('No results');
    await searchBox(page).fill('*** ( ) : ^ NEAR "');
    await expect(results(page).getByRole('status')).toHaveText('No results');
    await expect(alerts(page)).toHaveCount(0);
    expect(responses.length).toBeGreaterThan(0);
    expect(responses.every((s) => s === 200)).toBe(true);
  });

  test('GET /api/search', async ({ request }) => {
    const word = uniqueWord('nebula');
    const id = uniqueWord('search');
    await turn(request, id, `x [[reply=${encodeAll(`A ${word} and a café.`)}]]`);

    const res = await request.get(`/api/search?q=${encodeURIComponent(`${word} CAFE`)}`);
    expect(res.status()).toBe(200);
    const body = (await res.json()) as { results: Record<string, unknown>[] };
    expect(body.results).toHaveLength(1);
    expect(body.results[0]).toMatchObject({
      conversationId: id,
      role: 'assistant',
      snippet: `A ${word} and a café.`,
      segments: [
        { text: 'A ', highlight: false },
        { text: word, highlight: true },
        { text: ' and a ', highlight: false },
        { text: 'café', highlight: true },
        { text: '.', highlight: false },
      ],
    });
    expect(typeof body.results[0]!.messageId).toBe('string');
    expect(typeof body.results[0]!.title).toBe('string');

    for (const q of ['"unbalanced (quote* OR', 'NEAR(', '🙂', '\u0001']) {
      const r = await request.get(`/api/search?q=${encodeURIComponent(q)}`);
      expect(r.status()).toBe(200);
    }
    for (const query of ['', 'q=', 'q=%20%20', `q=${'x'.repeat(501)}`, 'q=a&limit=0', 'q=a&limit=51', 'q=a&limit=x']) {
      const r = await request.get(`/api/search?${query}`);
      expect(r.status()).toBe(400);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    }

    // Deleting the conversation takes it out of the results.
    expect((await request.delete(`/api/conversations/${id}`)).status()).toBe(204);
    expect(((await (await request.get(`/api/search?q=${word}`)).json()) as { results: unknown[] }).results).toEqual([]);
  });
});
