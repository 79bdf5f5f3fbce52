import { expect, test, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDatabase } from '../db/seed';
import { SPARE_PORT, STANDIN_PORT } from '../playwright.config';
import { startOwnServer, type OwnServer } from './server-process';
import { assistantMessages, send, userMessages, waitForReplyDone } from './helpers';

/*
 * A 2,000-message conversation: it opens at its end with the newest page, loads older pages as the
 * user scrolls up without moving the view, and once long, keeps only the turns near the view in the
 * page (virtualised) while everything stays reachable: by scrolling, by search, and by talking on.
 */

const scroller = (page: Page) => page.getByTestId('message-scroller');
/** Messages loaded into the conversation's list (in the page or not). */
const loaded = (page: Page) => page.getByTestId('message-list').evaluate((el) => Number(el.getAttribute('data-messages')));
/** Message elements actually in the page. */
const rendered = (page: Page) => page.locator('[data-role]').count();
const distanceFromBottom = (page: Page) => scroller(page).evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

/** Where a message sits in the scroller's viewport (0 = its top edge). */
function offsetOf(page: Page, messageId: string) {
  return page.locator(`[data-message-id="${messageId}"]`).evaluate((el) => {
    const frame = el.closest('[data-testid="message-scroller"]')!;
    return { top: el.getBoundingClientRect().top - frame.getBoundingClientRect().top, height: frame.clientHeight };
  });
}

