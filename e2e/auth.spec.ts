import { expect, test, type Browser } from '@playwright/test';
import { AUTH_CHAT_LIMIT, AUTH_PASSWORD, AUTH_PORT } from '../playwright.config';
import { alerts, assistantMessages, composer, send, uniqueWord, waitForReplyDone } from './helpers';

/**
 * The app on AUTH_PORT has APP_PASSWORD set and allows AUTH_CHAT_LIMIT chats per minute.
 *
 * Limits are kept per client address, and every test comes from 127.0.0.1. `next start` keeps an
 * X-Forwarded-For header the client sent (lib/security/client-ip.ts), so each test gives itself
 * its own made-up address: one test's wrong passwords and chats never count against another's.
 */
const AUTH = `http://127.0.0.1:${AUTH_PORT}`;
test.use({ baseURL: AUTH });

async function newClient(browser: Browser) {
  const octet = () => Math.floor(Math.random() * 254) + 1;
  const ip = `10.${octet()}.${octet()}.${octet()}`;
  const context = await browser.newContext({ baseURL: AUTH, extraHTTPHeaders: { 'x-forwarded-for': ip } });
  const page = await context.newPage();
  return { context, page, request: context.request };
}

const passwordField = (page: import('@playwright/test').Page) => page.getByLabel('Password');
const signInButton = (page: import('@playwright/test').Page) => page.getByRole('button', { name: 'Sign in' });

async function signInWithUi(page: import('@playwright/test').Page, password: string) {
  await passwordField(page).fill(password);
  await signInButton(page).click();
}

test('signed out: pages redirect to the sign-in page, API routes answer 401 JSON', async ({ browser }) => {
  const { context, page, request } = await newClient(browser);

  await page.goto('/chat/some-chat?x=1');
  await expect(page).toHaveURL(`${AUTH}/sign-in?next=${encodeURIComponent('/chat/some-chat?x=1')}`);
  await expect(passwordField(page)).toBeVisible();
  await expect(signInButton(page)).toBeVisible();

  const home = await request.get('/', { maxRedirects: 0 });
  expect(home.status()).toBe(307);
  expect(home.headers()['location']).toBe('/sign-in?next=%2F');

  const calls = [
    await request.get('/api/conversations'),
    await request.get('/api/conversations/some-chat'),
    await request.post('/api/chat', { data: { message: { text: 'hi' } } }),
    await request.delete('/api/conversations/some-chat'),
    await request.get('/api/chat/some-chat/stream'),
  ];
  for (const res of calls) {
    expect(res.status(), res.url()).toBe(401);
    const body = await res.json();
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.message).toMatch(/sign in/i);
  }
  // What the sign-in page needs is public.
  expect((await request.get('/icon.svg')).status()).toBe(200);
  await context.close();
});

test('wrong passwords show an alert; the 6th wrong attempt is refused with 429 and retry-after', async ({ browser }) => {
  const { context, page, request } = await newClient(browser);
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in/);
  for (let i = 1; i <= 5; i++) {
    await signInWithUi(page, `wrong-password-${i}`);
    await expect(alerts(page)).toHaveText('Wrong password.');
    await expect(signInButton(page)).toBeEnabled();
  }
  await signInWithUi(page, 'wrong-password-6');
  await expect(alerts(page)).toContainText('Too many wrong passwords');

  // Even the right password is not checked while the address is blocked.
  const blocked = await request.post('/api/auth/sign-in', { data: { password: AUTH_PASSWORD } });
  expect(blocked.status()).toBe(429);
  expect(Number(blocked.headers()['retry-after'])).toBeGreaterThan(0);
  expect((await blocked.json()).error.code).toBe('rate_limited');
  await context.close();
});

