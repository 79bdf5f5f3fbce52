import { describe, expect, it } from 'vitest';
import { clientIp } from './client-ip';
import { isApiPath, isPublicPath, safeNextPath, signInLocation } from './paths';

describe('isPublicPath', () => {
  it.each(['/sign-in', '/api/auth/sign-in', '/api/auth/sign-out', '/icon.svg', '/robots.txt'])('%s is public', (p) => {
    expect(isPublicPath(p)).toBe(true);
  });
  it.each(['/', '/chat/abc', '/api/chat', '/api/conversations', '/sign-in/x', '/api/auth/sign-in/x', '/SIGN-IN', '/api/auth'])(
    '%s needs a session',
    (p) => {
      expect(isPublicPath(p)).toBe(false);
    },
  );
});

describe('isApiPath', () => {
  it('matches /api and below only', () => {
    expect(isApiPath('/api')).toBe(true);
    expect(isApiPath('/api/chat')).toBe(true);
    expect(isApiPath('/apiary')).toBe(false);
    expect(isApiPath('/chat/api')).toBe(false);
  });
});

describe('safeNextPath', () => {
  it.each([
    ['/chat/abc', '/chat/abc'],
    ['/chat/abc?x=1#y', '/chat/abc?x=1#y'],
    ['/', '/'],
    [null, '/'],
    [undefined, '/'],
    ['', '/'],
    ['chat/abc', '/'],
    ['//evil.example', '/'],
    ['/\\evil.example', '/'],
    ['/x\\y', '/'],
    ['https://evil.example/', '/'],
    ['javascript:alert(1)', '/'],
    ['/\u0000x', '/'],
    ['/a\nb', '/'],
    ['/sign-in', '/'],
    ['/sign-in?next=/x', '/'],
  ])('%j → %j', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });
});

describe('signInLocation', () => {
  it('carries the path and query, without Next.js’s _rsc marker', () => {
    expect(signInLocation(new URL('http://h/chat/abc?x=1&_rsc=zz'))).toBe('/sign-in?next=%2Fchat%2Fabc%3Fx%3D1');
    expect(signInLocation(new URL('http://h/'))).toBe('/sign-in?next=%2F');
  });
});

describe('clientIp', () => {
  it('is the last x-forwarded-for entry (the address the nearest proxy, or next start, saw)', () => {
    expect(clientIp(new Headers({ 'x-forwarded-for': '127.0.0.1' }))).toBe('127.0.0.1');
    expect(clientIp(new Headers({ 'x-forwarded-for': '6.6.6.6, 10.0.0.7' }))).toBe('10.0.0.7');
    expect(clientIp(new Headers({ 'x-forwarded-for': '  ' }))).toBe('unknown');
    expect(clientIp(new Headers())).toBe('unknown');
    expect(clientIp(new Headers({ 'x-forwarded-for': 'x'.repeat(500) }))).toHaveLength(64);
  });
});
