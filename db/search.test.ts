import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DB } from './client';
import { deleteConversation } from './conversations';
import { addProjectFile, conversationFileIds, deleteUnreferencedFiles, storeFile } from './files';
import { beginTurn, finishReply, markStreamingAsInterrupted, saveReplyProgress } from './messages';
import { createProject } from './projects';
import { FILE_HITS_PER_FILE, searchMessages } from './search';
import { openTestDb } from '@/lib/testing/test-db';

let db: DB;
let clock = 1_700_000_000_000;
let seq = 0;

beforeEach(() => {
  db = openTestDb();
});

/** One exchange: the user's message and a finished reply. Returns both ids. */
function exchange(conversationId: string, user: string, reply: string, title = `Chat ${conversationId}`) {
  const userId = `u${++seq}`;
  const assistantId = `a${seq}`;
  clock += 1000;
  beginTurn(db, { conversationId, title, user: { id: userId, content: user }, assistantId, model: 'qwen-turbo', now: clock });
  finishReply(db, assistantId, { content: reply, status: 'complete' }, clock + 10);
  return { userId, assistantId };
}

const ids = (query: string, limit = 20) => searchMessages(db, query, limit).map((r) => r.messageId);
const highlighted = (query: string) =>
  searchMessages(db, query, 20).map((r) => r.segments.filter((s) => s.highlight).map((s) => s.text));

