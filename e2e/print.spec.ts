import { expect, test, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDatabase } from '../db/seed';
import { SPARE_PORT, STANDIN_PORT } from '../playwright.config';
import { startOwnServer, type OwnServer } from './server-process';
import { assistantMessages, composer, send, sidebar, waitForReplyDone } from './helpers';
import { gotoReady } from './ui-helpers';

/*
 * Print / save as PDF: a 300-message conversation opens at its newest 100 messages, and past 60
 * turns only the turns near the view are in the page. Print (the header's button, or Ctrl/Cmd+P)
 * prints all of it: the older pages are fetched, every message is rendered for paper (code
 * highlighted, math typeset), and nothing but the conversation is printed. A print from the
 * browser's own menu prints what is loaded and says that older messages are left out.
 */

const TITLE = 'Printing: a long conversation about caches';
/** The oldest reply, on no page the chat has loaded: it prints only if the print fetched it. */
const OLDEST_REPLY = [
  'Here is the cache lookup, and the formula for its hit rate.',
  '',
  '```ts',
  'export function lookup(cache: Map<string, number>, key: string): number | undefined {',
  '  return cache.get(key);',
  '}',
  '```',
  '',
  'The hit rate is $h = \\frac{hits}{hits + misses}$, and the mean access time is',
  '',
  '$$',
  't = h \\cdot t_{cache} + (1 - h) \\cdot t_{memory}',
  '$$',
  '',
  'See [the caching guide](https://example.com/guide/caching) for more.',
].join('\n');

/** Installed before the page's scripts: window.print() only counts, it opens no dialog. */
function stubPrint(page: Page) {
  return page.addInitScript(() => {
    window.print = () => {
      (window as unknown as { __printed?: number }).__printed = ((window as unknown as { __printed?: number }).__printed ?? 0) + 1;
    };
  });
}
const printed = (page: Page) => page.evaluate(() => (window as unknown as { __printed?: number }).__printed ?? 0);
const loaded = (page: Page) => page.getByTestId('message-list').evaluate((el) => Number(el.getAttribute('data-messages')));
const printView = (page: Page) => page.getByTestId('print-view');
const printMessages = (page: Page) => printView(page).locator('[data-print-message]');
/** A user message's first line with text: the print view shows user messages as typed. */
const firstLine = (text: string) => text.split('\n').find((line) => line.trim())!.trim().slice(0, 60);

