import { expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SPARE_PORT, STANDIN_PORT } from '../playwright.config';
import { composer, openGate, sidebar, standinLog, uniqueWord, waitForReplyDone } from './helpers';
import { gotoReady } from './ui-helpers';
import { startOwnServer, type OwnServer } from './server-process';

// One server for the file: its tests run one after another in one worker.
test.describe.configure({ mode: 'serial' });

let server: OwnServer;
test.beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qwen-chat-titles-'));
  server = await startOwnServer(SPARE_PORT + 6, {
    AIMLAPI_API_KEY: 'e2e-test-key',
    AIMLAPI_BASE_URL: `http://127.0.0.1:${STANDIN_PORT}/v1`,
    DATABASE_URL: `file:${join(dir, 'chat.db')}`,
    AUTO_TITLE: '1',
  });
});
test.afterAll(async () => server?.kill());
test.use({ baseURL: `http://127.0.0.1:${SPARE_PORT + 6}` });

test('after the first reply the model writes the title, and the sidebar shows it without a reload', async ({ page }) => {
  const word = uniqueWord('title');
  await gotoReady(page, '/');
  // The reply waits at a gate: the title is written after it, so until the gate opens the sidebar can
  // only show the first message.
  await composer(page).fill(`plan a kyoto trip ${word} [[gate=${word}]]`);
  await composer(page).press('Enter');
  await expect(page).toHaveURL(/\/chat\//);
  const id = page.url().split('/chat/')[1]!;
  const link = sidebar(page).locator(`a[href="/chat/${id}"]`);
  // The first message is the title at once; then the model's (the stand-in Title-Cases the first words).
  await expect(link).toContainText(`plan a kyoto trip ${word}`);
  await openGate(word);
  await waitForReplyDone(page);
  const modelTitle = `Plan A Kyoto Trip ${word.charAt(0).toUpperCase()}${word.slice(1)}`;
  await expect(link).toHaveText(modelTitle);
  const request = (await standinLog()).findLast((r) => r.system?.startsWith('You write titles') && r.lastUserText.includes(word));
  expect(request).toMatchObject({ stream: false, params: { temperature: 0, max_tokens: 24 } });

  // A second reply does not write it again, and a rename stays.
  const before = (await standinLog()).filter((r) => r.system?.startsWith('You write titles')).length;
  await page.reload();
  await expect(link).toHaveText(modelTitle);
  const res = await page.request.patch(`/api/conversations/${id}`, { data: { title: `Mine ${word}` } });
  expect(res.ok()).toBe(true);
  await composer(page).fill(`and another ${word}`);
  await composer(page).press('Enter');
  await waitForReplyDone(page);
  expect((await standinLog()).filter((r) => r.system?.startsWith('You write titles')).length).toBe(before);
  await page.reload();
  await expect(link).toHaveText(`Mine ${word}`);
});

test('when the title call fails, the first message stays the title', async ({ page }) => {
  const word = uniqueWord('nofail');
  await gotoReady(page, '/');
  await composer(page).fill(`keep my words ${word} [[title-fail]]`);
  await composer(page).press('Enter');
  await waitForReplyDone(page);
  const id = page.url().split('/chat/')[1]!;
  await expect
    .poll(async () => (await standinLog()).findLast((r) => r.system?.startsWith('You write titles') && r.lastUserText.includes(word))?.status)
    .toBe(500);
  const res = await page.request.get(`/api/conversations/${id}/title`);
  expect(await res.json()).toMatchObject({ title: `keep my words ${word} [[title-fail]]`, titleSource: 'message' });
  await expect(sidebar(page).locator(`a[href="/chat/${id}"]`)).toContainText(`keep my words ${word}`);
});
