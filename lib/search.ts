import { z } from 'zod';

/**
 * Full-text search, the pure half: turns what someone types into the search box into safe SQLite
 * FTS5 queries (and the same plan into PostgreSQL's forms: the section at the end), and FTS5
 * snippets into highlight segments. No database, no I/O (db/search.ts runs
 * the queries against the two indexes of messages, db/migrations/0002_search_index.sql, and the
 * same two of attached files' texts, files_fts and files_trigram of 0005_attachments_projects.sql,
 * built with the same tokenizers: one plan serves both, and what is said below of messages holds
 * for files).
 *
 * Rules (user input never reaches MATCH as written):
 *  - The input is split into chunks at whitespace; text between a pair of double quotes is one
 *    chunk, an exact phrase. A quote without its partner is ignored.
 *  - Inside a chunk only letters and digits count (runs of \p{L}\p{N}, with their combining marks);
 *    everything else — FTS syntax (* ^ : ( ) - + { } [ ]), punctuation, emoji — separates words,
 *    as the unicode61 tokenizer does. A chunk with no letter or digit is dropped. AND, OR, NOT and
 *    NEAR are searched for as words, never read as operators.
 *  - A chunk in a script written with spaces (Latin, Cyrillic, Greek, Arabic, …) becomes one quoted
 *    phrase of its words for the word index `messages_fts`, ending in `*` so it matches as a prefix
 *    ("hel" finds "hello"; "node.js" → `"node js"*`). Exact phrases get no `*`. Matching is case- and
 *    diacritic-insensitive (the index folds both: cafe ⇄ café ⇄ CAFÉ).
 *  - A word containing Chinese, Japanese, Korean, Thai, Lao, Khmer or Myanmar characters (the ranges
 *    of the migration's GLOB) is searched as a substring in the trigram index `messages_trigram`
 *    (咖啡馆 finds 我喜欢在咖啡馆工作). An exact phrase containing them is one substring, spaces and all.
 *  - Such a term of only 1–2 characters is too short for trigrams (咖啡, 커피): it is matched with
 *    `content LIKE '%…%'` over finished messages instead. Alongside another term that narrows the
 *    rows through an index this is a cheap filter; alone it is a scan of the messages table,
 *    newest first rather than ranked — acceptable for a personal history of some thousands of
 *    chats, and better than finding nothing for the most common two-character words.
 *  - Every term must match (AND), across both indexes: a message must match all of them.
 *  - At most MAX_TERMS terms are used; duplicates count once.
 */

export const MAX_QUERY_CHARS = 500;
export const MAX_TERMS = 16;

/** GET /api/search?q=&limit= */
export const searchQuerySchema = z.object({
  q: z
    .string()
    .transform((q) => q.trim())
    .pipe(
      z
        .string()
        .min(1, 'q must not be empty')
        .max(MAX_QUERY_CHARS, `q must be at most ${MAX_QUERY_CHARS} characters`),
    ),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

/** Scripts written without spaces between words: the same ranges as the trigram index's GLOB. */
const UNSPACED_SCRIPT = /[\u3400-\u4DBF\u4E00-\u9FFF\u3041-\u30FF\uAC00-\uD7A3\u0E01-\u0E5B\u0E81-\u0EDD\u1780-\u17F9\u1000-\u109F]/u;
/** A word as the unicode61 tokenizer sees it: letters and digits, with any combining marks. */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu;
const HAS_WORD = /[\p{L}\p{N}]/u;
/** Quoted phrases, or runs of anything that is neither space nor a quote. */
const CHUNK = /"([^"]*)"|[^\s"]+/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Trigram queries need at least this many characters. */
export const MIN_TRIGRAM_CHARS = 3;

export type SearchTerm =
  /** A phrase of words for messages_fts; `prefix`: its last word may be the start of a longer one. */
  | { index: 'words'; text: string; prefix: boolean }
  /** A substring (≥ 3 characters) for messages_trigram. */
  | { index: 'trigram'; text: string }
  /** A substring of 1–2 characters, matched with LIKE. */
  | { index: 'like'; text: string };