test.describe('printing a conversation', () => {
  test.describe.configure({ mode: 'serial' });
  let server: OwnServer;
  let id: string;
  let branch: { id: string; role: string; text: string }[];

  test.beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qwen-chat-print-'));
    const file = join(dir, 'chat.db');
    const seeded = seedDatabase(file, { conversations: 3, messages: 12, exact: [{ count: 1, messages: 300 }] });
    id = seeded.exactIds[0]![0]!;
    const db = new Database(file);
    const [, oldestReply] = db.prepare('SELECT id FROM messages WHERE conversation_id = ? ORDER BY created_at LIMIT 2').all(id) as { id: string }[];
    db.prepare('UPDATE messages SET content = ? WHERE id = ?').run(OLDEST_REPLY, oldestReply!.id);
    db.prepare('UPDATE conversations SET title = ? WHERE id = ?').run(TITLE, id);
    db.close();
    server = await startOwnServer(SPARE_PORT + 7, {
      AIMLAPI_API_KEY: 'e2e-test-key',
      AIMLAPI_BASE_URL: `http://127.0.0.1:${STANDIN_PORT}/v1`,
      DATABASE_URL: `file:${file}`,
    });
    const detail = (await (await fetch(`${server.url}/api/conversations/${id}`)).json()) as {
      messages: { id: string; role: string; parts: { type: string; text: string }[] }[];
    };
    branch = detail.messages.map((m) => ({ id: m.id, role: m.role, text: m.parts.map((p) => p.text).join('') }));
    expect(branch).toHaveLength(300);
    expect(branch[1]!.text).toBe(OLDEST_REPLY);
  });

  test.afterAll(async () => {
    await server?.kill('SIGKILL');
  });

  test('Print prints every message of the branch, without the app around it, code and math intact', async ({ page }) => {
    test.setTimeout(120_000);
    await stubPrint(page);
    await gotoReady(page, `${server.url}/chat/${id}`);
    expect(await loaded(page)).toBe(100);

    // One more turn, streamed in this page: the newest reply is the stand-in's code sample.
    await send(page, 'Write some code to sum the even numbers, please');
    await waitForReplyDone(page);
    await expect(assistantMessages(page).last()).toContainText('sumEven');

    await page.getByRole('button', { name: 'Print conversation' }).click();
    await expect.poll(() => printed(page), { timeout: 60_000 }).toBe(1);

    await page.emulateMedia({ media: 'print' });
    // Nothing of the app but the conversation.
    await expect(page.getByRole('complementary')).toBeHidden();
    await expect(sidebar(page)).toBeHidden();
    await expect(composer(page)).toBeHidden();
    await expect(page.locator('header')).toBeHidden();
    // (A link in a reply is a button on screen, which asks before opening it: on paper it is text.)
    await expect(page.locator('button:not([data-streamdown="link"])').filter({ visible: true })).toHaveCount(0);
    await expect(page.getByTestId('message-scroller')).toBeHidden();
    await expect(page.locator('[data-role]').filter({ visible: true })).toHaveCount(0);

    // The whole branch, oldest first, under the conversation's title, with nothing left out.
    await expect(printView(page)).toBeVisible();
    await expect(printView(page).getByRole('heading', { level: 1 })).toHaveText(TITLE);
    await expect(printMessages(page)).toHaveCount(302);
    await expect(printView(page).getByTestId('print-omitted')).toHaveCount(0);
    expect(await printView(page).locator('[data-role], [data-message-id]').count()).toBe(0);
    await expect(printMessages(page).first()).toHaveAttribute('data-print-message', 'user');
    await expect(printMessages(page).first()).toContainText('You');
    await expect(printMessages(page).first()).toContainText(firstLine(branch[0]!.text));
    await expect(printMessages(page).nth(298)).toContainText(firstLine(branch[298]!.text));
    await expect(printMessages(page).nth(300)).toContainText('Write some code to sum the even numbers, please');
    await expect(printMessages(page).last()).toHaveAttribute('data-print-message', 'assistant');
    await expect(printMessages(page).last()).toContainText('Qwen');
    await expect(printMessages(page).last()).toContainText('sumEven');

    // Code highlighted by Shiki (coloured token spans), in the oldest reply and in the newest one.
    const oldest = printMessages(page).nth(1);
    const newest = printMessages(page).last();
    for (const reply of [oldest, newest]) {
      await expect(reply.locator('pre span[style*="--shiki-dark"]').first()).toBeVisible();
    }
    await expect(oldest.locator('pre')).toContainText('export function lookup');
    await expect(newest.locator('pre')).toHaveCount(2);
    // Long lines wrap on paper instead of scrolling sideways.
    expect(await newest.locator('pre').first().evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('pre-wrap');
    // Math typeset by KaTeX: one inline formula and one display formula, with KaTeX's fonts.
    await expect(oldest.locator('.katex')).toHaveCount(2);
    await expect(oldest.locator('.katex-display .katex')).toHaveCount(1);
    await expect(oldest.locator('.katex-html').first()).toBeVisible();
    expect(await oldest.locator('.katex').first().evaluate((el) => getComputedStyle(el).fontFamily)).toContain('KaTeX');
    expect(await oldest.locator('.katex-display').evaluate((el) => getComputedStyle(el).breakInside)).toBe('avoid');
    // A link shows its address after its text.
    const link = oldest.locator('[data-print-href]');
    await expect(link).toHaveText('the caching guide');
    expect(await link.evaluate((el) => getComputedStyle(el, '::after').content)).toBe('" (https://example.com/guide/caching)"');
    // Black on white.
    expect(await printView(page).evaluate((el) => getComputedStyle(el).color)).toBe('rgb(0, 0, 0)');
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)');

    // The browser's PDF of the page: the whole conversation, on many pages.
    const pdf = await page.pdf({ format: 'A4' });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page\b(?!s)/g) ?? []).length;
    expect(pdf.byteLength).toBeGreaterThan(200_000);
    expect(pages).toBeGreaterThan(40);

    // Back on screen, the print view is not shown.
    await page.emulateMedia({ media: 'screen' });
    await expect(printView(page)).toBeHidden();
    await expect(composer(page)).toBeVisible();
  });

  test('Ctrl/Cmd+P prints the whole conversation too', async ({ page }) => {
    test.setTimeout(90_000);
    await stubPrint(page);
    await gotoReady(page, `${server.url}/chat/${id}`);
    expect(await loaded(page)).toBe(100);
    await page.keyboard.press('ControlOrMeta+p');
    await expect.poll(() => printed(page), { timeout: 60_000 }).toBe(1);
    await page.emulateMedia({ media: 'print' });
    await expect(printMessages(page)).toHaveCount(302);
    await expect(printMessages(page).first()).toContainText(firstLine(branch[0]!.text));
    await expect(printView(page).getByTestId('print-omitted')).toHaveCount(0);
    // Only the older pages were asked for: what the chat had loaded did not change.
    expect(await loaded(page)).toBe(100);
  });

  test("a print from the browser's menu prints what is loaded, and says older messages are not included", async ({ page }) => {
    test.setTimeout(60_000);
    await gotoReady(page, `${server.url}/chat/${id}`);
    expect(await loaded(page)).toBe(100);
    // What the browser does before it lays the page out for print (no key, no button).
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    await page.emulateMedia({ media: 'print' });
    await expect(printMessages(page)).toHaveCount(100);
    await expect(printMessages(page).first()).toContainText(firstLine(branch[202]!.text));
    await expect(printView(page).getByTestId('print-omitted')).toHaveText(
      'Older messages are not included: use Print in the chat (or Ctrl+P) to print the whole conversation.',
    );
    await expect(printMessages(page).last()).toContainText('sumEven');
    await expect(composer(page)).toBeHidden();
    // Once printed, the print view is emptied again.
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    await expect(printMessages(page)).toHaveCount(0);
  });
});
