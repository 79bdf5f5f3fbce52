import { expect, type Page } from '@playwright/test';
import { STANDIN_PORT } from '../playwright.config';
import type { StandinRequestInfo } from '../lib/standin/types';

/** A word no other test uses, so parallel tests sharing one server never match each other's chats. */
export function uniqueWord(prefix = 'topic'): string {
  return `${prefix}${Math.random().toString(36).slice(2, 8)}`;
}

export const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });
export const sidebar = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });
export const assistantMessages = (page: Page) => page.locator('[data-role="assistant"]');
/** The app's error alerts (Next.js keeps an empty role=alert route announcer on every page). */
export const alerts = (page: Page) => page.getByRole('alert').filter({ hasText: /\S/ });
export const userMessages = (page: Page) => page.locator('[data-role="user"]');

export async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
}

/** Sends a message on a fresh chat and waits for the reply to finish; returns the conversation id. */
export async function startConversation(page: Page, text: string): Promise<string> {
  await page.goto('/');
  await send(page, text);
  await expect(page).toHaveURL(/\/chat\/[A-Za-z0-9_-]+$/);
  await waitForReplyDone(page);
  return page.url().split('/chat/')[1]!;
}

export async function waitForReplyDone(page: Page): Promise<void> {
  await expect(page.getByRole('button', { name: 'Stop', exact: true })).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeVisible();
}

/** What the stand-in model received, newest last. */
export async function standinLog(): Promise<StandinRequestInfo[]> {
  const res = await fetch(`http://127.0.0.1:${STANDIN_PORT}/__log`);
  return (await res.json()) as StandinRequestInfo[];
}

export async function standinRequestFor(marker: string): Promise<StandinRequestInfo | undefined> {
  return (await standinLog()).findLast((r) => r.lastUserText.includes(marker));
}

/** Opens a stand-in gate: a reply sent with `[[gate=NAME]]` holds a few words in until then. */
export async function openGate(name: string): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${STANDIN_PORT}/__gate/${encodeURIComponent(name)}`, { method: 'POST' });
  if (res.status !== 204) throw new Error(`opening gate ${name}: HTTP ${res.status}`);
}
