import { expect, test } from '@playwright/test';
import { gotoReady } from './ui-helpers';
import { assistantMessages, openGate, send, standinRequestFor, startConversation, uniqueWord, userMessages, waitForReplyDone } from './helpers';

/** Replies belong to the server: a closed tab or a reload never loses them. */

// Replies that must outlast reloads and a second tab are held at a stand-in gate ([[gate=NAME]])
// until the test has seen what it waits for, so no test depends on how fast the machine is.
test.describe.configure({ timeout: 60_000 });

async function storedReply(request: import('@playwright/test').APIRequestContext, id: string) {
  const detail = await (await request.get(`/api/conversations/${id}`)).json();
  return detail.messages.at(-1) as { parts: { text: string }[]; metadata: { status: string } };
}

test('closing the tab mid-reply: the reply still finishes and is there when the chat is reopened', async ({
  page,
  context,
  request,
}) => {
  const word = uniqueWord();
  await page.goto('/');
  await send(page, `close ${word} [[tokens=120]] [[delay=25]]`);
  await expect(page).toHaveURL(/\/chat\//);
  await expect(assistantMessages(page).last()).toContainText(/\w+ \w+ \w+/);
  const id = page.url().split('/chat/')[1]!;
  await page.close();

  await expect.poll(async () => (await storedReply(request, id)).metadata.status, { timeout: 15_000 }).toBe('complete');
  const upstream = await standinRequestFor(word);
  expect(upstream?.aborted).toBe(false);
  expect(upstream?.chunksSent).toBe(120);

  const again = await context.newPage();
  await again.goto(`/chat/${id}`);
  const text = (await storedReply(request, id)).parts[0]!.text;
  await expect(assistantMessages(again).last()).toContainText(text.trim().split(' ').slice(-5).join(' '));
});

test('reloading twice while a reply streams: it keeps streaming and ends with exactly what the model sent', async ({
  page,
  request,
}) => {
  const word = uniqueWord();
  await gotoReady(page, '/');
  await send(page, `reload ${word} [[tokens=150]] [[delay=10]] [[gate=${word}]]`);
  await expect(page).toHaveURL(/\/chat\//);
  const id = page.url().split('/chat/')[1]!;
  for (let i = 0; i < 2; i++) {
    await expect(assistantMessages(page).last()).toContainText(/\w+ \w+/);
    await page.reload();
    // Rejoined: the reply is shown as in progress (Stop offered), with what was written so far.
    await expect(page.getByRole('button', { name: 'Stop', exact: true })).toBeVisible();
    await expect(assistantMessages(page).last()).toContainText(/\w+ \w+/);
  }
  await openGate(word);
  await waitForReplyDone(page);
  const stored = await storedReply(request, id);
  expect(stored.metadata.status).toBe('complete');
  const words = stored.parts[0]!.text.trim().split(/\s+/);
  expect(words).toHaveLength(150);
  const shown = (await assistantMessages(page).last().innerText()).trim().split(/\s+/);
  expect(shown).toEqual(words);
  expect((await standinRequestFor(word))?.model).toBe('qwen-turbo');
});

test('two tabs on one conversation: both see the reply finish, and Stop in either stops it', async ({ context, request }) => {
  const word = uniqueWord('tabs');
  const a = await context.newPage();
  const id = await startConversation(a, `hello ${word}`);
  const b = await context.newPage();
  await b.goto(`/chat/${id}`);
  await expect(userMessages(b)).toHaveCount(1);

  // Tab A sends; tab B, idle, notices (it looks every 2.5 s) and shows the same reply streaming to
  // the end. The reply is held until tab B shows it in progress.
  await send(a, `slow ${word} [[tokens=80]] [[delay=10]] [[gate=${word}-1]]`);
  await expect(userMessages(b)).toHaveCount(2, { timeout: 15_000 });
  await expect(b.getByRole('button', { name: 'Stop', exact: true })).toBeVisible();
  await openGate(`${word}-1`);
  await waitForReplyDone(a);
  await waitForReplyDone(b);
  const stored = (await storedReply(request, id)).parts[0]!.text.trim();
  await expect(assistantMessages(a).last()).toHaveText(stored);
  await expect(assistantMessages(b).last()).toHaveText(stored);

  // Tab A sends again; Stop in tab B stops it for both.
  await send(a, `stop from b ${word} [[tokens=400]] [[delay=10]] [[gate=${word}-2]]`);
  await expect(b.getByRole('button', { name: 'Stop', exact: true })).toBeVisible({ timeout: 15_000 });
  await b.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(a.getByRole('button', { name: 'Send', exact: true })).toBeVisible();
  await expect(a.getByTestId('assistant-turn').last().getByTestId('message-status')).toHaveText('Stopped');
  await expect.poll(async () => (await storedReply(request, id)).metadata.status).toBe('stopped');
  await expect.poll(async () => (await standinRequestFor(`stop from b ${word}`))?.aborted).toBe(true);
});
