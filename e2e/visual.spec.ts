import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STANDIN_PORT, VISUAL_PORT } from '../playwright.config';
import { startOwnServer, type OwnServer } from './server-process';
import { DESKTOP, MOBILE, gotoReady, horizontalOverflow, useTheme, type Theme } from './ui-helpers';

/**
 * The main screens at desktop and phone size, light and dark, on a server of its own (so the sidebar
 * holds only the conversations made here). Every screen must render without anything sticking out
 * sideways. With UPDATE_SCREENSHOTS=1 the pictures are written to docs/screenshots/ (the README shows
 * some); otherwise they are taken but not saved, so a test run never rewrites the repository.
 */
const SAVE = process.env.UPDATE_SCREENSHOTS === '1';
const DIR = join(__dirname, '..', 'docs', 'screenshots');

test.describe.configure({ mode: 'serial' });

let server: OwnServer;
let showcase = '';

async function chat(id: string, text: string): Promise<void> {
  const res = await fetch(`${server.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, message: { text } }),
  });
  if (!res.ok) throw new Error(`chat: HTTP ${res.status}`);
  await res.text(); // the whole reply, so it is stored before the next turn
}

async function conversation(title: string, turns: string[]): Promise<string> {
  const id = `visual-${title.toLowerCase().replace(/\W+/g, '-')}`;
  for (const text of turns) await chat(id, text);
  await fetch(`${server.url}/api/conversations/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title }),
  });
  return id;
}

test.beforeAll(async () => {
  test.setTimeout(90_000);
  const dir = mkdtempSync(join(tmpdir(), 'qwen-chat-visual-'));
  server = await startOwnServer(VISUAL_PORT, {
    AIMLAPI_API_KEY: 'e2e-test-key',
    AIMLAPI_BASE_URL: `http://127.0.0.1:${STANDIN_PORT}/v1`,
    DATABASE_URL: `file:${join(dir, 'chat.db')}`,
  });
  await conversation('A tour of markdown', ['Show me some markdown']);
  await conversation('Streaming, explained', ['Give me a long explanation of how streaming replies work.']);
  await conversation('Sum the even numbers', ['Write code for a function that sums the even numbers in a list.']);
  showcase = await conversation('Quadratic formula', [
    'Explain the quadratic formula, with the math written out.',
    'Now show me some code that sums even numbers.',
    'And compare the Qwen models in a table.',
  ]);
  if (SAVE) mkdirSync(DIR, { recursive: true });
});

test.afterAll(async () => {
  await server?.kill();
});

/** Waits for what renders after the text (highlighting, math), checks the layout, takes the picture. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => document.fonts.ready);
  const code = page.locator('[data-role="assistant"] pre code span[style*="--sdm-c"]');
  if ((await page.locator('[data-role="assistant"] pre').count()) > 0) await expect(code.first()).toBeAttached();
  expect(await horizontalOverflow(page), `${name}: nothing sticks out sideways`).toEqual([]);
  const shot = await page.screenshot({ animations: 'disabled', caret: 'hide' });
  expect(shot.byteLength).toBeGreaterThan(10_000);
  if (SAVE) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(DIR, `${name}.png`), shot);
  }
}

for (const [size, viewport] of [['desktop', DESKTOP], ['mobile', MOBILE]] as const) {
  for (const theme of ['light', 'dark'] as Theme[]) {
    test.describe(`${size}, ${theme}`, () => {
      test.use({ viewport, baseURL: `http://127.0.0.1:${VISUAL_PORT}` });
      test.beforeEach(async ({ page }) => useTheme(page, theme));
      const name = (screen: string) => `${size}-${theme}-${screen}`;

      test('new chat: the empty state with suggestions', async ({ page }) => {
        await gotoReady(page, '/');
        await expect(page.getByRole('heading', { name: 'What can I help with?' })).toBeVisible();
        await expect(page.getByRole('list', { name: 'Suggestions' }).getByRole('button')).toHaveCount(4);
        await shoot(page, name('new-chat'));
      });

      test('a conversation with math, code and a table', async ({ page }) => {
        await gotoReady(page, `/chat/${showcase}`);
        await expect(page.locator('[data-role="assistant"] table')).toBeVisible();
        await expect(page.locator('[data-role="assistant"] .katex').first()).toBeAttached();
        await shoot(page, name('conversation'));
        // Its beginning: inline and display math, then highlighted code.
        await page.getByTestId('message-scroller').evaluate((el) => el.scrollTo(0, 0));
        await expect(page.locator('.katex-display').first()).toBeInViewport();
        await shoot(page, name('conversation-top'));
      });

      test('search results', async ({ page }) => {
        await gotoReady(page, `/chat/${showcase}`);
        if (size === 'mobile') await page.getByRole('button', { name: 'Open conversations' }).click();
        await page.getByRole('searchbox', { name: 'Search conversations' }).fill('even numbers');
        await expect(page.getByRole('navigation', { name: 'Search results' }).getByRole('link').first()).toBeVisible();
        await shoot(page, name('search'));
      });

      test('the settings dialog', async ({ page }) => {
        await gotoReady(page, `/chat/${showcase}`);
        await page.getByRole('button', { name: 'Conversation settings' }).click();
        await expect(page.getByRole('dialog', { name: 'Conversation settings' })).toBeVisible();
        await shoot(page, name('settings'));
      });

      if (size === 'mobile') {
        test('the conversation drawer, open', async ({ page }) => {
          await gotoReady(page, `/chat/${showcase}`);
          await page.getByRole('button', { name: 'Open conversations' }).click();
          await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
          await page.waitForTimeout(300); // the slide-in
          await shoot(page, name('drawer'));
        });
      }
    });
  }
}
