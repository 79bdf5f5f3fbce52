import { describe, it, expect } from 'vitest';
import { parseDirectives } from './directives';

describe('parseDirectives', () => {
  it('returns the text untouched when there are no directives', () => {
    expect(parseDirectives('  just a question?  ')).toEqual({ directives: {}, text: 'just a question?', ignored: [] });
  });

  it('parses every numeric directive and strips them from the text', () => {
    const parsed = parseDirectives(
      'hello [[delay=25]] [[ttfb=300]] [[status=503]] [[retry-after=7]] [[cut=4]] [[malformed=2]] [[tokens=12]] world',
    );
    expect(parsed.directives).toEqual({
      delayMs: 25,
      ttfbMs: 300,
      status: 503,
      retryAfterSeconds: 7,
      cutAfter: 4,
      malformedAfter: 2,
      tokens: 12,
    });
    expect(parsed.text).toBe('hello world');
    expect(parsed.ignored).toEqual([]);
  });

  it('percent-decodes reply so tests can send markdown, HTML and newlines', () => {
    const parsed = parseDirectives('[[reply=%3Cscript%3Ealert(1)%3C%2Fscript%3E%0A**bold**%20%F0%9F%98%80]] hi');
    expect(parsed.directives.reply).toBe('<script>alert(1)</script>\n**bold** 😀');
    expect(parsed.text).toBe('hi');
  });

  it('keeps a reply with an invalid percent sequence as written, and allows an empty reply', () => {
    expect(parseDirectives('[[reply=100% sure]]').directives.reply).toBe('100% sure');
    expect(parseDirectives('[[reply=]]').directives.reply).toBe('');
  });

  it('lets a reply contain "=", spaces and a single "]"', () => {
    expect(parseDirectives('[[reply=a=b ]c]]').directives.reply).toBe('a=b ]c');
  });

  it('supports bare forms with documented defaults', () => {
    expect(parseDirectives('[[cut]]').directives).toEqual({ cutAfter: 3 });
    expect(parseDirectives('[[malformed]]').directives).toEqual({ malformedAfter: 3 });
    expect(parseDirectives('[[status]]').directives).toEqual({ status: 500 });
    // No sensible default for these: ignored.
    expect(parseDirectives('[[delay]] [[tokens]] [[reply]]')).toEqual({
      directives: {},
      text: '',
      ignored: ['delay', 'tokens', 'reply'],
    });
  });

  it('ignores invalid numbers', () => {
    const parsed = parseDirectives('[[delay=-5]] [[tokens=1.5]] [[ttfb=abc]] [[cut=]] [[status=200]] [[status=600]]');
    expect(parsed.directives).toEqual({});
    expect(parsed.ignored).toEqual(['delay', 'tokens', 'ttfb', 'cut', 'status', 'status']);
  });

  it('clamps huge values', () => {
    const parsed = parseDirectives('[[delay=999999]] [[tokens=5000000]] [[ttfb=70000]]');
    expect(parsed.directives).toEqual({ delayMs: 60_000, tokens: 200_000, ttfbMs: 60_000 });
  });

  it('ignores (but strips) unknown directives', () => {
    const parsed = parseDirectives('[[frobnicate=3]] tell me [[xyzzy]]');
    expect(parsed.directives).toEqual({});
    expect(parsed.text).toBe('tell me');
    expect(parsed.ignored).toEqual(['frobnicate', 'xyzzy']);
  });

  it('is case-insensitive in names, and the last occurrence wins', () => {
    expect(parseDirectives('[[DELAY=5]] [[Delay=9]]').directives).toEqual({ delayMs: 9 });
  });

  it('leaves text that merely looks like brackets alone', () => {
    expect(parseDirectives('see [[Main Page]] and [x]').text).toBe('see [[Main Page]] and [x]');
  });
});

describe('[[once]]', () => {
  it('is parsed as a flag and stripped', () => {
    const parsed = parseDirectives('hi [[once]] [[status=500]]');
    expect(parsed.directives).toEqual({ once: true, status: 500 });
    expect(parsed.text).toBe('hi');
  });
});
