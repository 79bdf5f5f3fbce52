import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWith } from '@/lib/api/request';
import { ApiError } from '@/lib/api/errors';
import {
  MARK_END,
  MARK_START,
  MAX_TERMS,
  likeContains,
  mergeRanked,
  parseSearchTerms,
  planSearch,
  searchQuerySchema,
  segmentsText,
  snippetSegments,
  substringSnippet,
} from './search';

const S = MARK_START;
const E = MARK_END;

describe('planSearch: words', () => {
  it('each word becomes a quoted prefix phrase, all required', () => {
    expect(planSearch('hello world')).toEqual({
      terms: [
        { index: 'words', text: 'hello', prefix: true },
        { index: 'words', text: 'world', prefix: true },
      ],
      words: '"hello"* AND "world"*',
      trigram: null,
      like: [],
    });
  });

  it('a typed "exact phrase" stays one phrase, without a prefix', () => {
    expect(planSearch('"hello world" again')?.words).toBe('"hello world" AND "again"*');
  });

  it('punctuation inside a word keeps its parts together as a phrase', () => {
    expect(planSearch('node.js e-mail')?.words).toBe('"node js"* AND "e mail"*');
    expect(planSearch("don't")?.words).toBe('"don t"*');
  });

  it('keeps case and accents for the tokenizer to fold', () => {
    expect(planSearch('CAFÉ')?.words).toBe('"CAFÉ"*');
  });

  it('FTS operators and syntax characters are never syntax', () => {
    expect(planSearch('a OR b')?.words).toBe('"a"* AND "OR"* AND "b"*');
    expect(planSearch('NOT NEAR AND')?.words).toBe('"NOT"* AND "NEAR"* AND "AND"*');
    expect(planSearch('col:val -neg +pos ^start (group) {x y} [z] a*')?.words).toBe(
      '"col val"* AND "neg"* AND "pos"* AND "start"* AND "group"* AND "x"* AND "y"* AND "z"* AND "a"*',
    );
    expect(planSearch('NEAR(a b, 3)')?.words).toBe('"NEAR a"* AND "b"* AND "3"*');
  });

  it('an unbalanced quote is ignored; the words around it are searched', () => {
    expect(planSearch('"unbalanced (quote* OR')?.words).toBe('"unbalanced"* AND "quote"* AND "OR"*');
    expect(planSearch('say "hi')?.words).toBe('"say"* AND "hi"*');
    expect(planSearch('"a" "b')?.words).toBe('"a" AND "b"*');
  });

  it('a double quote never ends up unescaped inside a phrase', () => {
    // Quotes pair up left to right: "" and " " are empty phrases, a and b plain words.
    expect(planSearch('x""y """ "a""b"')?.words).toBe('"x"* AND "y"* AND "a"* AND "b"*');
    expect(planSearch('"say ""hi"""')?.words).toBe('"say" AND "hi"');
  });

  it('emoji separate words and are otherwise dropped', () => {
    expect(planSearch('🙂hello👍🏽world')?.words).toBe('"hello world"*');
    expect(planSearch('❤️ ok')?.words).toBe('"ok"*');
  });

  it('nothing searchable left → null', () => {
    for (const input of ['', '   ', '""', '" "', '***', '- + ( ) : ^', '🙂👍🏽❤️', '"', '\u0000\u0001\u0002', '{}[]']) {
      expect(planSearch(input)).toBeNull();
    }
  });

  it('duplicate terms count once; at most MAX_TERMS terms', () => {
    expect(planSearch('cat Cat cat')?.words).toBe('"cat"* AND "Cat"*');
    const many = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    expect(parseSearchTerms(many)).toHaveLength(MAX_TERMS);
  });

  it('digits and other alphabets are words too', () => {
    expect(planSearch('2024 привет Ελλάδα مرحبا')?.words).toBe('"2024"* AND "привет"* AND "Ελλάδα"* AND "مرحبا"*');
  });
});

