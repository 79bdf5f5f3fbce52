import { expect, test } from '@playwright/test';
import {
  alerts,
  assistantMessages,
  composer,
  send,
  sidebar,
  standinRequestFor,
  startConversation,
  uniqueWord,
  userMessages,
  waitForReplyDone,
} from './helpers';

test('a message streams a reply token by token and the chat gets its own URL', async ({ page }) => {
  const word = uniqueWord();
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeDisabled();
  await send(page, `Tell me about ${word} [[tokens=60]] [[delay=40]]`);

  // The user's message shows at once; the reply grows while the Stop button is offered.
  await expect(userMessages(page)).toHaveCount(1);
  await expect(userMessages(page).first()).toContainText(`Tell me about ${word}`);
  await expect(page.getByRole('button', { name: 'Stop', exact: true })).toBeVisible();
  const reply = assistantMessages(page).last();
  await expect(reply).not.toBeEmpty();
  const early = (await reply.innerText()).length;
  await waitForReplyDone(page);
  const final = (await reply.innerText()).length;
  expect(final).toBeGreaterThan(early);
  expect((await reply.innerText()).split(/\s+/).filter((w) => /^[a-z]+$/i.test(w)).length).toBeGreaterThanOrEqual(50);

  await expect(page).toHaveURL(/\/chat\/[A-Za-z0-9_-]+$/);
  await expect(sidebar(page).getByRole('link', { name: new RegExp(word) })).toBeVisible();
  // The composer is ready for the next message.
  await expect(composer(page)).toBeFocused();
});

test('a reloaded conversation shows every message, rendered as markdown', async ({ page }) => {
  const word = uniqueWord();
  const id = await startConversation(page, `markdown please ${word}`);
  await expect(assistantMessages(page).locator('table')).toBeVisible();
  await page.reload();
  await expect(page).toHaveURL(`/chat/${id}`);
  await expect(userMessages(page)).toHaveCount(1);
  await expect(userMessages(page).first()).toContainText(word);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(assistantMessages(page).locator('table')).toBeVisible();
  await expect(assistantMessages(page).locator('pre code').first()).toBeVisible();
  // Token usage reported by the upstream is kept with the reply.
  await expect(page.getByTestId('message-usage')).toContainText(/\d+ prompt · \d+ completion tokens/);
});

test('the whole conversation goes upstream on every turn', async ({ page }) => {
  const word = uniqueWord();
  await startConversation(page, `first ${word}`);
  await send(page, `second ${word}`);
  await waitForReplyDone(page);
  await expect(userMessages(page)).toHaveCount(2);
  await expect(assistantMessages(page)).toHaveCount(2);
  const seen = await standinRequestFor(`second ${word}`);
  expect(seen?.messageCount).toBe(3); // user, assistant, user
});

test('two conversations, switching between them through the sidebar', async ({ page }) => {
  const a = uniqueWord('alpha');
  const b = uniqueWord('bravo');
  const idA = await startConversation(page, `about ${a}`);
  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(page).toHaveURL('/');
  await expect(userMessages(page)).toHaveCount(0);
  await send(page, `about ${b}`);
  await waitForReplyDone(page);

  // Newest first.
  const links = sidebar(page).getByRole('link');
  const titles = await links.allInnerTexts();
  expect(titles.findIndex((t) => t.includes(b))).toBeLessThan(titles.findIndex((t) => t.includes(a)));

  await sidebar(page).getByRole('link', { name: new RegExp(a) }).click();
  await expect(page).toHaveURL(`/chat/${idA}`);
  await expect(userMessages(page)).toHaveCount(1);
  await expect(userMessages(page).first()).toContainText(a);
  await sidebar(page).getByRole('link', { name: new RegExp(b) }).click();
  await expect(userMessages(page).first()).toContainText(b);
  await expect(page.getByText('Today', { exact: true })).toBeVisible();
});

test('rename a conversation from the sidebar', async ({ page }) => {
  const word = uniqueWord();
  const renamed = uniqueWord('renamed');
  await startConversation(page, `rename me ${word}`);
  await sidebar(page).getByRole('button', { name: new RegExp(`Rename .*${word}`) }).click();
  const dialog = page.getByRole('dialog', { name: 'Rename conversation' });
  await dialog.getByRole('textbox', { name: 'Title' }).fill(renamed);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(sidebar(page).getByRole('link', { name: renamed })).toBeVisible();
  await page.reload();
  await expect(sidebar(page).getByRole('link', { name: renamed })).toBeVisible();
  await expect(sidebar(page).getByRole('link', { name: new RegExp(word) })).toHaveCount(0);
});

