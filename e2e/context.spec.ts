import { expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SPARE_PORT, STANDIN_PORT } from '../playwright.config';
import { startOwnServer } from './server-process';
import { uniqueWord } from './helpers';

test('a conversation over the context budget leaves out its oldest turns, never the system prompt, and says so', async ({ browser }) => {
  test.setTimeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'qwen-chat-context-'));
  // A tiny budget: 1,200 tokens of window, 1,000 kept back for the reply → ~200 for the prompt.
  const server = await startOwnServer(SPARE_PORT + 1, {
    AIMLAPI_API_KEY: 'e2e-test-key',
    AIMLAPI_BASE_URL: `http://127.0.0.1:${STANDIN_PORT}/v1`,
    DATABASE_URL: `file:${join(dir, 'chat.db')}`,
    CONTEXT_BUDGET_TOKENS: '1200',
    DEFAULT_MAX_TOKENS: '1000',
    DEFAULT_SYSTEM_PROMPT: 'Keep it short.',
  });
  try {
    const id = uniqueWord('ctx');
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${server.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id, message: { text: `turn ${i} ${id} [[tokens=80]]` } }),
      });
      await res.text();
    }
    const log = (await (await fetch(`http://127.0.0.1:${STANDIN_PORT}/__log`)).json()) as {
      lastUserText: string;
      roles: string[];
      system: string | null;
    }[];
    const last = log.findLast((r) => r.lastUserText.includes(`turn 3 ${id}`))!;
    expect(last.system).toBe('Keep it short.');
    expect(last.roles[0]).toBe('system');
    expect(last.roles[1]).toBe('user'); // whole turns are dropped
    expect(last.roles.length).toBeLessThan(1 + 7);

    const page = await browser.newPage();
    await page.goto(`${server.url}/chat/${id}`);
    await expect(page.getByTestId('context-omitted').last()).toContainText(/\d+ earlier messages were left out to fit the context window/);
    await expect(page.getByTestId('context-next-omitted')).toContainText('left out');
    await page.close();
  } finally {
    await server.kill('SIGKILL');
  }
});
