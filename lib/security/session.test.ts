import { describe, expect, it } from 'vitest';
import {
  clearedSessionCookie,
  createSessionToken,
  isHttps,
  passwordMatches,
  SESSION_COOKIE,
  SESSION_MAX_AGE_SECONDS,
  sessionCookie,
  sessionKey,
  verifySessionToken,
} from './session';

const key = sessionKey('correct horse battery staple');
const NOW = Date.UTC(2026, 0, 1);

describe('session tokens', () => {
  it('a fresh token verifies, and two sign-ins get different tokens', () => {
    const a = createSessionToken(key, NOW);
    const b = createSessionToken(key, NOW);
    expect(verifySessionToken(key, a, NOW)).toBe(true);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.\d+\.[\w-]+\.[\w-]+$/);
  });

  it('expires after 30 days', () => {
    const token = createSessionToken(key, NOW);
    expect(verifySessionToken(key, token, NOW + (SESSION_MAX_AGE_SECONDS - 1) * 1000)).toBe(true);
    expect(verifySessionToken(key, token, NOW + SESSION_MAX_AGE_SECONDS * 1000)).toBe(false);
  });

  it('a token signed under another password does not verify (changing APP_PASSWORD signs everyone out)', () => {
    const other = sessionKey('a different password');
    expect(verifySessionToken(other, createSessionToken(key, NOW), NOW)).toBe(false);
  });

  it('refuses a token whose expiry was pushed out', () => {
    const [v, expires, id, sig] = createSessionToken(key, NOW).split('.') as [string, string, string, string];
    const forged = [v, String(Number(expires) + 365 * 86_400), id, sig].join('.');
    expect(verifySessionToken(key, forged, NOW)).toBe(false);
  });

  it('refuses a token with any single character of the signature or id changed', () => {
    const token = createSessionToken(key, NOW);
    for (let i = 0; i < token.length; i++) {
      const c = token[i] === 'A' ? 'B' : 'A';
      const tampered = token.slice(0, i) + c + token.slice(i + 1);
      if (tampered === token) continue;
      expect(verifySessionToken(key, tampered, NOW), `position ${i}`).toBe(false);
    }
  });

  it.each([
    undefined,
    '',
    'garbage',
    'v1...',
    'v1.9999999999.x.',
    'v2.9999999999.abc.def',
    'v1.-5.abc.def',
    'v1.1e10.abc.def',
    'v1.9999999999.abc.def.extra',
    `v1.9999999999.abc.${'A'.repeat(300)}`,
  ])('refuses the malformed token %j without throwing', (token) => {
    expect(verifySessionToken(key, token, NOW)).toBe(false);
  });

  it('derives the same key for the same password (cached) and a different one otherwise', () => {
    expect(sessionKey('correct horse battery staple').equals(key)).toBe(true);
    expect(sessionKey('correct horse battery stapl').equals(key)).toBe(false);
    expect(key).toHaveLength(32);
  });
});

describe('passwordMatches', () => {
  it('compares exactly, whatever the lengths', () => {
    expect(passwordMatches('secret-password', 'secret-password')).toBe(true);
    expect(passwordMatches('secret-passwor', 'secret-password')).toBe(false);
    expect(passwordMatches('secret-password-and-more', 'secret-password')).toBe(false);
    expect(passwordMatches('', 'secret-password')).toBe(false);
    expect(passwordMatches('Secret-password', 'secret-password')).toBe(false);
    expect(passwordMatches('pässwörd-ünïcode', 'pässwörd-ünïcode')).toBe(true);
  });
});

describe('cookies', () => {
  it('the session cookie is HttpOnly, SameSite=Lax, 30 days, and Secure only over https', () => {
    const plain = sessionCookie('tok', { secure: false, nowMs: NOW });
    expect(plain).toBe(
      `${SESSION_COOKIE}=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000; Expires=${new Date(NOW + 2_592_000_000).toUTCString()}`,
    );
    expect(sessionCookie('tok', { secure: true, nowMs: NOW })).toMatch(/; Secure$/);
  });

  it('sign-out clears it', () => {
    expect(clearedSessionCookie({ secure: false })).toMatch(new RegExp(`^${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`));
  });

  it('https is read from x-forwarded-proto', () => {
    expect(isHttps(new Headers({ 'x-forwarded-proto': 'https' }))).toBe(true);
    expect(isHttps(new Headers({ 'x-forwarded-proto': 'http' }))).toBe(false);
    expect(isHttps(new Headers())).toBe(false);
  });
});