test('the right password lands on / and can chat; sign out returns to the sign-in page', async ({ browser }) => {
  const { context, page, request } = await newClient(browser);
  await page.goto('/');
  await expect(page).toHaveURL(`${AUTH}/sign-in?next=%2F`);
  await signInWithUi(page, AUTH_PASSWORD);
  await expect(page).toHaveURL(`${AUTH}/`);

  const [cookie] = await context.cookies();
  expect(cookie).toMatchObject({ name: 'qc_session', httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
  const days = (cookie!.expires * 1000 - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(29);
  expect(days).toBeLessThanOrEqual(30);

  const word = uniqueWord('authed');
  // The page was reached by a full load from script, so it may still be hydrating: retry the typing
  // until React has taken the field over.
  await expect(async () => {
    await composer(page).fill(`hello [[reply=signed%20in%20${word}]]`);
    await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeEnabled({ timeout: 500 });
  }).toPass();
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await waitForReplyDone(page);
  await expect(assistantMessages(page).last()).toHaveText(`signed in ${word}`);
  expect((await request.get('/api/conversations')).status()).toBe(200);

  // A signed-in visit to the sign-in page goes where it was headed.
  await page.goto('/sign-in?next=/');
  await expect(page).toHaveURL(`${AUTH}/`);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(passwordField(page)).toBeVisible();
  expect(await context.cookies()).toEqual([]);
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in\?next=%2F$/);
  expect((await request.get('/api/conversations')).status()).toBe(401);
  await context.close();
});

test('after signing in, a deep link is where you land', async ({ browser }) => {
  const { context, page } = await newClient(browser);
  await page.goto('/chat/deep-link-target');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fchat%2Fdeep-link-target$/);
  await signInWithUi(page, AUTH_PASSWORD);
  await expect(page).toHaveURL(`${AUTH}/chat/deep-link-target`);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible(); // signed in; the chat just doesn't exist
  await context.close();
});

test('forged and tampered session cookies are refused', async ({ browser }) => {
  const { context, request } = await newClient(browser);
  const signedIn = await request.post('/api/auth/sign-in', { data: { password: AUTH_PASSWORD } });
  expect(signedIn.status()).toBe(200);
  const real = (await context.cookies()).find((c) => c.name === 'qc_session')!.value;
  expect((await request.get('/api/conversations')).status()).toBe(200);

  const [version, expires, id, signature] = real.split('.') as [string, string, string, string];
  const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
  const forgeries = [
    'yes',
    'v1.9999999999.admin.c2lnbmF0dXJl',
    [version, String(Number(expires) + 86_400 * 365), id, signature].join('.'), // longer life, same signature
    [version, expires, flip(id), signature].join('.'),
    [version, expires, id, flip(signature)].join('.'),
    [version, expires, id, ''].join('.'),
    real.slice(0, -1),
  ];
  for (const value of forgeries) {
    const res = await request.get('/api/conversations', { headers: { cookie: `qc_session=${value}` } });
    expect(res.status(), value).toBe(401);
    const page = await request.get('/', { headers: { cookie: `qc_session=${value}` }, maxRedirects: 0 });
    expect(page.status(), value).toBe(307);
  }
  // The real one still works.
  expect((await request.get('/api/conversations', { headers: { cookie: `qc_session=${real}` } })).status()).toBe(200);
  await context.close();
});

test(`chat rate limit: chat number ${AUTH_CHAT_LIMIT + 1} within a minute is 429 with retry-after, and the UI says so`, async ({
  browser,
}) => {
  const { context, page, request } = await newClient(browser);
  expect((await request.post('/api/auth/sign-in', { data: { password: AUTH_PASSWORD } })).status()).toBe(200);
  const id = uniqueWord('limit');
  for (let i = 0; i < AUTH_CHAT_LIMIT; i++) {
    const res = await request.post('/api/chat', { data: { id, message: { text: `message ${i}` } } });
    expect(res.status()).toBe(200);
    await res.text();
  }
  const over = await request.post('/api/chat', { data: { id, message: { text: 'one too many' } } });
  expect(over.status()).toBe(429);
  const retryAfter = Number(over.headers()['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  const body = await over.json();
  expect(body.error.code).toBe('rate_limited');
  expect(body.error.message).toContain(`${AUTH_CHAT_LIMIT} per minute`);

  // Another client is not affected.
  const other = await newClient(browser);
  expect((await other.request.post('/api/auth/sign-in', { data: { password: AUTH_PASSWORD } })).status()).toBe(200);
  const otherChat = await other.request.post('/api/chat', { data: { message: { text: 'my own budget' } } });
  expect(otherChat.status()).toBe(200);
  await other.context.close();

  // The browser (same address, same session) is told why, in the chat's alert.
  await page.goto(`/chat/${id}`);
  await send(page, 'still there?');
  await expect(alerts(page)).toContainText('Too many messages');
  await expect(alerts(page)).toContainText(/Try again in \d+ seconds?/);
  await context.close();
});

test('the sign-in API refuses malformed bodies and needs no session', async ({ browser }) => {
  const { context, request } = await newClient(browser);
  const res = await request.post('/api/auth/sign-in', { data: { pass: 'x' } });
  expect(res.status()).toBe(400);
  expect((await res.json()).error.code).toBe('bad_request');
  await context.close();
});
