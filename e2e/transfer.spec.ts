import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AUTH_PASSWORD, AUTH_PORT } from '../playwright.config';
import { assistantMessages, sidebar, startConversation, uniqueWord, userMessages } from './helpers';

/**
 * Export and import through the UI (sidebar Import / Export all, an entry's Export), and the
 * import route's streaming and checks over HTTP.
 */

const FIXTURES = join(__dirname, '..', 'lib', 'transfer', 'fixtures');

/** The branches fixture with a fresh ChatGPT id and title, so retries and other runs never collide. */
function chatgptExport(word: string): Buffer {
  const [conversation] = JSON.parse(readFileSync(join(FIXTURES, 'chatgpt-branches.json'), 'utf8')) as Record<string, unknown>[];
  const id = `e2e-${word}`;
  return Buffer.from(JSON.stringify([{ ...conversation, id, conversation_id: id, title: `Paris ${word}` }]));
}

const importInput = (page: Page) => page.getByLabel('Import conversations');
const reportDialog = (page: Page) => page.getByRole('dialog', { name: 'Import finished' });

async function importThroughUi(page: Page, file: { name: string; buffer: Buffer; mimeType?: string }) {
  await importInput(page).setInputFiles({ mimeType: 'application/json', ...file });
  await expect(reportDialog(page)).toBeVisible();
}

