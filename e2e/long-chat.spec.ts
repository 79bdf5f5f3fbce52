import { expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDatabase } from '../db/seed';
import { SPARE_PORT, STANDIN_PORT } from '../playwright.config';
import { startOwnServer } from './server-process';
import { assistantMessages, send, userMessages, waitForReplyDone } from './helpers';

test('a 2,000-message conversation opens at its end and loads older messages as you scroll up', async ({ page }) => {
  test.setTimeout(90_000);
  const dir = mkdtempSync(join(tmpdir(), 'qwen-chat-long-'));
  const seeded = seedDatabase(join(dir, 'chat.db'), { conversations: 3, messages: 12, exact: [{ count: 1, messages: 2000 }] });
  const id = seeded.exactIds[0]![0]!;
  const server = await startOwnServer(SPARE_PORT + 2, {
    AIMLAPI_API_KEY: 'e2e-test-key',
    AIMLAPI_BASE_URL: `http://127.0.0.1:${STANDIN_PORT}/v1`,
    DATABASE_URL: `file:${join(dir, 'chat.db')}`,
  });
  try {
    await page.goto(`${server.url}/chat/${id}`);
    const all = page.locator('[data-role]');
    await expect(all).toHaveCount(100);
    const scroller = page.getByTestId('message-scroller');
    // Opens at the newest message.
    await expect.poll(() => scroller.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(60);

    // Where a message sits in the scroller's viewport (0 = its top edge).
    const offsetOf = (messageId: string | null) =>
      page.locator(`[data-message-id="${messageId}"]`).evaluate((el) => {
        const frame = el.closest('[data-testid="message-scroller"]')!;
        return { top: el.getBoundingClientRect().top - frame.getBoundingClientRect().top, height: frame.clientHeight };
      });

    const firstLoaded = await all.first().getAttribute('data-message-id');
    await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
    await expect(all).toHaveCount(200);
    // The view stays on what the user was looking at: the former first message is still on screen
    // near the top, not 100 messages further down (the view jumping to the oldest one).
    let seen = await offsetOf(firstLoaded);
    expect(seen.top).toBeGreaterThan(-200);
    expect(seen.top).toBeLessThan(seen.height);

    // Reaching the top again loads the page before that, the same way.
    const secondFirst = await all.first().getAttribute('data-message-id');
    await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
    await expect(all).toHaveCount(300);
    seen = await offsetOf(secondFirst);
    expect(seen.top).toBeGreaterThan(-200);
    expect(seen.top).toBeLessThan(seen.height);

    // The API pages the same way.
    const older = await (await fetch(`${server.url}/api/conversations/${id}/messages?before=${firstLoaded}&limit=50`)).json();
    expect(older.messages).toHaveLength(50);
    expect(older.hasOlder).toBe(true);

    // And the conversation goes on, streaming into the long list.
    await send(page, 'one more [[tokens=30]] [[delay=10]]');
    await waitForReplyDone(page);
    await expect(userMessages(page).last()).toContainText('one more');
    await expect(assistantMessages(page).last()).toContainText(/(\w+ ){29}\w+/);
  } finally {
    await server.kill('SIGKILL');
  }
});
