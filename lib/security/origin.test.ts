import { describe, expect, it } from 'vitest';
import { isCrossSiteWrite, requestHost, sameHost } from './origin';

const h = (init: Record<string, string>) => new Headers(init);

describe('isCrossSiteWrite', () => {
  it.each(['POST', 'PATCH', 'DELETE', 'PUT', 'post'])('refuses %s from another site', (method) => {
    expect(isCrossSiteWrite(method, h({ host: 'localhost:3000', origin: 'https://evil.example' }))).toBe(true);
  });

  it.each(['GET', 'HEAD', 'OPTIONS'])('never refuses %s (it changes nothing)', (method) => {
    expect(isCrossSiteWrite(method, h({ host: 'localhost:3000', origin: 'https://evil.example' }))).toBe(false);
  });

  it('allows a write from the same origin', () => {
    expect(isCrossSiteWrite('POST', h({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' }))).toBe(false);
  });

  it('allows a write without an Origin header (curl, scripts)', () => {
    expect(isCrossSiteWrite('POST', h({ host: '127.0.0.1:3000' }))).toBe(false);
  });

  it('refuses another port on the same host name, and another name for the same machine', () => {
    expect(isCrossSiteWrite('POST', h({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:8080' }))).toBe(true);
    expect(isCrossSiteWrite('POST', h({ host: '127.0.0.1:3000', origin: 'http://localhost:3000' }))).toBe(true);
  });

  it('refuses Origin: null (sandboxed frames, opaque origins)', () => {
    expect(isCrossSiteWrite('DELETE', h({ host: 'chat.local', origin: 'null' }))).toBe(true);
  });

  it('cannot see DNS rebinding: a rebound page is same-origin with the Host it sends (a known limit)', () => {
    // The browser addresses the rebound page's requests to the attacker's name, so Origin and Host
    // agree; only a Host allow-list or APP_PASSWORD (cookies are per host name) stops that.
    expect(isCrossSiteWrite('POST', h({ host: 'rebind.evil.example:3000', origin: 'http://rebind.evil.example:3000' }))).toBe(false);
    expect(isCrossSiteWrite('POST', h({ host: '127.0.0.1:3000', origin: 'http://rebind.evil.example:3000' }))).toBe(true);
  });

  it('compares with x-forwarded-host when a reverse proxy sets it', () => {
    const headers = h({ host: '127.0.0.1:3000', 'x-forwarded-host': 'chat.example.com', origin: 'https://chat.example.com' });
    expect(isCrossSiteWrite('POST', headers)).toBe(false);
    const other = h({ host: '127.0.0.1:3000', 'x-forwarded-host': 'chat.example.com', origin: 'https://evil.example' });
    expect(isCrossSiteWrite('POST', other)).toBe(true);
  });

  it('refuses when the request names no host at all', () => {
    expect(isCrossSiteWrite('POST', h({ origin: 'http://localhost:3000' }))).toBe(true);
  });
});

describe('sameHost', () => {
  it.each([
    ['http://example.com', 'example.com:80', true],
    ['https://example.com', 'example.com:443', true],
    ['https://example.com', 'example.com', true],
    ['HTTPS://Example.COM', 'example.com', true],
    ['http://[::1]:3000', '[::1]:3000', true],
    ['http://example.com', 'example.com:8080', false],
    ['http://example.com.evil.example', 'example.com', false],
    ['http://example.com', 'example.com/path', false],
    ['http://example.com', 'user@example.com', false],
    ['ftp://example.com', 'example.com', false],
    ['not a url', 'example.com', false],
  ])('%s vs Host %s → %s', (origin, host, expected) => {
    expect(sameHost(origin, host)).toBe(expected);
  });
});

describe('requestHost', () => {
  it('prefers the first x-forwarded-host entry, then Host', () => {
    expect(requestHost(h({ host: 'a:1', 'x-forwarded-host': 'b.example, c.example' }))).toBe('b.example');
    expect(requestHost(h({ host: 'a:1' }))).toBe('a:1');
    expect(requestHost(h({}))).toBeNull();
  });
});
