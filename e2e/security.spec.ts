import { expect, test, type APIRequestContext } from '@playwright/test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { APP_PORT, AUTH_CHAT_LIMIT, AUTH_LOG, AUTH_PASSWORD, AUTH_PORT, E2E_API_KEY } from '../playwright.config';
import { assistantMessages, send, uniqueWord, waitForReplyDone } from './helpers';

const APP = `http://127.0.0.1:${APP_PORT}`;
const AUTH = `http://127.0.0.1:${AUTH_PORT}`;

async function chat(request: APIRequestContext, id: string, text: string, headers: Record<string, string> = {}) {
  return request.post('/api/chat', { data: { id, message: { text } }, headers });
}

function cspDirectives(value: string | undefined): Map<string, string> {
  expect(value, 'Content-Security-Policy header').toBeTruthy();
  return new Map(value!.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...rest]) => [name!, rest.join(' ')]));
}

function expectStaticHeaders(headers: Record<string, string>, what: string) {
  expect(headers['x-content-type-options'], what).toBe('nosniff');
  expect(headers['referrer-policy'], what).toBe('no-referrer');
  expect(headers['x-frame-options'], what).toBe('DENY');
}

test.describe('security headers', () => {
  test('pages get a nonce CSP that forbids inline script, framing, plugins and <base>; the nonce is on every script', async ({
    request,
  }) => {
    const first = await request.get('/');
    const second = await request.get('/');
    expect(first.status()).toBe(200);
    expectStaticHeaders(first.headers(), 'page');
    const csp = cspDirectives(first.headers()['content-security-policy']);
    const nonce = csp.get('script-src')!.match(/'nonce-([^']+)'/)?.[1];
    expect(nonce, 'script-src carries a nonce').toBeTruthy();
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
    expect(csp.get('script-src')).not.toContain("'unsafe-eval'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.get('object-src')).toBe("'none'");
    expect(csp.get('base-uri')).toBe("'self'");
    expect(csp.get('img-src')).toBe("'self' data: blob:");
    expect(csp.get('default-src')).toBe("'self'");
    // A fresh nonce per response.
    expect(second.headers()['content-security-policy']).not.toContain(nonce!);

    const html = await first.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag, 'every script carries the nonce').toContain(`nonce="${nonce}"`);
  });

  test('API responses, static files, 404s and refusals carry the headers too', async ({ request }) => {
    const api = await request.get('/api/conversations?limit=1');
    expectStaticHeaders(api.headers(), 'API');
    expect(api.headers()['content-security-policy']).toContain("frame-ancestors 'none'");

    const html = await (await request.get('/')).text();
    const asset = html.match(/\/_next\/static\/[^"']+\.js/)?.[0];
    expect(asset).toBeTruthy();
    const staticFile = await request.get(asset!);
    expect(staticFile.status()).toBe(200);
    expectStaticHeaders(staticFile.headers(), 'static file');

    const missing = await request.get('/chat/no-such-conversation-here');
    expect(missing.status()).toBe(404);
    expectStaticHeaders(missing.headers(), '404 page');
    expect(missing.headers()['content-security-policy']).toContain("'nonce-");

    const refused = await request.post('/api/chat', { headers: { origin: 'https://evil.example' }, data: {} });
    expect(refused.status()).toBe(403);
    expectStaticHeaders(refused.headers(), 'proxy refusal');
    expect(refused.headers()['content-security-policy']).toContain("object-src 'none'");
  });

  test('the pages run under the CSP without a single violation, markdown and code replies included', async ({ page }) => {
    const violations: string[] = [];
    page.on('console', (msg) => {
      if (/content security policy/i.test(msg.text())) violations.push(msg.text());
    });
    page.on('pageerror', (error) => violations.push(`pageerror: ${error.message}`));

    await page.goto('/');
    await send(page, `markdown please ${uniqueWord('csp')}`);
    await expect(page).toHaveURL(/\/chat\/[\w-]+$/);
    await waitForReplyDone(page);
    const reply = assistantMessages(page).last();
    await expect(reply.locator('table')).toBeVisible();
    await expect(reply.locator('pre code').first()).toBeVisible();

    await send(page, 'and some code');
    await waitForReplyDone(page);
    await expect(assistantMessages(page).last().locator('pre code').first()).toBeVisible();

    // A full load of the conversation page (server-rendered, then hydrated under the CSP).
    await page.reload();
    await expect(assistantMessages(page)).toHaveCount(2);
    await expect(assistantMessages(page).first().locator('table')).toBeVisible();
    // Hydrated: the client router works.
    await page.getByRole('button', { name: 'New chat' }).click();
    await expect(page).toHaveURL(`${APP}/`);
    await page.waitForTimeout(300);
    expect(violations).toEqual([]);
  });
});

test.describe('cross-site requests', () => {
  test('writes whose Origin names another site are refused with 403 JSON; same-site and Origin-less ones pass', async ({
    request,
  }) => {
    const id = uniqueWord('origin');
    expect((await chat(request, id, 'hello')).status()).toBe(200); // no Origin: curl, scripts

    const evil = { origin: 'https://evil.example' };
    const attempts = [
      await request.patch(`/api/conversations/${id}`, { headers: evil, data: { title: 'pwned' } }),
      await request.delete(`/api/conversations/${id}`, { headers: evil }),
      await chat(request, id, 'from evil', evil),
      await request.post(`/api/chat/${id}/stop`, { headers: evil }),
      await request.post('/api/auth/sign-out', { headers: evil }),
      // Opaque origins (sandboxed frames) and another name or port for this machine are other sites too.
      await request.patch(`/api/conversations/${id}`, { headers: { origin: 'null' }, data: { title: 'pwned' } }),
      await request.patch(`/api/conversations/${id}`, { headers: { origin: `http://localhost:${APP_PORT}` }, data: { title: 'pwned' } }),
      await request.patch(`/api/conversations/${id}`, { headers: { origin: 'http://127.0.0.1:1' }, data: { title: 'pwned' } }),
    ];
    for (const res of attempts) {
      expect(res.status(), res.url()).toBe(403);
      const body = await res.json();
      expect(body.error.code).toBe('forbidden');
      expect(typeof body.error.message).toBe('string');
    }
    const detail = await (await request.get(`/api/conversations/${id}`)).json();
    expect(detail.title).not.toBe('pwned');
    expect(detail.messages).toHaveLength(2);

    // Reads are not refused (and carry no CORS grant, so another site cannot read them).
    const read = await request.get(`/api/conversations/${id}`, { headers: evil });
    expect(read.status()).toBe(200);
    expect(read.headers()['access-control-allow-origin']).toBeUndefined();

    // The app's own origin, and the public host a reverse proxy reports, are fine.
    const same = await request.patch(`/api/conversations/${id}`, { headers: { origin: APP }, data: { title: 'Renamed here' } });
    expect(same.status()).toBe(200);
    const proxied = await request.patch(`/api/conversations/${id}`, {
      headers: { origin: 'https://chat.example.com', 'x-forwarded-host': 'chat.example.com' },
      data: { title: 'Renamed via proxy' },
    });
    expect(proxied.status()).toBe(200);
  });

  test('a form on another site cannot post a chat (the classic text/plain JSON CSRF)', async ({ page, request }) => {
    const id = uniqueWord('csrf');
    // enctype=text/plain sends `name=value`: this name and value add up to valid JSON, which the
    // chat endpoint would accept. Only the Origin check stands in the way.
    const name = `{"id":"${id}","message":{"text":"csrf `;
    const value = `"}}`;
    await page.route('http://evil.test/', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<form id="f" method="POST" action="${APP}/api/chat" enctype="text/plain"><input name='${name}' value='${value}'></form>
               <script>document.getElementById('f').submit()</script>`,
      }),
    );
    const response = page.waitForResponse(`${APP}/api/chat`);
    await page.goto('http://evil.test/');
    const res = await response;
    expect(res.status()).toBe(403);
    expect(res.request().headers()['origin']).toBe('http://evil.test');
    expect(await res.text()).toContain('"forbidden"');
    expect((await request.get(`/api/conversations/${id}`)).status()).toBe(404);
  });
});

test.describe('the API key stays on the server', () => {
  test('no script the pages load, and no file under .next/static, contains it', async ({ page, request }) => {
    const id = uniqueWord('leak');
    expect((await chat(request, id, 'markdown for the leak check')).status()).toBe(200);

    const bodies: Promise<{ url: string; text: string }>[] = [];
    // Everything the app serves the browser: documents, scripts, styles, RSC payloads.
    page.on('response', (res) => {
      const url = res.url();
      if (!url.startsWith(APP)) return;
      bodies.push(
        res.body().then(
          (b) => ({ url, text: b.toString('latin1') }),
          () => ({ url, text: '' }), // redirects have no body
        ),
      );
    });
    await page.goto('/');
    await page.waitForLoadState('networkidle');
    await page.goto(`/chat/${id}`);
    await expect(assistantMessages(page)).toHaveCount(1);
    await page.waitForLoadState('networkidle');
    // Client-side navigation loads more chunks (and an RSC payload).
    await page.getByRole('button', { name: 'New chat' }).click();
    await page.waitForLoadState('networkidle');

    const loaded = await Promise.all(bodies);
    const scripts = loaded.filter((b) => b.url.includes('/_next/static/') && b.url.endsWith('.js'));
    expect(scripts.length, 'scripts were collected').toBeGreaterThan(3);
    for (const { url, text } of loaded) expect(text.includes(E2E_API_KEY), url).toBe(false);

    const files = listFiles(join(process.cwd(), process.env.NEXT_DIST_DIR || '.next', 'static'));
    expect(files.filter((f) => f.endsWith('.js')).length).toBeGreaterThan(3);
    for (const file of files) expect(readFileSync(file).toString('latin1').includes(E2E_API_KEY), file).toBe(false);
  });

  test('no API response contains it: lists, a conversation, chat streams, failures', async ({ request }) => {
    const id = uniqueWord('leakapi');
    const responses = [
      await chat(request, id, 'hello there'),
      await chat(request, id, 'fail please [[status=401]]'),
      await request.get('/api/conversations'),
      await request.get(`/api/conversations/${id}`),
      await request.get(`/api/chat/${id}/stream`),
      await request.post('/api/chat', { data: { id: 'x', message: { text: '' } } }),
    ];
    for (const res of responses) {
      const text = (await res.text()) + JSON.stringify(res.headers());
      expect(text.includes(E2E_API_KEY), res.url()).toBe(false);
    }
    // The failed reply's stored error is visible, and still says nothing about the key.
    const detail = JSON.stringify(await (await request.get(`/api/conversations/${id}`)).json());
    expect(detail).toContain('"error"');
  });

  test('no log line contains it, even when the upstream refuses the key', async ({ browser }) => {
    const context = await browser.newContext({ baseURL: AUTH, extraHTTPHeaders: { 'x-forwarded-for': randomIp() } });
    const request = context.request;
    await request.post('/api/auth/sign-in', { data: { password: 'wrong-password' } });
    expect((await request.post('/api/auth/sign-in', { data: { password: AUTH_PASSWORD } })).status()).toBe(200);
    const id = uniqueWord('leaklog');
    const failures = ['[[status=401]]', '[[status=500]]', '[[malformed=1]]'].slice(0, AUTH_CHAT_LIMIT);
    for (const directive of failures) await (await chat(request, id, `fail ${directive}`)).text();
    expect((await chat(request, id, 'over the limit')).status()).toBe(429);
    await context.close();

    // The log is not empty: start-up and every failure were logged (so the check below means something).
    await expect.poll(() => readFileSync(AUTH_LOG, 'utf8').match(/\[chat\] reply .* failed/g)?.length ?? 0).toBeGreaterThanOrEqual(
      failures.length,
    );
    const log = readFileSync(AUTH_LOG, 'utf8');
    expect(log).toContain('Chatting with');
    expect(log.includes(E2E_API_KEY)).toBe(false);
    expect(log.includes(AUTH_PASSWORD)).toBe(false);
  });
});

function randomIp(): string {
  const octet = () => Math.floor(Math.random() * 254) + 1;
  return `10.${octet()}.${octet()}.${octet()}`;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}