test('import a ChatGPT export: progress, report, the conversation opens on its active branch; again → skipped', async ({ page }) => {
  const word = uniqueWord('paris');
  const file = { name: 'conversations.json', buffer: chatgptExport(word) };
  await page.goto('/');

  // Hold the upload briefly so the progress bar can be seen.
  await page.route('**/api/import', async (route) => {
    await new Promise((r) => setTimeout(r, 800));
    await route.continue();
  });
  await importInput(page).setInputFiles({ mimeType: 'application/json', ...file });
  await expect(page.getByRole('progressbar', { name: 'Import progress' })).toBeVisible();
  await expect(reportDialog(page)).toBeVisible();
  await expect(page.getByRole('progressbar')).toHaveCount(0);
  await expect(reportDialog(page)).toContainText('1 conversation imported');
  await expect(reportDialog(page)).toContainText('0 conversations skipped');
  await expect(reportDialog(page)).toContainText('Left out: 1 hidden system or context message');
  await reportDialog(page).getByRole('button', { name: 'Close' }).click();
  await page.unroute('**/api/import');

  // The list was reloaded: the imported chat is there (its ChatGPT date puts it under Older, which
  // may be pages down when other tests have filled this database: scroll, as a user would).
  const entry = sidebar(page).getByRole('link', { name: `Paris ${word}` });
  await expect(async () => {
    await sidebar(page).evaluate((nav) => nav.scrollTo({ top: nav.scrollHeight }));
    await expect(entry).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await entry.click();
  await expect(page).toHaveURL(/\/chat\/[A-Za-z0-9_-]+$/);
  // The active branch is ChatGPT's current_node: the first version of the reply, not the edit.
  await expect(userMessages(page)).toHaveCount(2);
  await expect(userMessages(page).nth(0)).toContainText('What is the capital of France?');
  await expect(userMessages(page).nth(1)).toContainText('Tell me more about it');
  await expect(assistantMessages(page).nth(1)).toContainText('(first version)');
  await expect(page.getByText('(regenerated)')).toHaveCount(0);
  await expect(page.getByText('Tell me about its museums')).toHaveCount(0);

  await importThroughUi(page, file);
  await expect(reportDialog(page)).toContainText('0 conversations imported');
  await expect(reportDialog(page)).toContainText('1 conversation skipped (already imported)');
  await reportDialog(page).getByRole('button', { name: 'Close' }).click();
  await expect(sidebar(page).getByRole('link', { name: `Paris ${word}` })).toHaveCount(1);
});

test('a file that is not an export is refused with a clear message', async ({ page }) => {
  await page.goto('/');
  await importInput(page).setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"hello":"world"}') });
  await expect(page.getByText(/Could not import: notes\.json is neither a ChatGPT export/)).toBeVisible();
});

test('export a conversation as Markdown and as JSON; the JSON imports back as already there', async ({ page }) => {
  const word = uniqueWord('export');
  const id = await startConversation(page, `Tell me about ${word}`);
  const entry = sidebar(page).getByRole('listitem').filter({ has: page.locator(`a[href="/chat/${id}"]`) });
  const title = (await entry.getByRole('link').textContent())!.trim();

  await entry.hover();
  await entry.getByRole('button', { name: `Export ${title}` }).click();
  const exportDialog = page.getByRole('dialog', { name: 'Export conversation' });
  const [markdown] = await Promise.all([page.waitForEvent('download'), exportDialog.getByRole('link', { name: 'Markdown' }).click()]);
  expect(markdown.suggestedFilename()).toMatch(/^[a-z0-9-]+\.md$/);
  const md = await readFile((await markdown.path())!, 'utf8');
  expect(md.startsWith(`# ${title}\n`)).toBe(true);
  expect(md).toContain(`## User\n\nTell me about ${word}`);
  expect(md).toContain('## Assistant');

  await entry.hover();
  await entry.getByRole('button', { name: `Export ${title}` }).click();
  const [json] = await Promise.all([page.waitForEvent('download'), exportDialog.getByRole('link', { name: 'JSON' }).click()]);
  expect(json.suggestedFilename()).toMatch(/\.json$/);
  const text = await readFile((await json.path())!, 'utf8');
  const file = JSON.parse(text) as { format: string; version: number; conversations: { id: string; messages: { role: string; content: string }[] }[] };
  expect(file.format).toBe('qwen-chat');
  expect(file.version).toBe(1);
  expect(file.conversations).toHaveLength(1);
  expect(file.conversations[0]!.id).toBe(id);
  expect(file.conversations[0]!.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  expect(file.conversations[0]!.messages[0]!.content).toBe(`Tell me about ${word}`);

  await importThroughUi(page, { name: json.suggestedFilename(), buffer: Buffer.from(text) });
  await expect(reportDialog(page)).toContainText('0 conversations imported');
  await expect(reportDialog(page)).toContainText('1 conversation skipped');
});

test('Export all downloads every conversation as one JSON file', async ({ page }) => {
  const word = uniqueWord('all');
  const id = await startConversation(page, `Remember ${word}`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export all' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^qwen-chat-export-\d{4}-\d{2}-\d{2}\.json$/);
  const file = JSON.parse(await readFile((await download.path())!, 'utf8')) as { format: string; conversations: { id: string }[] };
  expect(file.format).toBe('qwen-chat');
  expect(file.conversations.map((c) => c.id)).toContain(id);
});

test('over HTTP: a 12 MB export streams in (more than the proxy could copy); cross-site and non-exports are refused', async ({ request }) => {
  const word = uniqueWord('big');
  // 300 conversations of ~40 kB each.
  const conversations = Array.from({ length: 300 }, (_, i) => ({
    id: `e2e-${word}-${i}`,
    title: `Big ${word} ${i}`,
    create_time: 1_600_000_000 + i,
    current_node: 'a',
    mapping: {
      u: { id: 'u', parent: null, children: ['a'], message: { author: { role: 'user' }, content: { content_type: 'text', parts: [`Question ${i}`] } } },
      a: { id: 'a', parent: 'u', children: [], message: { author: { role: 'assistant' }, content: { content_type: 'text', parts: ['x'.repeat(40_000)] } } },
    },
  }));
  const body = Buffer.from(JSON.stringify(conversations));
  expect(body.length).toBeGreaterThan(11_000_000);
  const response = await request.post('/api/import', { data: body, headers: { 'content-type': 'application/json' }, timeout: 120_000 });
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ imported: 300, skipped: 0, errors: [] });

  const cross = await request.post('/api/import', { data: '[]', headers: { 'content-type': 'application/json', origin: 'https://evil.example' } });
  expect(cross.status()).toBe(403);
  const notAnExport = await request.post('/api/import', { data: '{"x":1}', headers: { 'content-type': 'application/json' } });
  expect(notAnExport.status()).toBe(400);
  expect((await notAnExport.json()).error.message).toMatch(/neither a ChatGPT export/);
});

test('with APP_PASSWORD, the import route wants a session like every other API route', async ({ playwright }) => {
  const api = await playwright.request.newContext({ baseURL: `http://127.0.0.1:${AUTH_PORT}` });
  const refused = await api.post('/api/import', { data: '[]', headers: { 'content-type': 'application/json' } });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe('unauthorized');
  expect((await api.get('/api/export')).status()).toBe(401);
  const signIn = await api.post('/api/auth/sign-in', { data: { password: AUTH_PASSWORD }, headers: { 'x-forwarded-for': '10.77.0.1' } });
  expect(signIn.ok()).toBe(true);
  const allowed = await api.post('/api/import', { data: '[]', headers: { 'content-type': 'application/json' } });
  expect(allowed.status()).toBe(200);
  expect(await allowed.json()).toMatchObject({ imported: 0, skipped: 0 });
  await api.dispose();
});

test('over HTTP: attached files go out with the conversation (JSON with their text, Markdown by name) and come back in', async ({ request }) => {
  const word = uniqueWord('attach');
  const name = `${word}-notes.txt`;
  // The stand-in's reply quotes a document's first and last lines: the middle one is only in the file.
  const body = `Notes about ${word}.\nThe middle line, in the file only.\nLast line.`;
  const upload = await request.post(`/api/files?name=${encodeURIComponent(name)}`, { data: Buffer.from(body), headers: { 'content-type': 'text/plain' } });
  expect(upload.status()).toBe(201);
  const fileId = ((await upload.json()) as { file: { id: string } }).file.id;
  const id = `e2e-${word}`;
  const chat = await request.post('/api/chat', { data: { id, message: { text: 'hi', attachments: [{ id: fileId, name }] } } });
  expect(chat.status()).toBe(200);
  expect(await chat.text()).toContain('"type":"finish"');

  type Exported = {
    conversations: {
      id: string;
      currentLeafId: string;
      files?: { id: string; text: string; tokens: number }[];
      messages: { id: string; parentId: string | null; attachments?: { fileId: string; name: string }[] }[];
    }[];
  };
  const json = (await (await request.get(`/api/conversations/${id}/export?format=json`)).json()) as Exported;
  const [conversation] = json.conversations;
  expect(conversation!.files).toEqual([expect.objectContaining({ id: fileId, kind: 'text', text: body })]);
  expect(conversation!.messages[0]!.attachments).toEqual([{ fileId, name }]);
  expect(conversation!.messages[1]!.attachments).toBeUndefined();

  const md = await (await request.get(`/api/conversations/${id}/export?format=md`)).text();
  expect(md).toContain(`## User\n\nAttached: ${name} (${conversation!.files![0]!.tokens} tokens)\n\nhi`);
  expect(md).not.toContain('The middle line');

  // The same conversation under new ids imports as a new one, with the same file (stored once).
  const copy = {
    ...conversation!,
    id: `${id}-copy`,
    currentLeafId: `${conversation!.currentLeafId}-copy`,
    messages: conversation!.messages.map((m) => ({ ...m, id: `${m.id}-copy`, parentId: m.parentId && `${m.parentId}-copy` })),
  };
  const imported = await request.post('/api/import', {
    data: JSON.stringify({ format: 'qwen-chat', version: 1, exportedAt: Date.now(), conversations: [copy] }),
    headers: { 'content-type': 'application/json' },
  });
  expect(await imported.json()).toMatchObject({ imported: 1, skipped: 0, errors: [] });
  const back = (await (await request.get(`/api/conversations/${id}-copy/export?format=json`)).json()) as Exported;
  expect(back.conversations[0]!.files).toEqual(conversation!.files);
  expect(back.conversations[0]!.messages[0]!.attachments).toEqual([{ fileId, name }]);
});