describe('planSearch: scripts written without spaces', () => {
  it('Chinese, Japanese, Korean, Thai words of 3+ characters go to the trigram index as substrings', () => {
    expect(planSearch('咖啡馆')).toEqual({
      terms: [{ index: 'trigram', text: '咖啡馆' }],
      words: null,
      trigram: '"咖啡馆"',
      like: [],
    });
    expect(planSearch('コーヒー')?.trigram).toBe('"コーヒー"');
    expect(planSearch('커피숍')?.trigram).toBe('"커피숍"');
    expect(planSearch('กาแฟร้อน')?.trigram).toBe('"กาแฟร้อน"');
  });

  it('1–2 characters are too short for trigrams: LIKE substrings', () => {
    expect(planSearch('咖啡')).toEqual({ terms: [{ index: 'like', text: '咖啡' }], words: null, trigram: null, like: ['咖啡'] });
    expect(planSearch('커피 茶')?.like).toEqual(['커피', '茶']);
  });

  it('punctuation splits CJK words too', () => {
    expect(planSearch('咖啡馆，在工作。')?.trigram).toBe('"咖啡馆" AND "在工作"');
    expect(planSearch('コーヒー・ショップ')?.trigram).toBe('"コーヒー" AND "ショップ"');
  });

  it('a word mixing Latin and CJK is one substring; Latin words beside it stay words', () => {
    expect(planSearch('iPhone手机')?.trigram).toBe('"iPhone手机"');
    const mixed = planSearch('coffee 咖啡馆 咖啡 tea-time');
    expect(mixed).toEqual({
      terms: [
        { index: 'words', text: 'coffee', prefix: true },
        { index: 'trigram', text: '咖啡馆' },
        { index: 'like', text: '咖啡' },
        { index: 'words', text: 'tea time', prefix: true },
      ],
      words: '"coffee"* AND "tea time"*',
      trigram: '"咖啡馆"',
      like: ['咖啡'],
    });
    // Split by punctuation within one chunk: the Latin part is its own word.
    expect(planSearch('ok，咖啡馆')).toMatchObject({ words: '"ok"*', trigram: '"咖啡馆"' });
  });

  it('a quoted phrase containing CJK is one substring, spaces kept (collapsed)', () => {
    expect(planSearch('"在  咖啡馆"')?.trigram).toBe('"在 咖啡馆"');
    expect(planSearch('"咖 啡"')?.trigram).toBe('"咖 啡"');
    expect(planSearch('"咖啡"')?.like).toEqual(['咖啡']);
  });
});

describe('likeContains', () => {
  it('escapes LIKE wildcards with !', () => {
    expect(likeContains('咖啡')).toBe('%咖啡%');
    expect(likeContains('50%_off!')).toBe('%50!%!_off!!%');
  });
});

describe('snippetSegments', () => {
  it('splits on the markers', () => {
    expect(snippetSegments(`…I love the ${S}café${E} downstairs…`)).toEqual([
      { text: '…I love the ', highlight: false },
      { text: 'café', highlight: true },
      { text: ' downstairs…', highlight: false },
    ]);
  });

  it('keeps HTML as text (the UI renders segments, never markup)', () => {
    const segments = snippetSegments(`<img src=x onerror=alert(1)> ${S}<b>${E}`);
    expect(segments).toEqual([
      { text: '<img src=x onerror=alert(1)> ', highlight: false },
      { text: '<b>', highlight: true },
    ]);
  });

  it('collapses whitespace and trims the ends', () => {
    expect(snippetSegments(`\n  a\n\n\tb ${S}c${E}  \n`)).toEqual([
      { text: 'a b ', highlight: false },
      { text: 'c', highlight: true },
    ]);
  });

  it('merges neighbours, drops empties, survives unbalanced markers', () => {
    expect(snippetSegments(`${S}a${E}${S}b${E}`)).toEqual([{ text: 'ab', highlight: true }]);
    expect(snippetSegments(`${S}${E}x`)).toEqual([{ text: 'x', highlight: false }]);
    expect(snippetSegments(`a${E}b${S}c`)).toEqual([
      { text: 'ab', highlight: false },
      { text: 'c', highlight: true },
    ]);
    expect(snippetSegments('')).toEqual([]);
  });

  it('segmentsText is the plain text', () => {
    expect(segmentsText(snippetSegments(`x ${S}y${E} z`))).toBe('x y z');
  });
});

describe('substringSnippet', () => {
  it('marks every occurrence around the first one, with … where cut', () => {
    const content = '今天天气很好。'.repeat(5) + '我喜欢咖啡，咖啡很好喝。' + '再见'.repeat(20);
    const raw = substringSnippet(content, ['咖啡'], 20);
    expect(raw.startsWith('…')).toBe(true);
    expect(raw.endsWith('…')).toBe(true);
    expect(raw).toContain(`${S}咖啡${E}，${S}咖啡${E}`);
  });

  it('whole short message: no ellipsis; ASCII case-insensitive', () => {
    expect(substringSnippet('Abc咖', ['abc咖'])).toBe(`${S}Abc咖${E}`);
  });

  it('never splits a surrogate pair', () => {
    const raw = substringSnippet('😀'.repeat(30) + '茶' + '😀'.repeat(30), ['茶'], 10);
    expect(raw).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(raw).toContain(`${S}茶${E}`);
  });
});

