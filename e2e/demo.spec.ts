import { expect, test } from '@playwright/test';
import { DEMO_PORT } from '../playwright.config';
import { assistantMessages, send, waitForReplyDone } from './helpers';

test.use({ baseURL: `http://127.0.0.1:${DEMO_PORT}` });

test('without an API key the app runs on the demo model and says so', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('status').filter({ hasText: 'Demo model' })).toContainText('AIMLAPI_API_KEY');
  await send(page, 'show me some code');
  await waitForReplyDone(page);
  await expect(assistantMessages(page).last().locator('pre code').first()).toBeVisible();
});