test('delete a conversation after confirming; its URL is then a 404', async ({ page }) => {
  const word = uniqueWord();
  const id = await startConversation(page, `delete me ${word}`);
  await sidebar(page).getByRole('button', { name: new RegExp(`Delete .*${word}`) }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete conversation?' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(sidebar(page).getByRole('link', { name: new RegExp(word) })).toBeVisible();

  await sidebar(page).getByRole('button', { name: new RegExp(`Delete .*${word}`) }).click();
  await page.getByRole('dialog', { name: 'Delete conversation?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(sidebar(page).getByRole('link', { name: new RegExp(word) })).toHaveCount(0);
  await expect(page).toHaveURL('/');
  const res = await page.goto(`/chat/${id}`);
  expect(res?.status()).toBe(404);
});

test('an unknown conversation is a real 404', async ({ page }) => {
  const res = await page.goto('/chat/does-not-exist');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
});

test('Stop keeps the partial reply, also after a reload, and closes the upstream request', async ({ page }) => {
  const word = uniqueWord();
  await page.goto('/');
  await send(page, `stop me ${word} [[tokens=400]] [[delay=40]]`);
  const reply = assistantMessages(page).last();
  await expect(reply).toContainText(/\w+ \w+ \w+ \w+/);
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeVisible();
  await expect(page.getByTestId('assistant-turn').last().getByTestId('message-status')).toHaveText('Stopped');
  const partial = (await reply.innerText()).trim();
  expect(partial.length).toBeGreaterThan(0);

  await expect.poll(async () => (await standinRequestFor(word))?.aborted).toBe(true);
  const upstream = await standinRequestFor(word);
  expect(upstream!.chunksSent).toBeLessThan(400);

  await page.reload();
  const stored = assistantMessages(page).last();
  await expect(page.getByTestId('assistant-turn').last().getByTestId('message-status')).toHaveText('Stopped');
  const storedText = (await stored.innerText()).trim();
  // Whatever was on screen when Stop was pressed is kept (the server may have stored a few more tokens).
  expect(storedText.startsWith(partial.slice(0, Math.max(1, partial.length - 20)))).toBe(true);
});

test('an upstream failure shows an alert, keeps the message, and Retry recovers', async ({ page }) => {
  const word = uniqueWord();
  await page.goto('/');
  await send(page, `fail ${word} [[status=500]]`);
  await expect(alerts(page)).toContainText(/problem|try again/i);
  await expect(userMessages(page).first()).toContainText(word);

  await page.reload();
  await expect(userMessages(page).first()).toContainText(word);
  await expect(alerts(page)).toBeVisible();

  // The server is fine: the next message works.
  await send(page, `recover ${word}`);
  await waitForReplyDone(page);
  await expect(alerts(page)).toHaveCount(0);
  await expect(assistantMessages(page).last()).toContainText('You said');
});

test('a rejected API key is explained in plain language', async ({ page }) => {
  await page.goto('/');
  await send(page, `${uniqueWord()} [[status=401]]`);
  await expect(alerts(page)).toContainText(/API key was rejected/);
});

test('HTML and script in a reply are never executed', async ({ page }) => {
  const payload = encodeURIComponent(
    [
      'Look: <script>window.__xss = "script"</script>',
      '<img src="x" onerror="window.__xss = \'img\'">',
      '[click](javascript:window.__xss=%22link%22)',
      '<svg onload="window.__xss = \'svg\'"><circle r="1"/></svg>',
      '<iframe src="javascript:parent.__xss=\'iframe\'"></iframe>',
      'done',
    ].join('\n\n'),
  );
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  await page.goto('/');
  await send(page, `xss ${uniqueWord()} [[reply=${payload}]]`);
  await waitForReplyDone(page);
  const reply = assistantMessages(page).last();
  await expect(reply).toContainText('done');
  await expect(reply.locator('script, iframe, [onerror], [onload]')).toHaveCount(0);
  await reply.getByText('click').click({ trial: false }).catch(() => undefined);
  await page.reload();
  await expect(assistantMessages(page).last()).toContainText('done');
  expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
  expect(dialogs).toBe(0);
});

test('auto-scroll follows a streaming reply until the user scrolls up', async ({ page }) => {
  await page.setViewportSize({ width: 1000, height: 500 });
  await page.goto('/');
  await send(page, `scroll ${uniqueWord()} [[tokens=1500]] [[delay=8]]`);
  const scroller = page.getByTestId('message-scroller');
  const distanceFromBottom = () => scroller.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
  await expect.poll(() => scroller.evaluate((el) => el.scrollHeight > el.clientHeight * 1.5)).toBe(true);
  expect(await distanceFromBottom()).toBeLessThan(60);

  await scroller.hover();
  await page.mouse.wheel(0, -600);
  await expect.poll(distanceFromBottom).toBeGreaterThan(200);
  const top = await scroller.evaluate((el) => el.scrollTop);
  await page.waitForTimeout(500);
  // Still streaming, yet the view stays where the user put it.
  expect(Math.abs((await scroller.evaluate((el) => el.scrollTop)) - top)).toBeLessThan(5);
  await expect(page.getByRole('button', { name: 'Jump to latest' })).toBeVisible();
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
});