describe('substringSnippet of an excerpt (a file\'s text, cut in SQL)', () => {
  it('adds … where the excerpt itself was cut, once', () => {
    expect(substringSnippet('a 咖啡 b', ['咖啡'], 40, { start: true, end: true })).toBe(`…a ${S}咖啡${E} b…`);
    expect(substringSnippet('a 咖啡 b', ['咖啡'], 40, { start: false, end: true })).toBe(`a ${S}咖啡${E} b…`);
    const long = '茶'.repeat(100) + '咖啡' + '茶'.repeat(100);
    const raw = substringSnippet(long, ['咖啡'], 20, { start: true, end: true });
    expect(raw.match(/…/g)).toHaveLength(2);
    expect(substringSnippet('abc', [], 40, { start: true, end: false })).toBe('…abc');
  });
});

describe('mergeRanked', () => {
  const hit = (id: string, rank: number | null, createdAt: number) => ({ id, rank, createdAt });
  it('orders by bm25 (lower first), then newest first, and keeps the best `limit`', () => {
    const messages = [hit('m1', -3, 1), hit('m2', -1, 5)];
    const files = [hit('f1', -2, 2), hit('f2', -1, 9)];
    expect(mergeRanked([messages, files], 10).map((h) => h.id)).toEqual(['m1', 'f1', 'f2', 'm2']);
    expect(mergeRanked([messages, files], 2).map((h) => h.id)).toEqual(['m1', 'f1']);
    expect(mergeRanked([[], files], 10).map((h) => h.id)).toEqual(['f1', 'f2']);
  });

  it('a tie keeps the order of the lists (a message before its file)', () => {
    expect(mergeRanked([[hit('m', -1, 3)], [hit('f', -1, 3)]], 10).map((h) => h.id)).toEqual(['m', 'f']);
  });

  it('unscored hits (substring scans) come newest first, after any scored one', () => {
    const merged = mergeRanked([[hit('old', null, 1), hit('scored', -0.5, 0)], [hit('new', null, 7)]], 10);
    expect(merged.map((h) => h.id)).toEqual(['scored', 'new', 'old']);
  });
});

describe('searchQuerySchema', () => {
  it('trims q; limit defaults to 20', () => {
    expect(parseWith(searchQuerySchema, { q: '  hi ' })).toEqual({ q: 'hi', limit: 20 });
    expect(parseWith(searchQuerySchema, { q: 'hi', limit: '50' })).toEqual({ q: 'hi', limit: 50 });
  });

  it.each([{}, { q: '' }, { q: '   ' }, { q: 'x'.repeat(501) }, { q: 'a', limit: '0' }, { q: 'a', limit: '51' }, { q: 'a', limit: 'x' }])(
    'rejects %j with a 400',
    (input) => {
      expect(() => parseWith(searchQuerySchema, input)).toThrow(ApiError);
    },
  );

  it('accepts 500 characters after trimming', () => {
    expect(parseWith(searchQuerySchema, { q: ` ${'x'.repeat(500)} ` }).q).toHaveLength(500);
  });
});

describe('under random input', () => {
  const nasty = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 60 }),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.array(fc.constantFrom('"', '*', '^', ':', '(', ')', '-', '+', 'NEAR', 'AND', 'OR', 'NOT', '{', '}', '[', ']', ' ', 'a', '咖啡馆', '茶', '🙂', '\u0001', 'é'), { maxLength: 20 }).map((a) => a.join('')),
  );

  it('planSearch never throws, and every phrase is a well-formed FTS5 string', () => {
    fc.assert(
      fc.property(nasty, (input) => {
        const plan = planSearch(input);
        if (!plan) return;
        expect(plan.terms.length).toBeGreaterThan(0);
        expect(plan.terms.length).toBeLessThanOrEqual(MAX_TERMS);
        for (const expr of [plan.words, plan.trigram]) {
          if (expr === null) continue;
          // Strip the phrases ("…" with "" inside); only AND and * may remain.
          expect(expr.replace(/"(?:[^"]|"")*"\*?/g, 'P')).toMatch(/^P( AND P)*$/);
        }
        for (const term of plan.terms) expect(term.text).toMatch(/[\p{L}\p{N}]/u);
      }),
      { numRuns: 2000 },
    );
  });

  it('snippetSegments never throws and loses no text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (raw) => {
        const plain = raw.replace(/[\u0001\u0002]/g, '').replace(/\s+/g, ' ').trim();
        expect(segmentsText(snippetSegments(raw))).toBe(plain);
      }),
      { numRuns: 1000 },
    );
  });
});
