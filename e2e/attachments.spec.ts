import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SPARE_PORT, STANDIN_PORT } from '../playwright.config';
import { makeBinaryAsText, makeDocx, makeEncryptedPdf, makeImageOnlyPdf, makeTextPdf } from '../lib/attachments/fixtures';
import { assistantMessages, standinLog, standinRequestFor, uniqueWord, waitForReplyDone } from './helpers';
import { gotoReady } from './ui-helpers';
import { startOwnServer } from './server-process';

const chips = (page: Page) => page.getByRole('list', { name: 'Attachments' }).getByTestId('attachment-chip');
const attach = (page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]) =>
  page.getByTestId('attach-input').setInputFiles(files);
const sendButton = (page: Page) => page.getByRole('button', { name: 'Send', exact: true });

/** A PDF and a DOCX made by the fixture builders, with a word of this test's own in each. */
async function pdfAndDocx(word: string) {
  const pdf = await makeTextPdf([`Quarterly report for ${word}\nThe zebra budget grew by 42 percent.`, `Second page of ${word}: the end.`]);
  const docx = await makeDocx([`Meeting notes for ${word}`, 'The falcon launch moves to March.']);
  return [
    { name: `report-${word}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(pdf) },
    {
      name: `notes-${word}.docx`,
      mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      buffer: Buffer.from(docx),
    },
  ];
}

test('a PDF and a DOCX: token counts before sending, their whole text upstream, kept after reload, regenerate and edit', async ({ page }) => {
  test.setTimeout(90_000);
  const word = uniqueWord('att');
  await gotoReady(page, '/');
  const gauge = page.getByTestId('context-gauge');
  const before = Number(await gauge.getAttribute('data-tokens'));

  await attach(page, await pdfAndDocx(word));
  await expect(chips(page)).toHaveCount(2);
  // Each chip says what it costs in the context once its text has been read on the server.
  await expect(chips(page).nth(0).getByTestId('attachment-tokens')).toHaveText(/^\d[\d,]* tokens · 2 pages · /);
  await expect(chips(page).nth(1).getByTestId('attachment-tokens')).toHaveText(/^\d[\d,]* tokens · /);
  // The gauge counts them before anything is sent.
  await expect.poll(async () => Number(await gauge.getAttribute('data-tokens'))).toBeGreaterThan(before + 20);

  await page.getByRole('textbox', { name: 'Message' }).fill(`Summarise both ${word}`);
  await sendButton(page).click();
  await expect(page).toHaveURL(/\/chat\/[A-Za-z0-9_-]+$/);
  await waitForReplyDone(page);

  const sent = await standinRequestFor(`Summarise both ${word}`);
  expect(sent).toBeDefined();
  // Both documents whole, each in a block that names it, before the message.
  expect(sent!.lastUserText).toContain(`<document name="report-${word}.pdf">`);
  expect(sent!.lastUserText).toContain('The zebra budget grew by 42 percent.');
  expect(sent!.lastUserText).toContain(`Second page of ${word}: the end.`);
  expect(sent!.lastUserText).toContain(`<document name="notes-${word}.docx">`);
  expect(sent!.lastUserText).toContain('The falcon launch moves to March.');
  expect(sent!.lastUserText.trimEnd().endsWith(`Summarise both ${word}`)).toBe(true);
  // The model saw them (the stand-in answers with each file's first line).
  await expect(assistantMessages(page).last()).toContainText(`First line: "Quarterly report for ${word}"`);
  await expect(assistantMessages(page).last()).toContainText(`First line: "Meeting notes for ${word}"`);

  // The composer is empty again; the message keeps its files.
  await expect(chips(page)).toHaveCount(0);
  const sentFiles = page.getByRole('list', { name: 'Attached files' }).getByTestId('attachment-chip');
  await expect(sentFiles).toHaveCount(2);

  await page.reload();
  await expect(sentFiles).toHaveCount(2);
  await expect(sentFiles.nth(0)).toContainText(`report-${word}.pdf`);
  await expect(sentFiles.nth(1)).toContainText(`notes-${word}.docx`);

  // Regenerate: the new request carries the documents again.
  const requestsBefore = (await standinLog()).length;
  await page.getByTestId('assistant-turn').last().hover();
  await page.getByRole('button', { name: 'Regenerate' }).last().click();
  await waitForReplyDone(page);
  await expect.poll(async () => (await standinLog()).length).toBeGreaterThan(requestsBefore);
  const regenerated = (await standinLog()).findLast((r) => r.lastUserText.includes(`Summarise both ${word}`))!;
  expect(regenerated.lastUserText).toContain('The zebra budget grew by 42 percent.');
  expect(regenerated.lastUserText).toContain('The falcon launch moves to March.');

  // Edit: the new version of the message keeps its files.
  await page.locator('[data-testid="user-turn"]').last().hover();
  await page.getByRole('button', { name: 'Edit' }).last().click();
  const editBox = page.getByRole('textbox', { name: 'Edit message' });
  await editBox.fill(`Compare them ${word}`);
  await editBox.press('Enter');
  await waitForReplyDone(page);
  await expect.poll(async () => (await standinRequestFor(`Compare them ${word}`))?.lastUserText ?? '').toContain('The falcon launch moves to March.');
  await expect(sentFiles).toHaveCount(2);
  await page.reload();
  await expect(sentFiles).toHaveCount(2);
});

test('a file with no text, a protected PDF, a binary renamed .txt and an image are refused on their chips; a good file still goes', async ({ page }) => {
  const word = uniqueWord('bad');
  await gotoReady(page, '/');
  await attach(page, [
    { name: 'scan.pdf', mimeType: 'application/pdf', buffer: Buffer.from(await makeImageOnlyPdf()) },
    { name: 'secret.pdf', mimeType: 'application/pdf', buffer: Buffer.from(await makeEncryptedPdf()) },
    { name: 'data.txt', mimeType: 'text/plain', buffer: Buffer.from(makeBinaryAsText()) },
    { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from(makeBinaryAsText()) },
    { name: `../../<img src=x onerror="window.__pwned=1">${word}.md`, mimeType: 'text/markdown', buffer: Buffer.from(`# Plan ${word}\nShip it.`) },
  ]);
  const errorOf = (name: string) => chips(page).filter({ hasText: name }).getByTestId('attachment-error');
  await expect(errorOf('scan.pdf')).toContainText(/no text/i);
  await expect(errorOf('secret.pdf')).toContainText(/password/i);
  await expect(errorOf('data.txt')).toContainText(/binary/i);
  await expect(errorOf('photo.png')).toContainText(/not supported/i);
  // The path is dropped from the name and the HTML stays text.
  const good = chips(page).filter({ hasText: `${word}` });
  await expect(good.getByTestId('attachment-tokens')).toBeVisible();
  await expect(good).not.toContainText('../');
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();

  await page.getByRole('textbox', { name: 'Message' }).fill(`What is the plan ${word}`);
  await sendButton(page).click();
  await waitForReplyDone(page);
  const sent = await standinRequestFor(`What is the plan ${word}`);
  expect(sent!.lastUserText).toContain(`# Plan ${word}`);
  expect(sent!.lastUserText).not.toContain('scan.pdf');
  expect(sent!.lastUserText).not.toContain('secret.pdf');
  await expect(page.getByRole('list', { name: 'Attached files' }).getByTestId('attachment-chip')).toHaveCount(1);
});