test.describe('a 2,000-message conversation', () => {
  test.describe.configure({ mode: 'serial' });
  let server: OwnServer;
  let id: string;
  let branch: { id: string; role: string; text: string }[];
  /** Another one, ending with a question: its pages start with a reply, whose question is on the page before. */
  let oddId: string;

  test.beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qwen-chat-long-'));
    const seeded = seedDatabase(join(dir, 'chat.db'), { conversations: 3, messages: 12, exact: [{ count: 2, messages: 2000 }] });
    [id, oddId] = seeded.exactIds[0] as [string, string];
    const db = new Database(join(dir, 'chat.db'));
    const [lastReply] = db.prepare('SELECT id, parent_id AS parentId FROM messages WHERE conversation_id = ? ORDER BY created_at DESC LIMIT 1').all(oddId) as { id: string; parentId: string }[];
    db.prepare('DELETE FROM messages WHERE id = ?').run(lastReply!.id);
    db.prepare('UPDATE conversations SET current_leaf_id = ? WHERE id = ?').run(lastReply!.parentId, oddId);
    db.close();
    server = await startOwnServer(SPARE_PORT + 2, {
      AIMLAPI_API_KEY: 'e2e-test-key',
      AIMLAPI_BASE_URL: `http://127.0.0.1:${STANDIN_PORT}/v1`,
      DATABASE_URL: `file:${join(dir, 'chat.db')}`,
    });
    const detail = (await (await fetch(`${server.url}/api/conversations/${id}`)).json()) as {
      messages: { id: string; role: string; parts: { type: string; text: string }[] }[];
    };
    branch = detail.messages.map((m) => ({ id: m.id, role: m.role, text: m.parts.map((p) => p.text).join('') }));
    expect(branch).toHaveLength(2000);
  });

  test.afterAll(async () => {
    await server?.kill('SIGKILL');
  });

  test('opens at its end, pages older messages in on scroll without moving the view, and renders only what is near it', async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto(`${server.url}/chat/${id}`);
    await expect.poll(() => loaded(page)).toBe(100);
    // Opens at the newest message, which is on screen.
    await expect.poll(() => distanceFromBottom(page)).toBeLessThan(60);
    await expect(page.locator(`[data-message-id="${branch.at(-1)!.id}"]`)).toBeInViewport();

    // Reaching the top loads the page before, and the view stays on what the user was looking at:
    // the former first message is still on screen near the top, not 100 messages further down.
    for (const expected of [200, 300]) {
      const before = branch[branch.length - (await loaded(page))]!.id;
      await scroller(page).evaluate((el) => el.scrollTo({ top: 0 }));
      await expect.poll(() => loaded(page)).toBe(expected);
      const seen = await offsetOf(page, before);
      expect(seen.top).toBeGreaterThan(-200);
      expect(seen.top).toBeLessThan(seen.height);
    }

    // Past a few pages the list is virtualised: the page holds the turns near the view, not 300 messages.
    expect(await rendered(page)).toBeLessThan(60);

    // Every page to the very first message.
    for (let attempt = 0; (await loaded(page)) < 2000; attempt++) {
      expect(attempt, 'older pages stopped loading').toBeLessThan(40);
      const count = await loaded(page);
      await scroller(page).evaluate((el) => el.scrollTo({ top: 0 }));
      await expect.poll(() => loaded(page)).toBeGreaterThan(count);
    }
    await expect(page.getByRole('button', { name: 'Load earlier messages' })).toHaveCount(0);
    await scroller(page).evaluate((el) => el.scrollTo({ top: 0 }));
    await expect(page.locator(`[data-message-id="${branch[0]!.id}"]`)).toBeInViewport();
    expect(await rendered(page)).toBeLessThan(60);

    // Scrolling through the middle shows laid-out messages wherever the view lands.
    for (const fraction of [0.25, 0.5, 0.75]) {
      await scroller(page).evaluate((el, f) => el.scrollTo({ top: (el.scrollHeight - el.clientHeight) * f }), fraction);
      await expect.poll(() => visibleMessages(page)).toBeGreaterThan(0);
    }

    // Back to the newest one.
    await page.getByRole('button', { name: 'Jump to latest' }).click();
    await expect(page.locator(`[data-message-id="${branch.at(-1)!.id}"]`)).toBeInViewport();
    await expect.poll(() => distanceFromBottom(page)).toBeLessThan(60);

    // The conversation goes on, streaming into the long list, which follows the reply down.
    await send(page, 'one more [[tokens=60]] [[delay=15]]');
    await expect(page.getByRole('button', { name: 'Stop', exact: true })).toBeVisible();
    await expect.poll(() => distanceFromBottom(page)).toBeLessThan(60);
    await waitForReplyDone(page);
    await expect(userMessages(page).last()).toContainText('one more');
    await expect(assistantMessages(page).last()).toContainText(/(\w+ ){59}\w+/);
    await expect(assistantMessages(page).last()).toBeInViewport();
    await expect.poll(() => distanceFromBottom(page)).toBeLessThan(60);
    expect(await loaded(page)).toBe(2002);
    expect(await rendered(page)).toBeLessThan(60);
  });

  test('older pages that start in the middle of a turn keep the view too', async ({ page }) => {
    const detail = (await (await fetch(`${server.url}/api/conversations/${oddId}`)).json()) as { messages: { id: string; role: string }[] };
    const odd = detail.messages;
    expect(odd).toHaveLength(1999);
    await page.goto(`${server.url}/chat/${oddId}`);
    await expect.poll(() => loaded(page)).toBe(100);
    for (const expected of [200, 300, 400]) {
      const before = odd[odd.length - (await loaded(page))]!;
      expect(before.role).toBe('assistant');
      await scroller(page).evaluate((el) => el.scrollTo({ top: 0 }));
      await expect.poll(() => loaded(page)).toBe(expected);
      const seen = await offsetOf(page, before.id);
      expect(seen.top).toBeGreaterThan(-200);
      expect(seen.top).toBeLessThan(seen.height);
    }
  });

  test('a search result older than what is loaded opens at its message, in the same tab', async ({ page }) => {
    // Older than the first page (the newest 100), not so old that the page around it is huge.
    const { target, phrase } = await searchableMessage(server.url, branch.slice(1600, 1880));
    await page.goto(`${server.url}/chat/${id}`);
    await expect.poll(() => loaded(page)).toBe(100);
    await page.getByRole('searchbox', { name: 'Search conversations' }).fill(`"${phrase}"`);
    await page.locator(`a[href="/chat/${id}?m=${target.id}"]`).click();
    const message = page.locator(`[data-message-id="${target.id}"]`);
    await expect(message).toBeInViewport({ timeout: 20_000 });
    await expect(message).toHaveAttribute('data-highlighted', '');
    // Everything from just before it to the newest message is there, and the rest loads above.
    expect(await loaded(page)).toBeGreaterThanOrEqual(branch.length - branch.indexOf(target));
    await expect(page.getByRole('button', { name: 'Load earlier messages' })).toHaveCount(1);
  });

  test('a search result far up a fully loaded long chat is brought into the page, centred and highlighted', async ({ page }) => {
    test.setTimeout(120_000);
    // An old message with a phrase of its own, found by exact-phrase search.
    const { target, phrase } = await searchableMessage(server.url, branch.slice(300, 700));
    await page.goto(`${server.url}/chat/${id}`);
    await expect.poll(() => loaded(page)).toBe(100);
    // Load every page first, as a user who scrolled all the way up would have, then go back down.
    while (await page.getByRole('button', { name: 'Load earlier messages' }).count()) {
      const count = await loaded(page);
      await scroller(page).evaluate((el) => el.scrollTo({ top: 0 }));
      await expect.poll(() => loaded(page)).toBeGreaterThan(count);
    }
    await page.getByRole('button', { name: 'Jump to latest' }).click();
    await expect.poll(() => distanceFromBottom(page)).toBeLessThan(60);
    await expect(page.locator(`[data-message-id="${target.id}"]`)).toHaveCount(0);

    await page.getByRole('searchbox', { name: 'Search conversations' }).fill(`"${phrase}"`);
    await page.locator(`a[href="/chat/${id}?m=${target.id}"]`).click();
    const message = page.locator(`[data-message-id="${target.id}"]`);
    await expect(message).toBeInViewport();
    await expect(message).toHaveAttribute('data-highlighted', '');
    const seen = await offsetOf(page, target.id);
    // Centred: its middle (or its top, for a message taller than the view) is well inside the view.
    expect(seen.top).toBeGreaterThan(-10);
    expect(seen.top).toBeLessThan(seen.height * 0.6);
  });
});

/**
 * A user message among `candidates` and eight words of it that search finds in that message alone,
 * so the sidebar's results link to it (the seeded text repeats common words a lot).
 */
async function searchableMessage(url: string, candidates: { id: string; role: string; text: string }[]) {
  for (const m of candidates) {
    const words = m.text.split(/\s+/).filter(Boolean);
    if (m.role !== 'user' || words.length < 8) continue;
    const phrase = words.slice(0, 8).join(' ');
    const res = await fetch(`${url}/api/search?q=${encodeURIComponent(`"${phrase}"`)}`);
    const { results } = (await res.json()) as { results: { messageId: string }[] };
    if (results.length === 1 && results[0]!.messageId === m.id) return { target: m, phrase };
  }
  throw new Error('no message with a phrase of its own');
}

/** Message elements whose box overlaps the scroller's viewport. */
function visibleMessages(page: Page): Promise<number> {
  return scroller(page).evaluate((frame) => {
    const box = frame.getBoundingClientRect();
    return [...frame.querySelectorAll('[data-role]')].filter((el) => {
      const r = el.getBoundingClientRect();
      return r.bottom > box.top && r.top < box.bottom;
    }).length;
  });
}
