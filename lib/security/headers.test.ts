import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, createNonce, STATIC_SECURITY_HEADERS } from './headers';

function directives(csp: string): Map<string, string> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values.join(' ')]));
}

describe('contentSecurityPolicy', () => {
  it('allows only scripts with the nonce, and forbids framing, plugins and <base>', () => {
    const csp = directives(contentSecurityPolicy('abc123=='));
    expect(csp.get('script-src')).toBe("'self' 'nonce-abc123==' 'strict-dynamic'");
    expect(csp.get('script-src')).not.toContain('unsafe-inline');
    expect(csp.get('script-src')).not.toContain('unsafe-eval');
    expect(csp.get('object-src')).toBe("'none'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.get('base-uri')).toBe("'self'");
    expect(csp.get('img-src')).toBe("'self' data: blob:");
    expect(csp.get('style-src')).toBe("'self' 'unsafe-inline'");
    expect(csp.get('default-src')).toBe("'self'");
  });

  it('adds unsafe-eval only in development', () => {
    expect(directives(contentSecurityPolicy('n', { dev: true })).get('script-src')).toContain("'unsafe-eval'");
  });
});

describe('createNonce', () => {
  it('is 128 random bits, new every time', () => {
    const a = createNonce();
    expect(Buffer.from(a, 'base64')).toHaveLength(16);
    expect(createNonce()).not.toBe(a);
  });
});

describe('STATIC_SECURITY_HEADERS', () => {
  it('sets nosniff, no-referrer and DENY', () => {
    expect(Object.fromEntries(STATIC_SECURITY_HEADERS.map((h) => [h.key, h.value]))).toEqual({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
    });
  });
});