test('fifty files at once: the first twenty attach, each of the others says why not', async ({ page }) => {
  test.setTimeout(90_000);
  await gotoReady(page, '/');
  const word = uniqueWord('many');
  await attach(
    page,
    Array.from({ length: 50 }, (_, i) => ({ name: `part-${i + 1}.txt`, mimeType: 'text/plain', buffer: Buffer.from(`Part ${i + 1} of ${word}`) })),
  );
  await expect(chips(page)).toHaveCount(50);
  await expect(chips(page).getByTestId('attachment-error')).toHaveCount(30);
  await expect(chips(page).filter({ hasText: 'part-21.txt' }).getByTestId('attachment-error')).toContainText('at most 20 files');
  await expect(chips(page).getByTestId('attachment-tokens')).toHaveCount(20, { timeout: 30_000 });
  await expect(sendButton(page)).toBeEnabled();
});

test('dropped and pasted files attach like picked ones', async ({ page }) => {
  await gotoReady(page, '/');
  const word = uniqueWord('drop');
  await page.evaluate((w) => {
    const data = new DataTransfer();
    data.items.add(new File([`dropped ${w}`], 'dropped.txt', { type: 'text/plain' }));
    const target = document.querySelector('[data-testid="message-scroller"]')!;
    target.dispatchEvent(new DragEvent('dragenter', { bubbles: true, dataTransfer: data }));
    target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: data }));
    target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data }));
  }, word);
  await expect(chips(page).filter({ hasText: 'dropped.txt' }).getByTestId('attachment-tokens')).toBeVisible();
  await page.evaluate((w) => {
    const data = new DataTransfer();
    data.items.add(new File([`pasted ${w}`], 'pasted.csv', { type: 'text/csv' }));
    document.querySelector('textarea')!.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: data }));
  }, word);
  await expect(chips(page).filter({ hasText: 'pasted.csv' }).getByTestId('attachment-tokens')).toBeVisible();
  await page.getByRole('button', { name: 'Remove dropped.txt' }).click();
  await expect(chips(page)).toHaveCount(1);
  await sendButton(page).click(); // files alone, no text
  await waitForReplyDone(page);
  const sent = (await standinLog()).findLast((r) => r.lastUserText.includes(`pasted ${word}`));
  expect(sent).toBeDefined();
  expect(sent!.lastUserText).not.toContain(`dropped ${word}`);
});