describe('searchMessages', () => {
  it('finds words by prefix, returns conversation, title, role and a highlighted snippet', () => {
    const { assistantId } = exchange('c1', 'Say something', 'Hello there, general Kenobi.', 'Greetings');
    const [hit, ...rest] = searchMessages(db, 'hel', 20);
    expect(rest).toEqual([]);
    expect(hit).toMatchObject({ conversationId: 'c1', messageId: assistantId, title: 'Greetings', role: 'assistant' });
    expect(hit!.createdAt).toBeGreaterThan(0);
    expect(hit!.segments).toEqual([
      { text: 'Hello', highlight: true },
      { text: ' there, general Kenobi.', highlight: false },
    ]);
    expect(hit!.snippet).toBe('Hello there, general Kenobi.');
  });

  it('every word must match', () => {
    const one = exchange('c1', 'red apples', 'ok').userId;
    exchange('c2', 'red cars', 'ok');
    expect(ids('red apple')).toEqual([one]);
    expect(ids('red')).toHaveLength(2);
  });

  it('ranks by bm25: the message about the word comes before a long one that mentions it once', () => {
    const filler = Array.from({ length: 200 }, (_, i) => `filler${i}`).join(' ');
    const passing = exchange('c1', `${filler} zebra ${filler}`, 'ok').userId;
    const about = exchange('c2', 'zebra stripes: why does a zebra have stripes? zebra facts', 'ok').userId;
    expect(ids('zebra')).toEqual([about, passing]);
  });

  it('one result per message, and the snippet comes from the message that matched (the 5th of its conversation)', () => {
    exchange('c1', 'first question about gardening', 'first answer about soil');
    exchange('c1', 'second question about tomatoes', 'second answer about watering');
    const { userId: fifth } = exchange('c1', 'now tell me about the xylophone please', 'sure');
    exchange('c2', 'unrelated', 'also unrelated');
    const results = searchMessages(db, 'xylophone', 20);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ conversationId: 'c1', messageId: fifth, role: 'user' });
    expect(results[0]!.snippet).toBe('now tell me about the xylophone please');
    expect(highlighted('xylophone')).toEqual([['xylophone']]);
    // A message matching several times is still one result.
    exchange('c3', 'xylophone xylophone xylophone', 'ok');
    expect(ids('xylophone')).toHaveLength(2);
  });

  it('a long message gets a ~12-word window around the match, with … where it was cut', () => {
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`);
    words[30] = 'needle';
    exchange('c1', words.join(' '), 'ok');
    const [hit] = searchMessages(db, 'needle', 20);
    expect(hit!.snippet.startsWith('…')).toBe(true);
    expect(hit!.snippet.endsWith('…')).toBe(true);
    expect(hit!.snippet.split(' ').length).toBeLessThanOrEqual(13);
    expect(hit!.segments.find((s) => s.highlight)?.text).toBe('needle');
  });

  it('is case- and diacritic-insensitive for Latin scripts', () => {
    const accented = exchange('c1', 'Meet me at the café at noon', 'ok').userId;
    const plain = exchange('c2', 'The CAFE is closed', 'ok').userId;
    const decomposed = exchange('c3', 'cafe\u0301 au lait', 'ok').userId;
    for (const q of ['cafe', 'café', 'CAFÉ', 'Cafe']) expect(new Set(ids(q))).toEqual(new Set([accented, plain, decomposed]));
    expect(ids('naive')).toEqual([]);
    const naive = exchange('c4', 'a naïve question', 'ok').userId;
    expect(ids('NAIVE')).toEqual([naive]);
  });

  it('an exact phrase needs the words together, in order', () => {
    const together = exchange('c1', 'the quick brown fox', 'ok').userId;
    exchange('c2', 'brown and quick', 'ok');
    expect(ids('"quick brown"')).toEqual([together]);
    expect(ids('"quick bro"')).toEqual([]); // no prefix inside an exact phrase
    expect(new Set(ids('quick brown'))).toHaveProperty('size', 2);
  });

  it('finds a Chinese substring in the middle of a sentence, with the snippet around it', () => {
    const hit = exchange('c1', '我喜欢在咖啡馆工作，因为那里很安静。', 'ok').userId;
    exchange('c2', '我喜欢在图书馆学习。', 'ok');
    expect(ids('咖啡馆')).toEqual([hit]);
    expect(highlighted('咖啡馆')).toEqual([['咖啡馆']]);
    expect(searchMessages(db, '咖啡馆', 20)[0]!.snippet).toContain('我喜欢在咖啡馆工作');
    expect(ids('在咖啡馆工作')).toEqual([hit]);
    expect(ids('咖啡厅')).toEqual([]);
  });

  it('Chinese words of 1–2 characters are found by a substring scan', () => {
    const coffee = exchange('c1', '我喜欢在咖啡馆工作', 'ok').userId;
    const library = exchange('c2', '我喜欢在图书馆学习', 'ok').userId;
    expect(ids('咖啡')).toEqual([coffee]);
    expect(new Set(ids('馆'))).toEqual(new Set([coffee, library]));
    expect(highlighted('咖啡')).toEqual([['咖啡']]);
    expect(ids('咖啡 学习')).toEqual([]);
  });

  it('Japanese and Korean', () => {
    const ja = exchange('c1', '駅の近くのコーヒーショップで働くのが好きです', 'ok').userId;
    const ko = exchange('c2', '저는 커피숍에서 일하는 것을 좋아해요', 'ok').userId;
    expect(ids('コーヒー')).toEqual([ja]);
    expect(ids('ショップで')).toEqual([ja]);
    expect(ids('커피숍')).toEqual([ko]);
    expect(ids('커피')).toEqual([ko]); // two syllables: substring scan
    expect(highlighted('커피숍')).toEqual([['커피숍']]);
  });

  it('Thai, written without spaces', () => {
    const th = exchange('c1', 'ฉันชอบดื่มกาแฟตอนเช้า', 'ok').userId;
    expect(ids('กาแฟ')).toEqual([th]);
  });

  it('a query mixing Latin words and CJK matches messages containing both', () => {
    const both = exchange('c1', 'My favourite coffee: 我喜欢在咖啡馆工作', 'ok').userId;
    exchange('c2', 'coffee only here', 'ok');
    exchange('c3', '咖啡馆 only here', 'ok');
    expect(ids('coffee 咖啡馆')).toEqual([both]);
    expect(ids('coffee 咖啡')).toEqual([both]);
    expect(ids('咖啡馆 工作')).toEqual([both]);
    expect(highlighted('coffee 咖啡馆')).toEqual([['coffee']]);
  });

  it('a streaming reply is not found until it finishes', () => {
    beginTurn(db, { conversationId: 'c1', title: 't', user: { id: 'u1', content: 'tell me' }, assistantId: 'a1', model: 'm', now: clock });
    saveReplyProgress(db, 'a1', 'the platypus lays eggs, 我喜欢在咖啡馆工作', clock + 300);
    expect(ids('platypus')).toEqual([]);
    expect(ids('咖啡馆')).toEqual([]);
    expect(ids('咖啡')).toEqual([]);
    finishReply(db, 'a1', { content: 'the platypus lays eggs, 我喜欢在咖啡馆工作. Done.', status: 'complete' }, clock + 600);
    expect(ids('platypus')).toEqual(['a1']);
    expect(ids('咖啡馆')).toEqual(['a1']);
    expect(ids('咖啡')).toEqual(['a1']);
  });

  it('a reply cut off by a restart (interrupted) is indexed with the text it had', () => {
    beginTurn(db, { conversationId: 'c1', title: 't', user: { id: 'u1', content: 'go' }, assistantId: 'a1', model: 'm', now: clock });
    saveReplyProgress(db, 'a1', 'partial wombat', clock + 300);
    markStreamingAsInterrupted(db, clock + 400);
    expect(ids('wombat')).toEqual(['a1']);
  });

  it('a stopped or failed reply keeps its text searchable', () => {
    beginTurn(db, { conversationId: 'c1', title: 't', user: { id: 'u1', content: 'go' }, assistantId: 'a1', model: 'm', now: clock });
    finishReply(db, 'a1', { content: 'stopped narwhal', status: 'stopped' }, clock + 10);
    expect(ids('narwhal')).toEqual(['a1']);
  });

  it('a deleted conversation is gone from the results (and from the indexes)', () => {
    exchange('c1', 'ocelot 咖啡馆 here', 'ok');
    const kept = exchange('c2', 'ocelot 咖啡馆 there', 'ok').userId;
    deleteConversation(db, 'c1');
    expect(ids('ocelot')).toEqual([kept]);
    expect(ids('咖啡馆')).toEqual([kept]);
    expect(ids('咖啡')).toEqual([kept]);
    const count = (table: string) => (db.$client.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${table} MATCH 'ocelot'`).get() as { n: number }).n;
    expect(count('messages_fts')).toBe(1);
  });

  it('the snippet is plain text: HTML in a message stays text', () => {
    exchange('c1', '<img src=x onerror=alert(1)> <b>iguana</b> &amp;', 'ok');
    const [hit] = searchMessages(db, 'iguana', 20);
    expect(hit!.snippet).toBe('<img src=x onerror=alert(1)> <b>iguana</b> &amp;');
    expect(hit!.segments).toContainEqual({ text: 'iguana', highlight: true });
  });

  it('respects the limit', () => {
    for (let i = 0; i < 8; i++) exchange(`c${i}`, `llama number ${i}`, `llama reply ${i}`);
    expect(ids('llama', 5)).toHaveLength(5);
    expect(ids('llama', 50)).toHaveLength(16);
  });

  it('input with nothing searchable returns nothing', () => {
    exchange('c1', 'anything at all', 'ok');
    for (const q of ['', '***', '"', '🙂', '( ) -', '""']) expect(ids(q)).toEqual([]);
  });

  it('FTS syntax typed by a user is searched as words, never an error', () => {
    const hit = exchange('c1', 'unbalanced quote or not near the end', 'ok').userId;
    expect(ids('"unbalanced (quote* OR')).toEqual([hit]);
    for (const q of ['NEAR(a b)', 'a AND', 'OR', 'NOT x', '^start', 'col:val', '{a b}', '[x]', '-x', '+y', 'a*b', '"', '""""', "'"]) {
      expect(() => searchMessages(db, q, 20)).not.toThrow();
    }
  });

  it('random user input never throws', () => {
    exchange('c1', 'Hello café 我喜欢在咖啡馆工作 コーヒー 커피숍 ฉันชอบกาแฟ "quoted" (paren) NEAR/3 * ^', 'reply 🙂 with emoji');
    const alphabet = fc.constantFrom(
      ...['"', '*', '^', ':', '(', ')', '-', '+', 'NEAR', 'AND', 'OR', 'NOT', '{', '}', '[', ']', ' ', '\\', "'", '%', '_', '!'],
      ...['a', 'hel', 'café', '咖啡馆', '咖', 'コーヒー', '커피', 'กาแฟ', '🙂', '👍🏽', '\u0000', '\u0001', '\u0002', '\n'],
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 80 }),
          fc.string({ unit: 'grapheme', maxLength: 80 }),
          fc.array(alphabet, { maxLength: 25 }).map((a) => a.join('')),
        ),
        (q) => {
          const results = searchMessages(db, q, 20);
          for (const r of results) expect(r.conversationId).toBe('c1');
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('a word that is everywhere', () => {
  it('ranks only the newest 2,000 matches, so the cost does not grow with the whole history', () => {
    const oldest = exchange('old', 'everywhere word, said long ago, about everywhere everywhere everywhere', 'ok').userId;
    for (let i = 0; i < 1_050; i++) exchange(`c${i}`, `everywhere ${i}`, `also everywhere ${i}`);
    const found = searchMessages(db, 'everywhere', 50);
    expect(found).toHaveLength(50);
    // The oldest message would rank first on its own (it repeats the word), but it is outside the window.
    expect(found.map((r) => r.messageId)).not.toContain(oldest);
    // A rarer word still finds old messages.
    expect(ids('ago')).toEqual([oldest]);
  });
});

describe('text inside attached files', () => {
  let fileSeq = 0;
  /** Stores a file's text (its id stands for the hash of its bytes). */
  function file(text: string): string {
    const id = (++fileSeq).toString(16).padStart(64, '0');
    storeFile(db, { id, kind: 'text', mediaType: 'text/plain', sizeBytes: text.length, text, tokens: Math.ceil(text.length / 4) }, clock);
    return id;
  }
  /** A user message with these files attached, and a finished reply. */
  function withFiles(conversationId: string, user: string, attachments: { fileId: string; name: string }[], reply = 'ok') {
    const userId = `u${++seq}`;
    const assistantId = `a${seq}`;
    clock += 1000;
    beginTurn(db, { conversationId, title: `Chat ${conversationId}`, user: { id: userId, content: user, attachments }, assistantId, model: 'm', now: clock });
    finishReply(db, assistantId, { content: reply, status: 'complete' }, clock + 10);
    return { userId, assistantId };
  }
  const hits = (query: string, limit = 20) => searchMessages(db, query, limit).map((r) => ({ messageId: r.messageId, file: r.file }));

  it('a word only in an attached file finds the message it is attached to, naming the file', () => {
    const report = file('Quarterly report.\n\nRevenue grew in the capybara segment, as expected.\nMore text follows here.');
    const { userId } = withFiles('c1', 'Summarise this please', [{ fileId: report, name: 'report.txt' }], 'Here is a summary.');
    const [hit, ...rest] = searchMessages(db, 'capybara', 20);
    expect(rest).toEqual([]);
    expect(hit).toMatchObject({ conversationId: 'c1', messageId: userId, title: 'Chat c1', role: 'user', file: 'report.txt' });
    expect(hit!.createdAt).toBe(clock);
    expect(hit!.segments).toContainEqual({ text: 'capybara', highlight: true });
    expect(hit!.snippet).toContain('Revenue grew in the capybara segment');
    // Message hits carry no `file` at all.
    exchange('c2', 'a capybara in a message', 'ok');
    const [first, second] = searchMessages(db, 'capybara', 20);
    expect(first!).not.toHaveProperty('file');
    expect(second!.file).toBe('report.txt');
  });

  it('prefixes, case and diacritics, phrases, and operators as text, as in messages', () => {
    const notes = file('Notes from the Café Müller meeting: the quick brown fox (see NEAR/3 below).');
    const { userId } = withFiles('c1', 'notes attached', [{ fileId: notes, name: 'notes.md' }]);
    for (const q of ['caf', 'cafe muller', 'CAFÉ', 'MULL', '"quick brown"', 'NEAR', '(see', 'fox*'])
      expect(hits(q), q).toEqual([{ messageId: userId, file: 'notes.md' }]);
    expect(hits('"quick bro"')).toEqual([]);
    expect(hits('"brown quick"')).toEqual([]);
    expect(hits('capybara')).toEqual([]);
    // Every word must match inside the one file (not across the message and its file).
    expect(hits('notes attached café')).toEqual([]);
  });

  it('a long file gets a window around the match, with … where it was cut', () => {
    const words = Array.from({ length: 5000 }, (_, i) => `w${i}`);
    words[2500] = 'needlefile';
    withFiles('c1', 'big one', [{ fileId: file(words.join(' ')), name: 'big.txt' }]);
    const [hit] = searchMessages(db, 'needlefile', 20);
    expect(hit!.snippet.startsWith('…')).toBe(true);
    expect(hit!.snippet.endsWith('…')).toBe(true);
    expect(hit!.snippet.split(' ').length).toBeLessThanOrEqual(13);
    expect(hit!.segments.find((s) => s.highlight)?.text).toBe('needlefile');
  });

  it('Chinese substrings inside a file: trigram and short terms', () => {
    const long = '第一章。'.repeat(100) + '我喜欢在咖啡馆工作，因为那里很安静。' + '第二章。'.repeat(100);
    const zh = file(long);
    const { userId } = withFiles('c1', 'read this', [{ fileId: zh, name: '笔记.txt' }]);
    withFiles('c2', 'and this', [{ fileId: file('我喜欢在图书馆学习。'), name: 'other.txt' }]);
    expect(hits('咖啡馆')).toEqual([{ messageId: userId, file: '笔记.txt' }]);
    expect(hits('在咖啡馆工作')).toEqual([{ messageId: userId, file: '笔记.txt' }]);
    expect(hits('咖啡厅')).toEqual([]);
    const [hit] = searchMessages(db, '咖啡馆', 20);
    expect(hit!.segments.filter((s) => s.highlight).map((s) => s.text)).toEqual(['咖啡馆']);
    expect(hit!.snippet).toContain('我喜欢在咖啡馆工作');
    // 1–2 characters: a substring scan; the snippet is cut from the middle of the long text.
    expect(hits('咖啡')).toEqual([{ messageId: userId, file: '笔记.txt' }]);
    const [short] = searchMessages(db, '咖啡', 20);
    expect(short!.segments.filter((s) => s.highlight).map((s) => s.text)).toEqual(['咖啡']);
    expect(short!.snippet.startsWith('…')).toBe(true);
    expect(short!.snippet.endsWith('…')).toBe(true);
    expect(short!.snippet).toContain('在咖啡馆工作');
    expect(new Set(hits('馆').map((h) => h.file))).toEqual(new Set(['笔记.txt', 'other.txt']));
    // Mixed with a Latin word: both inside the same file.
    const mixed = withFiles('c3', 'mixed', [{ fileId: file('Coffee notes: 我喜欢在咖啡馆工作'), name: 'mixed.txt' }]).userId;
    expect(hits('coffee 咖啡馆')).toEqual([{ messageId: mixed, file: 'mixed.txt' }]);
    expect(hits('coffee 咖啡')).toEqual([{ messageId: mixed, file: 'mixed.txt' }]);
  });

  it('a file attached to a deleted conversation is no longer found, even before its row is deleted', () => {
    const shared = file('the ocelot file');
    const gone = withFiles('c1', 'first', [{ fileId: shared, name: 'a.txt' }]).userId;
    const kept = withFiles('c2', 'second', [{ fileId: shared, name: 'b.txt' }]).userId;
    const only = file('a lonely tapir 咖啡馆 file');
    withFiles('c1', 'third', [{ fileId: only, name: 'c.txt' }]);
    expect(new Set(ids('ocelot'))).toEqual(new Set([gone, kept]));
    const released = conversationFileIds(db, 'c1');
    deleteConversation(db, 'c1');
    // The rows are still there (they are deleted later), but nothing links to them any more.
    expect(hits('ocelot')).toEqual([{ messageId: kept, file: 'b.txt' }]);
    for (const q of ['tapir', '咖啡馆', '咖啡']) expect(hits(q), q).toEqual([]);
    deleteUnreferencedFiles(db, { ids: released });
    expect(hits('tapir')).toEqual([]);
    expect(hits('ocelot')).toEqual([{ messageId: kept, file: 'b.txt' }]);
  });

  it('a file only in a project, or uploaded and never sent, is not a hit', () => {
    storeFile(db, { id: 'f'.repeat(64), kind: 'text', mediaType: 'text/plain', sizeBytes: 9, text: 'unsent walrus', tokens: 3 }, clock);
    const project = createProject(db, { id: 'p1', name: 'P' }, clock);
    addProjectFile(db, project.id, { fileId: file('project walrus'), name: 'p.txt' });
    expect(hits('walrus')).toEqual([]);
  });

  it('a message hit and a file hit in the same conversation both appear, merged by rank', () => {
    const inMessage = exchange('c1', 'let us talk about the axolotl', 'sure').userId;
    const inFile = withFiles('c1', 'see attached', [{ fileId: file('All about the axolotl and its gills.'), name: 'axolotl.txt' }]).userId;
    exchange('c2', 'nothing here', 'ok');
    expect(hits('axolotl')).toEqual([
      { messageId: inMessage, file: undefined },
      { messageId: inFile, file: 'axolotl.txt' },
    ]);
    // A message whose own text and file both match is one hit for each.
    const both = withFiles('c1', 'my axolotl notes', [{ fileId: file('axolotl axolotl'), name: 'more.txt' }]).userId;
    const found = hits('axolotl');
    expect(found).toHaveLength(4);
    expect(found).toContainEqual({ messageId: both, file: undefined });
    expect(found).toContainEqual({ messageId: both, file: 'more.txt' });
    expect(hits('axolotl', 2)).toHaveLength(2);
  });

  it('two matching files on one message are two hits; the same file twice on one is one', () => {
    const a = file('the quokka file');
    const b = file('another quokka file');
    const one = withFiles('c1', 'two files', [
      { fileId: a, name: 'a.txt' },
      { fileId: b, name: 'b.txt' },
      { fileId: a, name: 'a copy.txt' },
    ]).userId;
    const found = hits('quokka');
    expect(found).toHaveLength(2);
    expect(new Set(found.map((h) => h.file))).toEqual(new Set(['a.txt', 'b.txt']));
    expect(found.every((h) => h.messageId === one)).toBe(true);
  });

  it(`a file attached to many messages is reported for its newest ${FILE_HITS_PER_FILE}`, () => {
    const shared = file('the manatee handbook');
    const users = Array.from({ length: FILE_HITS_PER_FILE + 4 }, (_, i) => withFiles(`c${i}`, `turn ${i}`, [{ fileId: shared, name: `h${i}.txt` }]).userId);
    const other = withFiles('x', 'other', [{ fileId: file('a manatee elsewhere'), name: 'x.txt' }]).userId;
    const found = hits('manatee');
    expect(found.filter((h) => h.messageId !== other).map((h) => h.messageId)).toEqual(users.slice(-FILE_HITS_PER_FILE).reverse());
    expect(found.map((h) => h.messageId)).toContain(other);
  });

  it('with no files at all, message search is unchanged', () => {
    const hit = exchange('c1', 'a plain heron', 'ok').userId;
    expect(hits('heron')).toEqual([{ messageId: hit, file: undefined }]);
    expect(hits('咖啡')).toEqual([]);
  });

  it('random user input never throws when files are attached', () => {
    withFiles('c1', 'x', [{ fileId: file('Hello café 我喜欢在咖啡馆工作 コーヒー 커피숍 "quoted" (paren) NEAR/3 * ^ 50%_off!'), name: 'f.txt' }]);
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('"', '*', '(', ')', 'NEAR', 'OR', ' ', '%', '_', '!', 'hel', 'café', '咖啡馆', '咖', '커피', '\u0001'), { maxLength: 20 }).map((a) => a.join('')),
        (q) => {
          for (const r of searchMessages(db, q, 20)) expect(r.conversationId).toBe('c1');
        },
      ),
      { numRuns: 500 },
    );
  });
});
