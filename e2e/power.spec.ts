import { expect, test } from '@playwright/test';
import {
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

/** Versions, settings, usage and cost, pinning and copying: what people reach for every day. */

test('edit an earlier message: a new version is answered, the old one is kept and can be shown again', async ({ page }) => {
  const word = uniqueWord('edit');
  await startConversation(page, `first ${word} [[reply=one]]`);
  await send(page, `second ${word} [[reply=two]]`);
  await waitForReplyDone(page);

  // Edit the first message.
  await userMessages(page).first().hover();
  await page.getByTestId('user-turn').first().getByRole('button', { name: 'Edit message' }).click();
  await page.getByRole('textbox', { name: 'Edit message' }).fill(`first again ${word} [[reply=uno]]`);
  await page.getByRole('button', { name: 'Save and send' }).click();
  await waitForReplyDone(page);

  // Only the new branch is shown: the edited message and its reply; the second turn is gone from view.
  await expect(userMessages(page)).toHaveCount(1);
  await expect(userMessages(page).first()).toContainText('first again');
  await expect(assistantMessages(page).first()).toHaveText('uno');
  await expect(page.getByTestId('user-turn').first().getByTestId('version')).toHaveText('2 / 2');
  // The upstream got only the active path: just the edited message.
  expect((await standinRequestFor(`first again ${word}`))?.messageCount).toBe(1);

  // Back to version 1: the whole old branch returns.
  await page.getByTestId('user-turn').first().getByRole('button', { name: 'Previous version' }).click();
  await expect(userMessages(page)).toHaveCount(2);
  await expect(assistantMessages(page).last()).toHaveText('two');
  await expect(page.getByTestId('user-turn').first().getByTestId('version')).toHaveText('1 / 2');

  // Reload shows the same active path.
  await page.reload();
  await expect(userMessages(page)).toHaveCount(2);
  await expect(assistantMessages(page).last()).toHaveText('two');
});

test('regenerate a reply: versions ‹ 1 / 2 › of it, switchable, and the choice survives a reload', async ({ page }) => {
  const word = uniqueWord('regen');
  await startConversation(page, `tell me ${word} [[tokens=5]]`);
  const first = await assistantMessages(page).first().innerText();
  await page.getByTestId('assistant-turn').first().getByRole('button', { name: 'Regenerate reply' }).click();
  await waitForReplyDone(page);
  const turn = page.getByTestId('assistant-turn').first();
  await expect(turn.getByTestId('version')).toHaveText('2 / 2');
  await turn.getByRole('button', { name: 'Previous version' }).click();
  await expect(turn.getByTestId('version')).toHaveText('1 / 2');
  await expect(assistantMessages(page).first()).toHaveText(first);
  await page.reload();
  await expect(page.getByTestId('assistant-turn').first().getByTestId('version')).toHaveText('1 / 2');
});

test('system prompt and parameters per conversation are sent upstream only when set', async ({ page }) => {
  const word = uniqueWord('settings');
  await startConversation(page, `plain ${word}`);
  const plain = await standinRequestFor(`plain ${word}`);
  expect(plain?.system).toBeNull();
  expect(plain?.params).toEqual({});

  await page.getByRole('button', { name: 'Conversation settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Conversation settings' });
  await dialog.getByLabel('System prompt').fill('You are a pirate.');
  await dialog.getByLabel('Temperature').fill('0.3');
  await dialog.getByLabel('Max tokens').fill('500');
  await dialog.getByLabel('Seed').fill('42');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toHaveCount(0);

  await send(page, `tuned ${word}`);
  await waitForReplyDone(page);
  const tuned = await standinRequestFor(`tuned ${word}`);
  expect(tuned?.system).toBe('You are a pirate.');
  expect(tuned?.roles[0]).toBe('system');
  expect(tuned?.params).toEqual({ temperature: 0.3, max_tokens: 500, seed: 42 });

  // Remembered with the conversation.
  await page.reload();
  await page.getByRole('button', { name: 'Conversation settings' }).click();
  await expect(page.getByRole('dialog').getByLabel('Temperature')).toHaveValue('0.3');
  // Out of range is refused by the form.
  await page.getByRole('dialog').getByLabel('Temperature').fill('7');
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
});

test('settings chosen before the first message apply to it', async ({ page }) => {
  const word = uniqueWord('early');
  await page.goto('/');
  await page.getByRole('button', { name: 'Conversation settings' }).click();
  await page.getByRole('dialog').getByLabel('System prompt').fill('Answer in French.');
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await send(page, `bonjour ${word}`);
  await waitForReplyDone(page);
  expect((await standinRequestFor(`bonjour ${word}`))?.system).toBe('Answer in French.');
});

test('usage per reply, totals with an estimated cost, and the context gauge', async ({ page, request }) => {
  const word = uniqueWord('usage');
  const id = await startConversation(page, `count ${word} [[tokens=40]]`);
  await expect(page.getByTestId('message-usage')).toContainText('40 completion tokens');
  await send(page, `again ${word} [[tokens=60]]`);
  await waitForReplyDone(page);
  // The second request carried the first exchange, most of it reported as cached by the stand-in.
  await expect(page.getByTestId('message-usage').last()).toContainText('60 completion tokens');
  const detail = await (await request.get(`/api/conversations/${id}`)).json();
  expect(detail.usage.completionTokens).toBe(100);
  expect(detail.usage.costUsd).toBeGreaterThan(0);
  await expect(page.getByTestId('usage-total')).toContainText(/tokens · ≈ \$/);
  await expect(page.getByTestId('context-gauge')).toHaveAttribute('max', '1000000');
  expect(Number(await page.getByTestId('context-gauge').getAttribute('value'))).toBeGreaterThan(0);
});

test('pin a conversation to the top of the sidebar', async ({ page }) => {
  const word = uniqueWord('pin');
  await startConversation(page, `pin me ${word}`);
  await page.getByRole('button', { name: 'New chat' }).click();
  await send(page, `newer ${uniqueWord()}`);
  await waitForReplyDone(page);
  await sidebar(page).getByRole('button', { name: new RegExp(`^Pin pin me ${word}`) }).click();
  const pinned = sidebar(page).getByRole('region', { name: 'Pinned' });
  await expect(pinned.getByRole('link', { name: new RegExp(word) })).toBeVisible();
  await page.reload();
  await expect(sidebar(page).getByRole('region', { name: 'Pinned' }).getByRole('link', { name: new RegExp(word) })).toBeVisible();
  // First in the list.
  await expect(sidebar(page).getByRole('link').first()).toContainText(word);
  await sidebar(page).getByRole('button', { name: new RegExp(`^Unpin pin me ${word}`) }).click();
  await expect(sidebar(page).getByRole('region', { name: 'Pinned' }).getByRole('link', { name: new RegExp(word) })).toHaveCount(0);
});

test('copy a message and a code block', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await startConversation(page, `code please ${uniqueWord()}`);
  await page.getByTestId('assistant-turn').last().getByRole('button', { name: 'Copy message' }).click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain('```');
  await expect(page.getByText('Reply copied')).toBeVisible();
  const code = assistantMessages(page).last().locator('pre').first();
  await code.hover();
  await assistantMessages(page).last().getByRole('button', { name: /copy/i }).first().click();
  const copiedCode = await page.evaluate(() => navigator.clipboard.readText());
  expect(copiedCode.length).toBeGreaterThan(0);
  expect(copied).toContain(copiedCode.trim().split('\n')[0]!);
  await expect(composer(page)).toBeVisible();
});