export type SearchPlan = {
  terms: SearchTerm[];
  /** FTS5 MATCH expression for messages_fts, or null when no term goes there. */
  words: string | null;
  /** FTS5 MATCH expression for messages_trigram, or null. */
  trigram: string | null;
  /** Substrings every message must also contain (LIKE '%…%'). */
  like: string[];
};

export function isUnspacedScript(text: string): boolean {
  return UNSPACED_SCRIPT.test(text);
}

/** An FTS5 string: the tokenizer sees the text; nothing inside is read as query syntax. */
export function ftsPhrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

function substringTerm(text: string): SearchTerm {
  return [...text].length >= MIN_TRIGRAM_CHARS ? { index: 'trigram', text } : { index: 'like', text };
}

/** The terms of a query, in the order typed (see the rules above). */
export function parseSearchTerms(input: string): SearchTerm[] {
  // Control characters (including the snippet markers) are never part of a search.
  const text = input
    .replace(LONE_SURROGATE, '\uFFFD')
    .normalize('NFC')
    .replace(/\p{Cc}/gu, ' ');
  const terms: SearchTerm[] = [];
  const seen = new Set<string>();
  const add = (term: SearchTerm) => {
    const key = `${term.index}:${term.index === 'words' && term.prefix ? '*' : ''}${term.text}`;
    if (seen.has(key) || terms.length >= MAX_TERMS) return;
    seen.add(key);
    terms.push(term);
  };
  for (const match of text.matchAll(CHUNK)) {
    const quoted = match[1];
    if (quoted !== undefined) {
      if (!HAS_WORD.test(quoted)) continue;
      if (isUnspacedScript(quoted)) add(substringTerm(quoted.replace(/\s+/g, ' ').trim()));
      else add({ index: 'words', text: (quoted.match(WORD) ?? []).join(' '), prefix: false });
      continue;
    }
    const words = match[0].match(WORD) ?? [];
    if (words.length === 0) continue;
    if (words.some(isUnspacedScript)) {
      for (const word of words) add(isUnspacedScript(word) ? substringTerm(word) : { index: 'words', text: word, prefix: true });
    } else {
      add({ index: 'words', text: words.join(' '), prefix: true });
    }
  }
  return terms;
}

/** The queries to run for what was typed, or null when nothing searchable is left. */
export function planSearch(input: string): SearchPlan | null {
  const terms = parseSearchTerms(input);
  if (terms.length === 0) return null;
  const words = terms.flatMap((t) => (t.index === 'words' ? [ftsPhrase(t.text) + (t.prefix ? '*' : '')] : []));
  const trigram = terms.flatMap((t) => (t.index === 'trigram' ? [ftsPhrase(t.text)] : []));
  return {
    terms,
    words: words.length ? words.join(' AND ') : null,
    trigram: trigram.length ? trigram.join(' AND ') : null,
    like: terms.flatMap((t) => (t.index === 'like' ? [t.text] : [])),
  };
}

/** A LIKE pattern matching `text` anywhere, with `!` as the escape character. */
export function likeContains(text: string): string {
  return `%${text.replace(/[!%_]/g, '!$&')}%`;
}

// ── Snippets ────────────────────────────────────────────────────────────────────────────────────

/**
 * snippet() wraps each match in these instead of HTML, so message text is never parsed as markup:
 * the UI renders segments as text and only the highlight flag becomes a <mark>.
 */
export const MARK_START = '\u0001';
export const MARK_END = '\u0002';

export type SnippetSegment = { text: string; highlight: boolean };

/** Splits a snippet marked with MARK_START/MARK_END into segments; whitespace runs become one space. */
export function snippetSegments(raw: string): SnippetSegment[] {
  const segments: SnippetSegment[] = [];
  let highlight = false;
  let text = '';
  const flush = () => {
    if (!text) return;
    const last = segments.at(-1);
    if (last && last.highlight === highlight) last.text += text;
    else segments.push({ text, highlight });
    text = '';
  };
  for (const ch of raw.replace(/\s+/g, ' ')) {
    if (ch === MARK_START || ch === MARK_END) {
      flush();
      highlight = ch === MARK_START;
    } else {
      text += ch;
    }
  }
  flush();
  const first = segments[0];
  if (first) first.text = first.text.trimStart();
  const last = segments.at(-1);
  if (last) last.text = last.text.trimEnd();
  return segments.filter((s) => s.text !== '');
}

