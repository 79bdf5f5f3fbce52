import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { uniqueWord } from './helpers';

/** Search finds text inside files attached to messages; the hit names the file and opens its message. */

const searchBox = (page: Page) => page.getByRole('searchbox', { name: 'Search conversations' });
const results = (page: Page) => page.getByRole('navigation', { name: 'Search results' });

/** Uploads a text file through the API; returns its content id. */
async function upload(request: APIRequestContext, name: string, text: string): Promise<string> {
  const res = await request.post(`/api/files?name=${encodeURIComponent(name)}`, {
    data: Buffer.from(text, 'utf8'),
    headers: { 'content-type': 'text/plain' },
  });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { file: { id: string } }).file.id;
}

/** One turn through the API with files attached, waiting for the reply to finish. */
async function turn(request: APIRequestContext, id: string, text: string, attachments: { id: string; name: string }[] = []): Promise<void> {
  const res = await request.post('/api/chat', { data: { id, message: { text, attachments } } });
  expect(res.status()).toBe(200);
  expect(await res.text()).toContain('"type":"finish"');
}

async function userMessageIds(request: APIRequestContext, id: string): Promise<string[]> {
  const detail = (await (await request.get(`/api/conversations/${id}`)).json()) as { messages: { id: string; role: string }[] };
  return detail.messages.filter((m) => m.role === 'user').map((m) => m.id);
}

test.describe('search inside attached files', () => {
  test('a word only in an attached file: the hit names the file and opens its message', async ({ page, request }) => {
    const word = uniqueWord('filefind');
    const name = `${uniqueWord('notes')}.txt`;
    // Not on the first or last line, and the reply is fixed: the word is in the file and nowhere else.
    const text = `Meeting notes\n\nThe budget for the ${word} project was approved on Tuesday.\n\nEnd of notes`;
    const fileId = await upload(request, name, text);
    const id = uniqueWord('search');
    await turn(request, id, 'Please read the attached notes [[reply=Read%20it.]]', [{ id: fileId, name }]);
    const [userId] = await userMessageIds(request, id);

    // The API: a result for the user message, with the file's name and a passage from its text.
    const api = (await (await request.get(`/api/search?q=${encodeURIComponent(word)}`)).json()) as { results: Record<string, unknown>[] };
    expect(api.results).toHaveLength(1);
    expect(api.results[0]).toMatchObject({ conversationId: id, messageId: userId, role: 'user', file: name });
    expect(api.results[0]!.snippet).toContain(`The budget for the ${word} project was approved`);

    await page.goto('/');
    await searchBox(page).fill(word.slice(0, -2)); // a prefix is enough, as in messages
    const hit = results(page).getByRole('link').filter({ hasText: word });
    await expect(hit).toHaveCount(1);
    await expect(hit.getByTestId('search-file')).toHaveText(`in ${name}`);
    await expect(hit.locator('mark')).toHaveText(word);
    await expect(hit).toHaveAttribute('href', `/chat/${id}?m=${userId}`);

    await hit.click();
    await expect(page).toHaveURL(new RegExp(`/chat/${id}\\?m=${userId}$`));
    await expect(page.locator(`[data-message-id="${userId}"]`)).toHaveAttribute('data-highlighted', '');
    await expect(page.getByRole('list', { name: 'Attached files' })).toContainText(name);

    // Deleting the conversation takes the file hit with it.
    expect((await request.delete(`/api/conversations/${id}`)).status()).toBe(204);
    expect(((await (await request.get(`/api/search?q=${word}`)).json()) as { results: unknown[] }).results).toEqual([]);
  });

  test('a message hit and a file hit in one conversation both show; only the file hit names a file', async ({ page, request }) => {
    const word = uniqueWord('bothfind');
    const han = Array.from({ length: 3 }, () => String.fromCodePoint(0x4e00 + Math.floor(Math.random() * 0x5000))).join('');
    const name = `${uniqueWord('報告')}.txt`;
    const fileId = await upload(request, name, `第一行\n我们在${han}讨论了 ${word} 的计划。\n最后一行`);
    const id = uniqueWord('search');
    await turn(request, id, `What is ${word} again? [[reply=No%20idea.]]`);
    await turn(request, id, 'Here it is [[reply=Thanks.]]', [{ id: fileId, name }]);

    await page.goto('/');
    await searchBox(page).fill(word);
    const hits = results(page).getByRole('link');
    await expect(hits).toHaveCount(2);
    await expect(results(page).getByTestId('search-file')).toHaveCount(1);
    await expect(hits.filter({ has: page.getByTestId('search-file') })).toContainText(`in ${name}`);
    await expect(hits.filter({ hasNot: page.getByTestId('search-file') })).toContainText(`What is ${word} again?`);

    // A Chinese substring inside the file.
    await searchBox(page).fill(han);
    const cjk = results(page).getByRole('link');
    await expect(cjk).toHaveCount(1);
    await expect(cjk.getByTestId('search-file')).toHaveText(`in ${name}`);
    await expect(cjk.locator('mark')).toHaveText(han);
    await cjk.click();
    await expect(page).toHaveURL(new RegExp(`/chat/${id}\\?m=`));
    await expect(page.locator('[data-message-id][data-highlighted]')).toHaveText(/Here it is/);
  });
});
