import { NextRequest } from 'next/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSessionToken, SESSION_COOKIE, sessionKey } from './session';

/** proxy.ts as Next.js calls it; the configuration is read once per module, so each case loads it afresh. */
async function loadProxy(env: Record<string, string>) {
  vi.resetModules();
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  return (await import('../../proxy')).proxy;
}

function req(path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  return new NextRequest(`http://localhost:3000${path}`, {
    method: init.method ?? 'GET',
    headers: { host: '127.0.0.1:3000', ...init.headers },
  });
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('proxy', () => {
  it('lets requests through with a nonce CSP on the response and on the request (for Next.js to read)', async () => {
    const proxy = await loadProxy({ APP_PASSWORD: '' });
    const res = proxy(req('/'));
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(res.headers.get('x-middleware-next')).toBe('1');
    expect(res.headers.get('x-middleware-request-content-security-policy')).toBe(csp);
    expect(proxy(req('/')).headers.get('content-security-policy')).not.toBe(csp);
  });

  it('refuses a cross-site write with 403 JSON, and passes same-site and Origin-less ones', async () => {
    const proxy = await loadProxy({ APP_PASSWORD: '' });
    const refused = proxy(req('/api/chat', { method: 'POST', headers: { origin: 'https://evil.example' } }));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });
    expect(refused.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(proxy(req('/api/chat', { method: 'POST', headers: { origin: 'http://127.0.0.1:3000' } })).status).toBe(200);
    expect(proxy(req('/api/chat', { method: 'POST' })).status).toBe(200);
  });

  describe('with APP_PASSWORD', () => {
    const password = 'proxy-test-password';

    it('sends signed-out pages to the sign-in page and answers API routes 401', async () => {
      const proxy = await loadProxy({ APP_PASSWORD: password });
      const page = proxy(req('/chat/abc?x=1'));
      expect(page.status).toBe(307);
      expect(new URL(page.headers.get('location')!).pathname + new URL(page.headers.get('location')!).search).toBe(
        '/sign-in?next=%2Fchat%2Fabc%3Fx%3D1',
      );
      const api = proxy(req('/api/conversations'));
      expect(api.status).toBe(401);
      expect((await api.json()).error.code).toBe('unauthorized');
      for (const open of ['/sign-in', '/api/auth/sign-in', '/icon.svg']) expect(proxy(req(open)).status, open).toBe(200);
    });

    it('lets a valid session through and refuses a tampered one', async () => {
      const proxy = await loadProxy({ APP_PASSWORD: password });
      const token = createSessionToken(sessionKey(password));
      expect(proxy(req('/api/conversations', { headers: { cookie: `${SESSION_COOKIE}=${token}` } })).status).toBe(200);
      const tampered = token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
      expect(proxy(req('/api/conversations', { headers: { cookie: `${SESSION_COOKIE}=${tampered}` } })).status).toBe(401);
      const otherKey = createSessionToken(sessionKey('another-password'));
      expect(proxy(req('/api/conversations', { headers: { cookie: `${SESSION_COOKIE}=${otherKey}` } })).status).toBe(401);
    });

    it('sends a signed-in visit to the sign-in page on to its destination', async () => {
      const proxy = await loadProxy({ APP_PASSWORD: password });
      const cookie = `${SESSION_COOKIE}=${createSessionToken(sessionKey(password))}`;
      const res = proxy(req('/sign-in?next=%2Fchat%2Fabc', { headers: { cookie } }));
      expect(res.status).toBe(307);
      expect(new URL(res.headers.get('location')!).pathname).toBe('/chat/abc');
      const evil = proxy(req('/sign-in?next=%2F%2Fevil.example', { headers: { cookie } }));
      expect(new URL(evil.headers.get('location')!).href).toBe('http://localhost:3000/');
    });
  });
});