export function segmentsText(segments: SnippetSegment[]): string {
  return segments.map((s) => s.text).join('');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A snippet built here for messages matched by LIKE alone (no FTS snippet() there): the text around
 * the first occurrence of any needle, every occurrence marked, "…" where it was cut. `clipped` says
 * that `content` is itself an excerpt of a longer text (a file's), cut at its start or end.
 */
export function substringSnippet(
  content: string,
  needles: string[],
  width = 40,
  clipped: { start: boolean; end: boolean } = { start: false, end: false },
): string {
  const usable = needles.filter((n) => n.length > 0).sort((a, b) => b.length - a.length);
  const chars = [...content.replace(/[\u0001\u0002]/g, ' ')];
  if (usable.length === 0) return (clipped.start ? '…' : '') + chars.slice(0, width).join('') + (chars.length > width || clipped.end ? '…' : '');
  const pattern = new RegExp(usable.map(escapeRegExp).join('|'), 'giu');
  // Work in code points so a cut never splits a surrogate pair.
  const text = chars.join('');
  const first = pattern.exec(text);
  const firstAt = first ? [...text.slice(0, first.index)].length : 0;
  const start = Math.max(0, firstAt - Math.floor(width / 4));
  const end = Math.min(chars.length, start + width);
  const window = chars.slice(start, end).join('');
  pattern.lastIndex = 0;
  const marked = window.replace(pattern, (m) => MARK_START + m + MARK_END);
  return (start > 0 || clipped.start ? '…' : '') + marked + (end < chars.length || clipped.end ? '…' : '');
}

// ── Merging hits ────────────────────────────────────────────────────────────────────────────────

/** A hit with its bm25 score (lower is better), or null when it was found by a substring scan. */
export type RankedHit = { rank: number | null; createdAt: number };

/**
 * The best `limit` of several ranked lists (message hits and file hits): by bm25, then newest
 * first; hits without a score (substring scans, which every list of one query shares) after any
 * with one, newest first. Ties keep the order of the lists, so a message's own text comes before a
 * file's. Each index scores against its own statistics (document count, average length), which
 * makes the scores comparable enough rather than equal: a word found in most of the files (say,
 * the only file there is) scores near zero and comes after the messages that contain it.
 */
export function mergeRanked<T extends RankedHit>(lists: T[][], limit: number): T[] {
  return lists
    .flat()
    .sort((a, b) => {
      if (a.rank !== b.rank) {
        if (a.rank === null) return 1;
        if (b.rank === null) return -1;
        return a.rank - b.rank;
      }
      return b.createdAt - a.createdAt;
    })
    .slice(0, limit);
}

// ── PostgreSQL ──────────────────────────────────────────────────────────────────────────────────
//
// The same plan on PostgreSQL (db/search-postgres.ts, db/migrations-pg/0001_search.sql): word terms
// become a to_tsquery expression for the `chat_search` configuration, which folds case and accents
// as the word index does; snippets of word matches are cut here, as FTS5's snippet() cuts them, from
// the message's text or an excerpt of a file's; regular expressions find a term's first match in a
// long text (where the excerpt is cut) and check an exact phrase where a long text's word positions
// are incomplete.

/** A tsquery operand: quoted, so the text is only ever a word for the configuration to normalise. */
function tsOperand(word: string): string {
  return `'${word.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/**
 * The to_tsquery('public.chat_search', …) text of the plan's word terms, all required (`&`), or
 * null when there are none. A term of several words is a phrase (`<->`: adjacent, in order) — or,
 * with `phrases: false`, just all of its words (for vectors without reliable positions); the last
 * word of a prefix term matches as a prefix (`:*`), as `"…"*` does in FTS5.
 */
export function postgresTsQuery(terms: SearchTerm[], { phrases = true }: { phrases?: boolean } = {}): string | null {
  const parts = terms.flatMap((term) => {
    if (term.index !== 'words') return [];
    const words = term.text.split(' ').filter(Boolean).map(tsOperand);
    if (words.length === 0) return [];
    if (term.prefix) words[words.length - 1] += ':*';
    return [words.length > 1 ? `(${words.join(phrases ? ' <-> ' : ' & ')})` : words[0]!];
  });
  return parts.length ? parts.join(' & ') : null;
}

/** Letters that fold to other letters without a canonical decomposition (as `unaccent` folds them). */
const SPECIAL_FOLDS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ħ: 'h',
  ı: 'i',
  ŀ: 'l',
  ŧ: 't',
  ſ: 's',
};
const SPECIAL_FOLD = new RegExp(`[${Object.keys(SPECIAL_FOLDS).join('')}]`, 'g');
const MARKS = /\p{M}/gu;

/** A word as the indexes compare it: without diacritics, lowercase (café, CAFÉ, cafe\u0301 → cafe). */
export function foldSearchText(text: string): string {
  return text
    .normalize('NFD')
    .replace(MARKS, '')
    .toLowerCase()
    .replace(SPECIAL_FOLD, (c) => SPECIAL_FOLDS[c]!)
    .normalize('NFC');
}

type Token = { start: number; end: number; fold: string };

function tokenize(text: string): Token[] {
  return [...text.matchAll(WORD)].map((m) => ({ start: m.index, end: m.index + m[0].length, fold: foldSearchText(m[0]) }));
}

type Instance = { phrase: number; pos: number; size: number };

/** Where each word term occurs among the tokens, in order of position (FTS5's phrase instances). */
function phraseInstances(tokens: Token[], terms: SearchTerm[]): Instance[] {
  const phrases = terms.flatMap((t) => (t.index === 'words' ? [{ words: t.text.split(' ').filter(Boolean).map(foldSearchText), prefix: t.prefix }] : []));
  const found: Instance[] = [];
  for (let pos = 0; pos < tokens.length; pos++) {
    phrases.forEach(({ words, prefix }, phrase) => {
      if (words.length === 0 || pos + words.length > tokens.length) return;
      const matches = words.every((word, k) => {
        const token = tokens[pos + k]!.fold;
        return prefix && k === words.length - 1 ? token.startsWith(word) : token === word;
      });
      if (matches) found.push({ phrase, pos, size: words.length });
    });
  }
  return found;
}

/**
 * A snippet of `text` around the word terms' matches, the way FTS5's snippet() makes one with the
 * unicode61 tokenizer (so both engines show the same): the window of `tokens` words with the most
 * distinct terms in it (a sentence start preferred), each match wrapped in MARK_START/MARK_END (a
 * phrase as one), "…" where the window was cut. `clipped` says that `text` is itself an excerpt of a
 * longer text, cut at its start or end (a word cut in two there is left out).
 */
export function wordSnippet(
  content: string,
  terms: SearchTerm[],
  tokens = 12,
  clipped: { start: boolean; end: boolean } = { start: false, end: false },
): string {
  const text = content.replace(/[\u0001\u0002]/g, ' ');
  let all = tokenize(text);
  if (clipped.start && all[0]?.start === 0) all = all.slice(1);
  if (clipped.end && all.at(-1)?.end === text.length) all = all.slice(0, -1);
  const end = clipped.end ? (all.at(-1)?.end ?? 0) : text.length;
  return ftsSnippet(text, all, phraseInstances(all, terms), tokens, clipped, end);
}

/**
 * The same for substrings, the way FTS5's snippet() makes one with the trigram tokenizer, whose
 * tokens are every three characters in a row (so a window of `tokens` is about as many characters):
 * the occurrences of the `substrings`, in any case and without diacritics, marked.
 */
export function trigramSnippet(
  content: string,
  substrings: string[],
  tokens = 24,
  clipped: { start: boolean; end: boolean } = { start: false, end: false },
): string {
  const text = content.replace(/[\u0001\u0002]/g, ' ');
  // One folded character for each character (a fold that would change the length is not made).
  const fold = (c: string) => {
    const f = foldSearchText(c);
    return [...f].length === 1 ? f : c.toLowerCase();
  };
  const chars = [...text];
  const folded = chars.map(fold);
  const offsets: number[] = [];
  let offset = 0;
  for (const c of chars) {
    offsets.push(offset);
    offset += c.length;
  }
  offsets.push(offset);
  const all: Token[] = [];
  for (let i = 0; i + 3 <= chars.length; i++) all.push({ start: offsets[i]!, end: offsets[i + 3]!, fold: '' });
  const instances: Instance[] = [];
  const needles = substrings.map((s) => [...s].map(fold));
  for (let pos = 0; pos < all.length; pos++) {
    needles.forEach((needle, phrase) => {
      if (needle.length >= 3 && needle.every((c, k) => folded[pos + k] === c)) instances.push({ phrase, pos, size: needle.length - 2 });
    });
  }
  return ftsSnippet(text, all, instances, tokens, clipped, text.length);
}

/** FTS5's snippet() over tokens and the phrase instances found among them (fts5_aux.c). */
function ftsSnippet(
  text: string,
  all: Token[],
  instances: Instance[],
  tokens: number,
  clipped: { start: boolean; end: boolean },
  end: number,
): string {
  const nDoc = all.length;

  // Sentence starts: the first token, and any after "." or ":" and whitespace.
  const sentenceStarts: number[] = [];
  all.forEach((token, i) => {
    if (i === 0) {
      if (!clipped.start) sentenceStarts.push(0);
      return;
    }
    let j = token.start - 1;
    while (j >= 0 && ' \t\n\r'.includes(text[j]!)) j--;
    if (j !== token.start - 1 && j >= 0 && (text[j] === '.' || text[j] === ':')) sentenceStarts.push(i);
  });

  const score = (from: number): { score: number; first: number; last: number } => {
    const seen = new Set<number>();
    let total = 0;
    let first = -1;
    let last = 0;
    for (const inst of instances) {
      if (inst.pos < from || inst.pos >= from + tokens) continue;
      total += seen.has(inst.phrase) ? 1 : 1000;
      seen.add(inst.phrase);
      if (first < 0) first = inst.pos;
      last = inst.pos + inst.size;
    }
    return { score: total, first, last };
  };

  let best = 0;
  let bestStart = 0;
  for (const inst of instances) {
    const s = score(inst.pos);
    if (s.score > best) {
      let adjusted = s.first - Math.trunc((tokens - (s.last - s.first)) / 2);
      if (adjusted + tokens > nDoc) adjusted = nDoc - tokens;
      best = s.score;
      bestStart = Math.max(0, adjusted);
    }
    if (sentenceStarts.length && nDoc > tokens) {
      let jj = 0;
      while (jj < sentenceStarts.length - 1 && sentenceStarts[jj + 1]! <= inst.pos) jj++;
      const sentence = sentenceStarts[jj]!;
      if (sentence < inst.pos) {
        const bonus = score(sentence).score + (sentence === 0 ? 120 : 100);
        if (bonus > best) {
          best = bonus;
          bestStart = sentence;
        }
      }
    }
  }

  // Coalesced instances: matches that overlap or touch (in the text) are highlighted as one.
  let next = 0;
  const iter = { start: -1, end: -1 };
  const advance = () => {
    iter.start = -1;
    iter.end = -1;
    while (next < instances.length) {
      const inst = instances[next]!;
      const last = inst.pos + inst.size - 1;
      if (iter.start < 0) {
        iter.start = inst.pos;
        iter.end = last;
      } else if (inst.pos <= iter.end || all[inst.pos]!.start <= all[iter.end]!.end) {
        iter.end = Math.max(iter.end, last);
      } else {
        break;
      }
      next++;
    }
  };
  advance();
  while (iter.start >= 0 && iter.start < bestStart) advance();

  const rangeStart = bestStart;
  const rangeEnd = bestStart + tokens - 1;
  const cutStart = rangeStart > 0 || clipped.start;
  let out = cutStart ? '…' : '';
  let offset = 0;
  for (let pos = rangeStart; pos <= Math.min(rangeEnd, nDoc - 1); pos++) {
    const token = all[pos]!;
    if (pos === rangeStart && cutStart) offset = token.start;
    if (pos === iter.start) {
      out += text.slice(offset, token.start) + MARK_START;
      offset = token.start;
    }
    if (pos === iter.end) {
      if (iter.start < rangeStart) out += MARK_START;
      out += text.slice(offset, token.end) + MARK_END;
      offset = token.end;
      advance();
    }
    if (pos === rangeEnd) {
      out += text.slice(offset, token.end);
      offset = token.end;
      if (pos >= iter.start && pos < iter.end) out += MARK_END;
    }
  }
  // The window reaches the end: the rest of the text (or of the excerpt's last whole word) follows.
  if (rangeEnd >= nDoc - 1) out += text.slice(offset, Math.max(offset, end));
  if (rangeEnd < nDoc - 1 || clipped.end) out += '…';
  return out;
}

/** Combining marks, which a letter in a text may carry (decomposed accents: cafe\u0301). */
const PATTERN_MARKS = '[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*';
/** Scripts with case and precomposed accented letters, where a letter has variants to match. */
const VARIANT_RANGES: [number, number][] = [
  [0x41, 0x5a],
  [0xc0, 0x24f],
  [0x370, 0x52f],
  [0x1e00, 0x1fff],
  [0x2c60, 0x2c7f],
  [0xa720, 0xa7ff],
];
let letterVariants: Map<string, string[]> | undefined;

/** Every letter (of the scripts above) that folds to `char`, `char` first. */
function variantsOf(char: string): string[] {
  if (!letterVariants) {
    letterVariants = new Map();
    for (const [from, to] of VARIANT_RANGES) {
      for (let cp = from; cp <= to; cp++) {
        const ch = String.fromCodePoint(cp);
        if (!/\p{L}/u.test(ch)) continue;
        const folded = foldSearchText(ch);
        if (folded === ch || [...folded].length !== 1) continue;
        const list = letterVariants.get(folded) ?? [];
        list.push(ch);
        letterVariants.set(folded, list);
      }
    }
  }
  return [char, ...(letterVariants.get(char) ?? [])];
}

/** A PostgreSQL (ARE) pattern for a word as folded, in any case and with any accents. */
function wordPattern(word: string): string {
  // Only letters and digits reach here (the WORD runs of the query): nothing is regex syntax.
  return [...foldSearchText(word)]
    .filter((c) => /[\p{L}\p{N}]/u.test(c))
    .map((c) => {
      const variants = variantsOf(c);
      return (variants.length > 1 ? `[${variants.join('')}]` : c) + PATTERN_MARKS;
    })
    .join('');
}

/** Letters a word may continue with, for the boundaries of a pattern (`[[:alnum:]]` in PostgreSQL). */
const NOT_AFTER_WORD = '(?<![[:alnum:]])';

/**
 * A pattern for the first match of any word term in a text (where its first word starts), or null
 * when there are no word terms: where a long text is cut for its snippet. Used with the 'i' flag.
 */
export function postgresLocatePattern(terms: SearchTerm[]): string | null {
  const patterns = [...new Set(terms.flatMap((t) => (t.index === 'words' && t.text.trim() ? [postgresPhrasePattern(t)] : [])))];
  return patterns.length ? `(?:${patterns.join('|')})` : null;
}

/**
 * A pattern matching a word term in a text the way the word index would: its words in order,
 * separated by anything but letters and digits, the last one a prefix for a prefix term (checked
 * on the text for a phrase where the word positions are incomplete). Used with the 'i' flag.
 */
export function postgresPhrasePattern(term: SearchTerm & { index: 'words' }): string {
  const words = term.text.split(' ').filter(Boolean).map(wordPattern);
  return NOT_AFTER_WORD + words.join('[^[:alnum:]]+') + (term.prefix ? '' : '(?![[:alnum:]])');
}
