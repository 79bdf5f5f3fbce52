import { expect, test } from '@playwright/test';
import { UNREACHABLE_PORT } from '../playwright.config';
import { alerts, assistantMessages, send, standinRequestFor, uniqueWord, userMessages, waitForReplyDone } from './helpers';

/**
 * The fault matrix: every way the upstream can fail. In each case the user's message is stored,
 * whatever text arrived is stored with status error, the user sees a plain-language alert with
 * Retry, Retry produces a new reply, and the next message works. `[[once]]` makes the stand-in
 * fail only the first attempt, so Retry can succeed.
 */
const faults = [
  { name: 'rejected API key (401)', script: '[[status=401]]', alert: /API key was rejected/ },
  { name: 'rate limited with retry-after (429)', script: '[[status=429]] [[retry-after=3]]', alert: /rate-limited.*3 s/, retryAfter: 3 },
  { name: 'rate limited without retry-after (429)', script: '[[status=429]]', alert: /rate-limited.*wait a moment/i },
  { name: 'server error (500)', script: '[[status=500]]', alert: /problem \(HTTP 500\)/ },
  { name: 'bad gateway (502)', script: '[[status=502]]', alert: /problem \(HTTP 502\)/ },
  { name: 'no first byte in time', script: '[[ttfb=8000]]', alert: /did not start answering within 4 s/ },
  { name: 'stream cut mid-reply', script: '[[tokens=40]] [[delay=15]] [[cut=10]]', alert: /connection to the model was lost/, partial: 10 },
  { name: 'malformed SSE chunk', script: '[[tokens=40]] [[delay=15]] [[malformed=10]]', alert: /could not be read/, partial: 10 },
];

type Stored = { role: string; parts: { text: string }[]; metadata: { status: string; error: string | null } };

for (const fault of faults) {
  test(`upstream fault: ${fault.name}`, async ({ page, request }) => {
    const word = uniqueWord('fault');
    await page.goto('/');
    await send(page, `${word} ${fault.script} [[once]]`);

    await expect(alerts(page)).toContainText(fault.alert);
    await expect(userMessages(page).first()).toContainText(word);
    if (fault.retryAfter) {
      // Retry waits for the upstream's retry-after.
      await expect(alerts(page).getByRole('button', { name: 'Retry' })).toBeDisabled();
      await expect(alerts(page).getByRole('button', { name: 'Retry' })).toHaveText(/Retry in \d s/);
      await expect(alerts(page).getByRole('button', { name: 'Retry' })).toBeEnabled({ timeout: fault.retryAfter * 1000 + 2000 });
    }
    const id = page.url().split('/chat/')[1]!;

    // Stored: the user's message, and the failed reply with whatever text arrived.
    const detail = await (await request.get(`/api/conversations/${id}`)).json();
    const [user, reply] = detail.messages as Stored[];
    expect(user?.parts[0]?.text).toContain(word);
    expect(reply?.metadata.status).toBe('error');
    expect(reply?.metadata.error).toMatch(fault.alert);
    if (fault.partial) {
      expect(reply?.parts[0]?.text.trim().split(/\s+/)).toHaveLength(fault.partial);
      await expect(assistantMessages(page).last()).toContainText(reply!.parts[0]!.text.trim());
      await expect(page.getByTestId('assistant-turn').last().getByTestId('message-status')).toHaveText('Failed');
    }

    // Reload: still there, still explained.
    await page.reload();
    await expect(userMessages(page).first()).toContainText(word);
    await expect(alerts(page)).toContainText(fault.alert);

    // Retry regenerates the reply (the stand-in fails only once).
    await alerts(page).getByRole('button', { name: 'Retry' }).click();
    await waitForReplyDone(page);
    await expect(alerts(page)).toHaveCount(0);
    await expect(assistantMessages(page)).toHaveCount(1);
    await expect(assistantMessages(page).last()).toContainText(fault.partial ? /(\w+ ){39}\w+/ : /You said/);
    await page.reload();
    await expect(alerts(page)).toHaveCount(0);
    await expect(assistantMessages(page)).toHaveCount(1);

    // The server stays up and the conversation goes on.
    await send(page, `next ${word}`);
    await waitForReplyDone(page);
    await expect(assistantMessages(page)).toHaveCount(2);
    expect((await standinRequestFor(`next ${word}`))?.messageCount).toBe(3);
  });
}

test('upstream fault: connection refused', async ({ page, request }) => {
  const base = `http://127.0.0.1:${UNREACHABLE_PORT}`;
  const word = uniqueWord('refused');
  await page.goto(`${base}/`);
  await send(page, `hello ${word}`);
  await expect(alerts(page)).toContainText(/Could not reach the model service/);
  await expect(userMessages(page).first()).toContainText(word);
  await page.reload();
  await expect(userMessages(page).first()).toContainText(word);
  await expect(alerts(page)).toContainText(/Could not reach/);
  await alerts(page).getByRole('button', { name: 'Retry' }).click();
  await expect(alerts(page)).toContainText(/Could not reach/);
  expect((await request.get(`${base}/api/conversations?limit=1`)).status()).toBe(200);
});