test('a file over the context budget or over the size limit is named before anything is sent', async ({ browser }) => {
  test.setTimeout(90_000);
  const dir = mkdtempSync(join(tmpdir(), 'qwen-chat-attach-'));
  const server = await startOwnServer(SPARE_PORT + 5, {
    AIMLAPI_API_KEY: 'e2e-test-key',
    AIMLAPI_BASE_URL: `http://127.0.0.1:${STANDIN_PORT}/v1`,
    DATABASE_URL: `file:${join(dir, 'chat.db')}`,
    // ~2,000 tokens for the prompt (3,000 less 1,000 kept for the reply); files up to 200 kB.
    CONTEXT_BUDGET_TOKENS: '3000',
    DEFAULT_MAX_TOKENS: '1000',
    MAX_ATTACHMENT_BYTES: '200000',
  });
  const page = await browser.newPage({ baseURL: server.url });
  try {
    const word = uniqueWord('big');
    await gotoReady(page, '/');
    const requests = (await standinLog()).length;
    await attach(page, [
      { name: 'small.txt', mimeType: 'text/plain', buffer: Buffer.from(`small ${word}`) },
      { name: 'book.txt', mimeType: 'text/plain', buffer: Buffer.from(`${word} `.repeat(3_000)) },
      { name: 'huge.txt', mimeType: 'text/plain', buffer: Buffer.alloc(300_000, 'a') },
    ]);
    await expect(chips(page).filter({ hasText: 'huge.txt' }).getByTestId('attachment-error')).toContainText('at most 200 KB');
    await expect(page.getByTestId('context-overflow')).toContainText('book.txt');
    await expect(page.getByTestId('context-overflow')).not.toContainText('small.txt');
    await expect(chips(page).filter({ hasText: 'book.txt' })).toHaveAttribute('data-state', 'over');
    await page.getByRole('textbox', { name: 'Message' }).fill(`Read ${word}`);
    await expect(sendButton(page)).toBeDisabled();

    // The server refuses it too (a script, or a stale page), naming the file, and stores nothing.
    const upload = await fetch(`${server.url}/api/files?name=book.txt`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: `${word} `.repeat(3_000),
    });
    const { file } = (await upload.json()) as { file: { id: string } };
    const refused = await fetch(`${server.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: { text: `Read ${word}`, attachments: [{ id: file.id, name: 'book.txt' }] } }),
    });
    expect(refused.status).toBe(413);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('book.txt');
    const list = (await (await fetch(`${server.url}/api/conversations`)).json()) as { conversations: unknown[] };
    expect(list.conversations).toHaveLength(0);

    await page.getByRole('button', { name: 'Remove book.txt' }).click();
    await expect(page.getByTestId('context-overflow')).toHaveCount(0);
    await sendButton(page).click();
    await waitForReplyDone(page);
    expect((await standinLog()).length).toBeGreaterThan(requests);
    expect((await standinRequestFor(`Read ${word}`))!.lastUserText).toContain(`small ${word}`);
  } finally {
    await page.close();
    await server.kill();
  }
});
