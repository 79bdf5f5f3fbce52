import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWith } from '@/lib/api/request';
import { ApiError } from '@/lib/api/errors';
import {
  MARK_END,
  MARK_START,
  MAX_TERMS,
  foldSearchText,
  likeContains,
  mergeRanked,
  parseSearchTerms,
  planSearch,
  postgresLocatePattern,
  postgresPhrasePattern,
  postgresTsQuery,
  searchQuerySchema,
  segmentsText,
  snippetSegments,
  substringSnippet,
  trigramSnippet,
  wordSnippet,
  type SearchTerm,
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

describe('postgresTsQuery', () => {
  const terms = (q: string) => planSearch(q)!.terms;

  it('each word a quoted prefix operand, all required', () => {
    expect(postgresTsQuery(terms('hello World'))).toBe("'hello':* & 'World':*");
  });

  it('a phrase is <->, prefix on its last word only; an exact phrase has no prefix', () => {
    expect(postgresTsQuery(terms('node.js "quick brown"'))).toBe("('node' <-> 'js':*) & ('quick' <-> 'brown')");
    expect(postgresTsQuery(terms('node.js "quick brown"'), { phrases: false })).toBe("('node' & 'js':*) & ('quick' & 'brown')");
  });

  it('leaves folding to the configuration, and substrings to the other indexes', () => {
    expect(postgresTsQuery(terms('CAFÉ 咖啡馆 咖啡'))).toBe("'CAFÉ':*");
    expect(postgresTsQuery(terms('咖啡馆 咖啡'))).toBeNull();
  });

  it('operators typed by a user are only ever words', () => {
    expect(postgresTsQuery(terms('a & b | !c <-> d:* (e)'))).toBe("'a':* & 'b':* & 'c':* & 'd':* & 'e':*");
    expect(postgresTsQuery(terms('"unbalanced (quote* OR'))).toBe("'unbalanced':* & 'quote':* & 'OR':*");
  });

  it('quotes and backslashes inside an operand are escaped (the parser never leaves them, but still)', () => {
    const odd: SearchTerm[] = [{ index: 'words', text: "it's a\\b", prefix: true }];
    expect(postgresTsQuery(odd)).toBe("('it''s' <-> 'a\\\\b':*)");
  });
});

describe('foldSearchText', () => {
  it('drops diacritics and case, composed or not, and the letters unaccent spells out', () => {
    for (const w of ['café', 'CAFÉ', 'cafe\u0301', 'Cafe']) expect(foldSearchText(w)).toBe('cafe');
    expect(foldSearchText('Straße Øre Łódź Æon')).toBe('strasse ore lodz aeon');
    expect(foldSearchText('Привет Ἀθῆναι')).toBe('привет αθηναι');
  });
});

describe('wordSnippet (FTS5 snippet() in JavaScript, for PostgreSQL)', () => {
  const snip = (content: string, q: string, clipped?: { start: boolean; end: boolean }) =>
    wordSnippet(content, planSearch(q)!.terms, 12, clipped).replaceAll(S, '[').replaceAll(E, ']');

  it('a short text is whole, the prefix match marked', () => {
    expect(snip('Hello there, general Kenobi.', 'hel')).toBe('[Hello] there, general Kenobi.');
    expect(snip('Meet me at the café at noon', 'CAFE')).toBe('Meet me at the [café] at noon');
    expect(snip('cafe\u0301 au lait', 'café')).toBe('[cafe\u0301] au lait');
  });

  it('a long text: 12 words around the match, … where cut', () => {
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`);
    words[30] = 'needle';
    expect(snip(words.join(' '), 'needle')).toBe('…w25 w26 w27 w28 w29 [needle] w31 w32 w33 w34 w35 w36…');
  });

  it('a phrase is marked as one, punctuation inside kept', () => {
    expect(snip('the quick brown fox', '"quick brown"')).toBe('the [quick brown] fox');
    expect(snip('node.js is great', 'node.js')).toBe('[node.js] is great');
    expect(snip('brown and quick', '"quick brown"')).toBe('brown and quick');
  });

  it('prefers a window starting a sentence, as FTS5 does', () => {
    const text = 'First sentence here. Second sentence has the word target in it and more words after that go on and on';
    expect(snip(text, 'target')).toBe('…Second sentence has the word [target] in it and more words after…');
  });

  it('prefers the window with the most distinct terms', () => {
    const text = `alpha ${'x '.repeat(30)}alpha beta ${'y '.repeat(30)}end`;
    expect(snip(text, 'alpha beta')).toMatch(/\[alpha\] \[beta\]/);
  });

  it('an excerpt: words cut at its ends are left out, … on both sides', () => {
    expect(snip('xx w1 w2 needle w4 yy', 'needle', { start: true, end: true })).toBe('…w1 w2 [needle] w4…');
    expect(snip('xx w1 w2 needle w4 yy', 'needle', { start: false, end: true })).toBe('xx w1 w2 [needle] w4…');
  });

  it('no match (or none recognisable): the first words, and markers in the text never count', () => {
    expect(snip('nothing here \u0001 at all', 'zebra')).toBe('nothing here   at all');
  });

  it("is FTS5's snippet(): the same output for the same text and query (property, against SQLite)", () => {
    const fts = new Database(':memory:');
    fts.exec("CREATE VIRTUAL TABLE t USING fts5(content, tokenize='unicode61 remove_diacritics 2')");
    const insert = fts.prepare('INSERT INTO t(rowid, content) VALUES (1, ?)');
    const snippet = fts.prepare("SELECT snippet(t, 0, ?, ?, '…', 12) AS s FROM t WHERE t MATCH ?");
    const vocabulary = ['apple', 'Apple', 'café', 'CAFE', 'cafe\u0301', 'naïve', 'the', 'quick', 'brown', 'fox', 'node', 'js', 'w1', '42', 'Über', 'straße'];
    const separators = [' ', ' ', ' ', ', ', '. ', ': ', '\n', '-', '.', ' (', ') ', '  '];
    const text = fc
      .array(fc.tuple(fc.constantFrom(...vocabulary), fc.constantFrom(...separators)), { maxLength: 60 })
      .chain((words) => fc.constantFrom('', ' ', '. ').map((lead) => lead + words.map(([w, sep]) => w + sep).join('')));
    const query = fc
      .array(fc.tuple(fc.constantFrom(...vocabulary), fc.nat(4)), { minLength: 1, maxLength: 3 })
      .chain((words) =>
        fc.boolean().map((quoted) => {
          const typed = words.map(([w, cut]) => ([...w].length > cut + 1 ? [...w].slice(0, [...w].length - cut).join('') : w));
          return quoted ? `"${typed.join(' ')}"` : typed.join(' ');
        }),
      );
    fc.assert(
      fc.property(text, query, (content, q) => {
        const plan = planSearch(q);
        if (!plan?.words) return;
        fts.exec('DELETE FROM t');
        insert.run(content);
        const row = snippet.get(S, E, plan.words) as { s: string } | undefined;
        if (!row) return; // no match: nothing to compare (PostgreSQL only snippets what matched)
        expect(wordSnippet(content, plan.terms, 12)).toBe(row.s);
      }),
      { numRuns: 2000 },
    );
    fts.close();
  });
});

describe('trigramSnippet (FTS5 snippet() of the trigram index, in JavaScript)', () => {
  it('about 24 characters around the first match, every occurrence marked', () => {
    const text = '第一章。'.repeat(10) + '我喜欢在咖啡馆工作，因为那里很安静。' + '第二章。'.repeat(10);
    const raw = trigramSnippet(text, ['咖啡馆'], 24).replaceAll(S, '[').replaceAll(E, ']');
    expect(raw).toBe('…一章。第一章。我喜欢在[咖啡馆]工作，因为那里很安静。第…');
    const marked = (text: string, substrings: string[]) => trigramSnippet(text, substrings, 24).replaceAll(S, '[').replaceAll(E, ']');
    expect(marked('咖啡馆 and 咖啡馆', ['咖啡馆'])).toBe('[咖啡馆] and [咖啡馆]');
    // Matches that overlap or touch are one.
    expect(marked('咖啡馆咖啡馆', ['咖啡馆'])).toBe('[咖啡馆咖啡馆]');
    expect(marked('x咖咖咖咖x', ['咖咖咖'])).toBe('x[咖咖咖咖]x');
    expect(marked('Café咖啡馆', ['CAFE咖啡'])).toBe('[Café咖啡]馆');
  });

  it("is FTS5's snippet(): the same output for the same text and query (property, against SQLite)", () => {
    const fts = new Database(':memory:');
    fts.exec("CREATE VIRTUAL TABLE t USING fts5(content, tokenize='trigram remove_diacritics 1')");
    const insert = fts.prepare('INSERT INTO t(rowid, content) VALUES (1, ?)');
    const snippet = fts.prepare("SELECT snippet(t, 0, ?, ?, '…', 24) AS s FROM t WHERE t MATCH ?");
    const vocabulary = ['咖啡馆', '咖啡', '馆', '工作', '我喜欢', 'コーヒー', '커피숍', 'กาแฟ', 'Café', 'CAFE', 'ok', '。', '，', ' ', '. ', ': ', '\n'];
    const text = fc.array(fc.constantFrom(...vocabulary), { maxLength: 40 }).map((a) => a.join(''));
    const query = fc
      .array(fc.constantFrom('咖啡馆', '我喜欢', 'コーヒー', '커피숍', 'กาแฟ', '在咖啡馆工作', '咖啡馆工作', '馆馆馆', 'cafe咖啡', '"Café咖啡馆"'), { minLength: 1, maxLength: 2 })
      .map((a) => a.join(' '));
    fc.assert(
      fc.property(text, query, (content, q) => {
        const plan = planSearch(q)!;
        fts.exec('DELETE FROM t');
        insert.run(content);
        const row = snippet.get(S, E, plan.trigram) as { s: string } | undefined;
        if (!row) return;
        const substrings = plan.terms.flatMap((t) => (t.index === 'trigram' ? [t.text] : []));
        expect(trigramSnippet(content, substrings, 24)).toBe(row.s);
      }),
      { numRuns: 1000 },
    );
    fts.close();
  });
});

describe('PostgreSQL patterns (checked here as JavaScript regular expressions)', () => {
  // The same pattern in JavaScript: [[:alnum:]] is PostgreSQL's letters and digits.
  const js = (pattern: string) => new RegExp(pattern.replaceAll('[[:alnum:]]', '[\\p{L}\\p{N}]').replaceAll('[^[:alnum:]]', '[^\\p{L}\\p{N}]'), 'iu');

  it('locates the start of a word matching any term\'s first word as a prefix, in any case and accents', () => {
    const pattern = js(postgresLocatePattern(planSearch('cafe muller')!.terms)!);
    expect('Meet at the Café Müller'.search(pattern)).toBe(12);
    expect('a cafe\u0301 here'.search(pattern)).toBe(2);
    expect('décafé MÜLLERS'.search(pattern)).toBe(7);
    expect('nothing'.search(pattern)).toBe(-1);
    expect(postgresLocatePattern(planSearch('咖啡馆')!.terms)).toBeNull();
  });

  it('a phrase: its words in order with anything but letters between, the last a prefix for a prefix term', () => {
    const exact = js(postgresPhrasePattern(planSearch('"quick brown"')!.terms[0] as SearchTerm & { index: 'words' }));
    expect(exact.test('the Quick, BRÖWN fox')).toBe(true);
    expect(exact.test('quick browns')).toBe(false);
    expect(exact.test('xquick brown')).toBe(false);
    expect(exact.test('brown quick')).toBe(false);
    const prefix = js(postgresPhrasePattern(planSearch('node.js')!.terms[0] as SearchTerm & { index: 'words' }));
    expect(prefix.test('I like Node.JSON')).toBe(true);
    expect(prefix.test('node and js')).toBe(false);
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

  it('wordSnippet never throws, marks in pairs, and shows only a slice of the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 120 }), nasty, fc.boolean(), fc.boolean(), (content, query, start, end) => {
        const plan = planSearch(query);
        if (!plan) return;
        const raw = wordSnippet(content, plan.terms, 12, { start, end });
        expect(raw.replace(/[^\u0001\u0002]/g, '')).toMatch(/^(\u0001\u0002)*$/);
        const plain = raw.replace(/[\u0001\u0002]/g, '').replace(/^…/, '').replace(/…$/, '');
        expect(content.replace(/[\u0001\u0002]/g, ' ')).toContain(plain);
      }),
      { numRuns: 1000 },
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
