import { expect, test } from '@playwright/test';
import { assistantMessages, composer, standinRequestFor, uniqueWord, userMessages, waitForReplyDone } from './helpers';
import { gotoReady } from './ui-helpers';

test('a message sent while a reply streams is queued, shown as pending, cancellable, and sent when the reply ends', async ({ page }) => {
  test.setTimeout(60_000);
  const word = uniqueWord('queue');
  await gotoReady(page, '/');
  // A reply of 60 tokens, 100 ms apart: long enough to queue two messages while it streams.
  await composer(page).fill(`first ${word} [[tokens=60]] [[delay=100]]`);
  await composer(page).press('Enter');
  await expect(page.getByRole('button', { name: 'Stop', exact: true })).toBeVisible();

  await composer(page).fill(`second ${word}`);
  await composer(page).press('Enter');
  await composer(page).fill(`third ${word}`);
  await page.getByRole('button', { name: 'Queue', exact: true }).click();
  const queued = page.getByTestId('queued-message');
  await expect(queued).toHaveCount(2);
  await expect(queued.nth(0)).toContainText(`second ${word}`);
  await expect(composer(page)).toHaveValue('');
  await page.getByRole('button', { name: `Cancel queued message: third ${word}` }).click();
  await expect(queued).toHaveCount(1);
  // Still streaming: nothing queued has gone out yet.
  await expect(page.getByRole('button', { name: 'Stop', exact: true })).toBeVisible();
  expect(await standinRequestFor(`second ${word}`)).toBeUndefined();

  // The first reply ends, then the queued message goes by itself.
  await expect(userMessages(page)).toHaveCount(2, { timeout: 30_000 });
  await expect(userMessages(page).nth(1)).toHaveText(`second ${word}`);
  await expect(queued).toHaveCount(0);
  await waitForReplyDone(page);
  await expect(assistantMessages(page)).toHaveCount(2);
  expect(await standinRequestFor(`second ${word}`)).toBeDefined();
  expect(await standinRequestFor(`third ${word}`)).toBeUndefined();
});
