import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DB } from './client';
import { deleteConversation } from './conversations';
import { addProjectFile, conversationFileIds, deleteUnreferencedFiles, storeFile } from './files';
import { beginTurn, finishReply, markStreamingAsInterrupted, saveReplyProgress } from './messages';
import { createProject } from './projects';
import { FILE_HITS_PER_FILE, searchMessages } from './search';
import { rows, run } from './types';
import { openTestDb, testDialect } from '@/lib/testing/test-db';

let db: DB;
let clock = 1_700_000_000_000;
let seq = 0;

beforeEach(async () => {
  db = await openTestDb();
});

/** One exchange: the user's message and a finished reply. Returns both ids. */
async function exchange(conversationId: string, user: string, reply: string, title = `Chat ${conversationId}`) {
  const userId = `u${++seq}`;
  const assistantId = `a${seq}`;
  clock += 1000;
  await beginTurn(db, { conversationId, title, user: { id: userId, content: user }, assistantId, model: 'qwen-turbo', now: clock });
  await finishReply(db, assistantId, { content: reply, status: 'complete' }, clock + 10);
  return { userId, assistantId };
}

const ids = async (query: string, limit = 20) => (await searchMessages(db, query, limit)).map((r) => r.messageId);
const highlighted = async (query: string) =>
  (await searchMessages(db, query, 20)).map((r) => r.segments.filter((s) => s.highlight).map((s) => s.text));

describe('searchMessages', () => {
  it('finds words by prefix, returns conversation, title, role and a highlighted snippet', async () => {
    const { assistantId } = await exchange('c1', 'Say something', 'Hello there, general Kenobi.', 'Greetings');
    const [hit, ...rest] = await searchMessages(db, 'hel', 20);
    expect(rest).toEqual([]);
    expect(hit).toMatchObject({ conversationId: 'c1', messageId: assistantId, title: 'Greetings', role: 'assistant' });
    expect(hit!.createdAt).toBeGreaterThan(0);
    expect(hit!.segments).toEqual([
      { text: 'Hello', highlight: true },
      { text: ' there, general Kenobi.', highlight: false },
    ]);
    expect(hit!.snippet).toBe('Hello there, general Kenobi.');
  });

  it('every word must match', async () => {
    const one = (await exchange('c1', 'red apples', 'ok')).userId;
    await exchange('c2', 'red cars', 'ok');
    expect(await ids('red apple')).toEqual([one]);
    expect(await ids('red')).toHaveLength(2);
  });

  it('ranks by bm25: the message about the word comes before a long one that mentions it once', async () => {
    const filler = Array.from({ length: 200 }, (_, i) => `filler${i}`).join(' ');
    const passing = (await exchange('c1', `${filler} zebra ${filler}`, 'ok')).userId;
    const about = (await exchange('c2', 'zebra stripes: why does a zebra have stripes? zebra facts', 'ok')).userId;
    expect(await ids('zebra')).toEqual([about, passing]);
  });

  it('one result per message, and the snippet comes from the message that matched (the 5th of its conversation)', async () => {
    await exchange('c1', 'first question about gardening', 'first answer about soil');
    await exchange('c1', 'second question about tomatoes', 'second answer about watering');
    const { userId: fifth } = await exchange('c1', 'now tell me about the xylophone please', 'sure');
    await exchange('c2', 'unrelated', 'also unrelated');
    const results = await searchMessages(db, 'xylophone', 20);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ conversationId: 'c1', messageId: fifth, role: 'user' });
    expect(results[0]!.snippet).toBe('now tell me about the xylophone please');
    expect(await highlighted('xylophone')).toEqual([['xylophone']]);
    // A message matching several times is still one result.
    await exchange('c3', 'xylophone xylophone xylophone', 'ok');
    expect(await ids('xylophone')).toHaveLength(2);
  });

  it('a long message gets a ~12-word window around the match, with … where it was cut', async () => {
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`);
    words[30] = 'needle';
    await exchange('c1', words.join(' '), 'ok');
    const [hit] = await searchMessages(db, 'needle', 20);
    expect(hit!.snippet.startsWith('…')).toBe(true);
    expect(hit!.snippet.endsWith('…')).toBe(true);
    expect(hit!.snippet.split(' ').length).toBeLessThanOrEqual(13);
    expect(hit!.segments.find((s) => s.highlight)?.text).toBe('needle');
  });

  it('an exact phrase after a word has occurred hundreds of times is still found', async () => {
    const hit = (await exchange('c1', `${'the cat '.repeat(300)}and the platypus`, 'ok')).userId;
    expect(await ids('"the platypus"')).toEqual([hit]);
    expect(await ids('"cat platypus"')).toEqual([]);
    expect(await highlighted('"the platypus"')).toEqual([['the platypus']]);
  });

  it('is case- and diacritic-insensitive for Latin scripts', async () => {
    const accented = (await exchange('c1', 'Meet me at the café at noon', 'ok')).userId;
    const plain = (await exchange('c2', 'The CAFE is closed', 'ok')).userId;
    const decomposed = (await exchange('c3', 'cafe\u0301 au lait', 'ok')).userId;
    for (const q of ['cafe', 'café', 'CAFÉ', 'Cafe']) expect(new Set(await ids(q))).toEqual(new Set([accented, plain, decomposed]));
    expect(await ids('naive')).toEqual([]);
    const naive = (await exchange('c4', 'a naïve question', 'ok')).userId;
    expect(await ids('NAIVE')).toEqual([naive]);
  });

  it('an exact phrase needs the words together, in order', async () => {
    const together = (await exchange('c1', 'the quick brown fox', 'ok')).userId;
    await exchange('c2', 'brown and quick', 'ok');
    expect(await ids('"quick brown"')).toEqual([together]);
    expect(await ids('"quick bro"')).toEqual([]); // no prefix inside an exact phrase
    expect(new Set(await ids('quick brown'))).toHaveProperty('size', 2);
  });

  it('finds a Chinese substring in the middle of a sentence, with the snippet around it', async () => {
    const hit = (await exchange('c1', '我喜欢在咖啡馆工作，因为那里很安静。', 'ok')).userId;
    await exchange('c2', '我喜欢在图书馆学习。', 'ok');
    expect(await ids('咖啡馆')).toEqual([hit]);
    expect(await highlighted('咖啡馆')).toEqual([['咖啡馆']]);
    expect((await searchMessages(db, '咖啡馆', 20))[0]!.snippet).toContain('我喜欢在咖啡馆工作');
    expect(await ids('在咖啡馆工作')).toEqual([hit]);
    expect(await ids('咖啡厅')).toEqual([]);
  });

  it('Chinese words of 1–2 characters are found by a substring scan', async () => {
    const coffee = (await exchange('c1', '我喜欢在咖啡馆工作', 'ok')).userId;
    const library = (await exchange('c2', '我喜欢在图书馆学习', 'ok')).userId;
    expect(await ids('咖啡')).toEqual([coffee]);
    expect(new Set(await ids('馆'))).toEqual(new Set([coffee, library]));
    expect(await highlighted('咖啡')).toEqual([['咖啡']]);
    expect(await ids('咖啡 学习')).toEqual([]);
  });

  it('Japanese and Korean', async () => {
    const ja = (await exchange('c1', '駅の近くのコーヒーショップで働くのが好きです', 'ok')).userId;
    const ko = (await exchange('c2', '저는 커피숍에서 일하는 것을 좋아해요', 'ok')).userId;
    expect(await ids('コーヒー')).toEqual([ja]);
    expect(await ids('ショップで')).toEqual([ja]);
    expect(await ids('커피숍')).toEqual([ko]);
    expect(await ids('커피')).toEqual([ko]); // two syllables: substring scan
    expect(await highlighted('커피숍')).toEqual([['커피숍']]);
  });

  it('Thai, written without spaces', async () => {
    const th = (await exchange('c1', 'ฉันชอบดื่มกาแฟตอนเช้า', 'ok')).userId;
    expect(await ids('กาแฟ')).toEqual([th]);
  });

  it('a query mixing Latin words and CJK matches messages containing both', async () => {
    const both = (await exchange('c1', 'My favourite coffee: 我喜欢在咖啡馆工作', 'ok')).userId;
    await exchange('c2', 'coffee only here', 'ok');
    await exchange('c3', '咖啡馆 only here', 'ok');
    expect(await ids('coffee 咖啡馆')).toEqual([both]);
    expect(await ids('coffee 咖啡')).toEqual([both]);
    expect(await ids('咖啡馆 工作')).toEqual([both]);
    expect(await highlighted('coffee 咖啡馆')).toEqual([['coffee']]);
  });

  it('a streaming reply is not found until it finishes', async () => {
    await beginTurn(db, { conversationId: 'c1', title: 't', user: { id: 'u1', content: 'tell me' }, assistantId: 'a1', model: 'm', now: clock });
    await saveReplyProgress(db, 'a1', 'the platypus lays eggs, 我喜欢在咖啡馆工作', clock + 300);
    expect(await ids('platypus')).toEqual([]);
    expect(await ids('咖啡馆')).toEqual([]);
    expect(await ids('咖啡')).toEqual([]);
    await finishReply(db, 'a1', { content: 'the platypus lays eggs, 我喜欢在咖啡馆工作. Done.', status: 'complete' }, clock + 600);
    expect(await ids('platypus')).toEqual(['a1']);
    expect(await ids('咖啡馆')).toEqual(['a1']);
    expect(await ids('咖啡')).toEqual(['a1']);
  });

  it('a reply cut off by a restart (interrupted) is indexed with the text it had', async () => {
    await beginTurn(db, { conversationId: 'c1', title: 't', user: { id: 'u1', content: 'go' }, assistantId: 'a1', model: 'm', now: clock });
    await saveReplyProgress(db, 'a1', 'partial wombat', clock + 300);
    await markStreamingAsInterrupted(db, clock + 400);
    expect(await ids('wombat')).toEqual(['a1']);
  });

  it('a stopped or failed reply keeps its text searchable', async () => {
    await beginTurn(db, { conversationId: 'c1', title: 't', user: { id: 'u1', content: 'go' }, assistantId: 'a1', model: 'm', now: clock });
    await finishReply(db, 'a1', { content: 'stopped narwhal', status: 'stopped' }, clock + 10);
    expect(await ids('narwhal')).toEqual(['a1']);
  });

  it('a deleted conversation is gone from the results (and from the indexes)', async () => {
    await exchange('c1', 'ocelot 咖啡馆 here', 'ok');
    const kept = (await exchange('c2', 'ocelot 咖啡馆 there', 'ok')).userId;
    await deleteConversation(db, 'c1');
    expect(await ids('ocelot')).toEqual([kept]);
    expect(await ids('咖啡馆')).toEqual([kept]);
    expect(await ids('咖啡')).toEqual([kept]);
    // What is left in the word index: FTS5's own table on SQLite, the rows' vectors on PostgreSQL.
    const query =
      testDialect === 'postgres'
        ? sql`SELECT count(*)::int AS n FROM messages WHERE search_words @@ to_tsquery('public.chat_search', 'ocelot')`
        : sql`SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'ocelot'`;
    expect(await run(db, () => rows<{ n: number }>(query))).toEqual([{ n: 1 }]);
  });

  it('the snippet is plain text: HTML in a message stays text', async () => {
    await exchange('c1', '<img src=x onerror=alert(1)> <b>iguana</b> &amp;', 'ok');
    const [hit] = await searchMessages(db, 'iguana', 20);
    expect(hit!.snippet).toBe('<img src=x onerror=alert(1)> <b>iguana</b> &amp;');
    expect(hit!.segments).toContainEqual({ text: 'iguana', highlight: true });
  });

  it('respects the limit', async () => {
    for (let i = 0; i < 8; i++) await exchange(`c${i}`, `llama number ${i}`, `llama reply ${i}`);
    expect(await ids('llama', 5)).toHaveLength(5);
    expect(await ids('llama', 50)).toHaveLength(16);
  });

  it('input with nothing searchable returns nothing', async () => {
    await exchange('c1', 'anything at all', 'ok');
    for (const q of ['', '***', '"', '🙂', '( ) -', '""']) expect(await ids(q)).toEqual([]);
  });

  it('FTS syntax typed by a user is searched as words, never an error', async () => {
    const hit = (await exchange('c1', 'unbalanced quote or not near the end', 'ok')).userId;
    expect(await ids('"unbalanced (quote* OR')).toEqual([hit]);
    for (const q of ['NEAR(a b)', 'a AND', 'OR', 'NOT x', '^start', 'col:val', '{a b}', '[x]', '-x', '+y', 'a*b', '"', '""""', "'"]) {
      await expect(searchMessages(db, q, 20)).resolves.toBeInstanceOf(Array);
    }
  });

  it('random user input never throws', async () => {
    await exchange('c1', 'Hello café 我喜欢在咖啡馆工作 コーヒー 커피숍 ฉันชอบกาแฟ "quoted" (paren) NEAR/3 * ^', 'reply 🙂 with emoji');
    const alphabet = fc.constantFrom(
      ...['"', '*', '^', ':', '(', ')', '-', '+', 'NEAR', 'AND', 'OR', 'NOT', '{', '}', '[', ']', ' ', '\\', "'", '%', '_', '!'],
      ...['a', 'hel', 'café', '咖啡馆', '咖', 'コーヒー', '커피', 'กาแฟ', '🙂', '👍🏽', '\u0000', '\u0001', '\u0002', '\n'],
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 80 }),
          fc.string({ unit: 'grapheme', maxLength: 80 }),
          fc.array(alphabet, { maxLength: 25 }).map((a) => a.join('')),
        ),
        async (q) => {
          const results = await searchMessages(db, q, 20);
          for (const r of results) expect(r.conversationId).toBe('c1');
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('a word that is everywhere', () => {
  it('ranks only the newest 2,000 matches, so the cost does not grow with the whole history', async () => {
    const oldest = (await exchange('old', 'everywhere word, said long ago, about everywhere everywhere everywhere', 'ok')).userId;
    for (let i = 0; i < 1_050; i++) await exchange(`c${i}`, `everywhere ${i}`, `also everywhere ${i}`);
    const found = await searchMessages(db, 'everywhere', 50);
    expect(found).toHaveLength(50);
    // The oldest message would rank first on its own (it repeats the word), but it is outside the window.
    expect(found.map((r) => r.messageId)).not.toContain(oldest);
    // A rarer word still finds old messages.
    expect(await ids('ago')).toEqual([oldest]);
  });
});

describe('text inside attached files', () => {
  let fileSeq = 0;
  /** Stores a file's text (its id stands for the hash of its bytes). */
  async function file(text: string): Promise<string> {
    const id = (++fileSeq).toString(16).padStart(64, '0');
    await storeFile(db, { id, kind: 'text', mediaType: 'text/plain', sizeBytes: text.length, text, tokens: Math.ceil(text.length / 4) }, clock);
    return id;
  }
  /** A user message with these files attached, and a finished reply. */
  async function withFiles(conversationId: string, user: string, attachments: { fileId: string; name: string }[], reply = 'ok') {
    const userId = `u${++seq}`;
    const assistantId = `a${seq}`;
    clock += 1000;
    await beginTurn(db, { conversationId, title: `Chat ${conversationId}`, user: { id: userId, content: user, attachments }, assistantId, model: 'm', now: clock });
    await finishReply(db, assistantId, { content: reply, status: 'complete' }, clock + 10);
    return { userId, assistantId };
  }
  const hits = async (query: string, limit = 20) => (await searchMessages(db, query, limit)).map((r) => ({ messageId: r.messageId, file: r.file }));

  it('a word only in an attached file finds the message it is attached to, naming the file', async () => {
    const report = await file('Quarterly report.\n\nRevenue grew in the capybara segment, as expected.\nMore text follows here.');
    const { userId } = await withFiles('c1', 'Summarise this please', [{ fileId: report, name: 'report.txt' }], 'Here is a summary.');
    const [hit, ...rest] = await searchMessages(db, 'capybara', 20);
    expect(rest).toEqual([]);
    expect(hit).toMatchObject({ conversationId: 'c1', messageId: userId, title: 'Chat c1', role: 'user', file: 'report.txt' });
    expect(hit!.createdAt).toBe(clock);
    expect(hit!.segments).toContainEqual({ text: 'capybara', highlight: true });
    expect(hit!.snippet).toContain('Revenue grew in the capybara segment');
    // Message hits carry no `file` at all.
    await exchange('c2', 'a capybara in a message', 'ok');
    const [first, second] = await searchMessages(db, 'capybara', 20);
    expect(first!).not.toHaveProperty('file');
    expect(second!.file).toBe('report.txt');
  });

  it('prefixes, case and diacritics, phrases, and operators as text, as in messages', async () => {
    const notes = await file('Notes from the Café Müller meeting: the quick brown fox (see NEAR/3 below).');
    const { userId } = await withFiles('c1', 'notes attached', [{ fileId: notes, name: 'notes.md' }]);
    for (const q of ['caf', 'cafe muller', 'CAFÉ', 'MULL', '"quick brown"', 'NEAR', '(see', 'fox*'])
      expect(await hits(q), q).toEqual([{ messageId: userId, file: 'notes.md' }]);
    expect(await hits('"quick bro"')).toEqual([]);
    expect(await hits('"brown quick"')).toEqual([]);
    expect(await hits('capybara')).toEqual([]);
    // Every word must match inside the one file (not across the message and its file).
    expect(await hits('notes attached café')).toEqual([]);
  });

  it('a long file gets a window around the match, with … where it was cut', async () => {
    const words = Array.from({ length: 5000 }, (_, i) => `w${i}`);
    words[2500] = 'needlefile';
    await withFiles('c1', 'big one', [{ fileId: await file(words.join(' ')), name: 'big.txt' }]);
    const [hit] = await searchMessages(db, 'needlefile', 20);
    expect(hit!.snippet.startsWith('…')).toBe(true);
    expect(hit!.snippet.endsWith('…')).toBe(true);
    expect(hit!.snippet.split(' ').length).toBeLessThanOrEqual(13);
    expect(hit!.segments.find((s) => s.highlight)?.text).toBe('needlefile');
  });

  it('an exact phrase far into a long file is found where it is, and only there', async () => {
    // Past the 16,383rd word, and after a word's 255th occurrence: where PostgreSQL's word positions stop.
    const words = Array.from({ length: 20_000 }, (_, i) => (i % 2 ? 'the' : `w${i}`));
    const long = (await withFiles('c1', 'long', [{ fileId: await file(`${words.join(' ')} the quick brown fox, brown quick`), name: 'long.txt' }])).userId;
    expect(await hits('"quick brown"')).toEqual([{ messageId: long, file: 'long.txt' }]);
    expect(await hits('"the quick"')).toEqual([{ messageId: long, file: 'long.txt' }]);
    expect(await hits('"brown fox" quick')).toEqual([{ messageId: long, file: 'long.txt' }]);
    expect(await hits('"fox quick"')).toEqual([]);
    expect(await hits('"quick fox"')).toEqual([]);
    const [hit] = await searchMessages(db, '"quick brown"', 20);
    expect(hit!.segments.filter((s) => s.highlight).map((s) => s.text)).toEqual(['quick brown']);
  });

  it('a file with more distinct words than one word vector holds is stored, and searched', async () => {
    const words = Array.from({ length: 120_000 }, (_, i) => `z${i.toString(36)}`);
    words[60_000] = 'capybara';
    words.push('quick', 'brown');
    const big = (await withFiles('c1', 'huge', [{ fileId: await file(words.join(' ')), name: 'huge.txt' }])).userId;
    expect(await hits('capybara')).toEqual([{ messageId: big, file: 'huge.txt' }]);
    expect(await hits('"quick brown"')).toEqual([{ messageId: big, file: 'huge.txt' }]);
    expect(await hits('"brown quick"')).toEqual([]);
    const [hit] = await searchMessages(db, 'capybara', 20);
    expect(hit!.segments.find((s) => s.highlight)?.text).toBe('capybara');
    expect(hit!.snippet.startsWith('…') && hit!.snippet.endsWith('…')).toBe(true);
  });

  it('Chinese substrings inside a file: trigram and short terms', async () => {
    const long = '第一章。'.repeat(100) + '我喜欢在咖啡馆工作，因为那里很安静。' + '第二章。'.repeat(100);
    const zh = await file(long);
    const { userId } = await withFiles('c1', 'read this', [{ fileId: zh, name: '笔记.txt' }]);
    await withFiles('c2', 'and this', [{ fileId: await file('我喜欢在图书馆学习。'), name: 'other.txt' }]);
    expect(await hits('咖啡馆')).toEqual([{ messageId: userId, file: '笔记.txt' }]);
    expect(await hits('在咖啡馆工作')).toEqual([{ messageId: userId, file: '笔记.txt' }]);
    expect(await hits('咖啡厅')).toEqual([]);
    const [hit] = await searchMessages(db, '咖啡馆', 20);
    expect(hit!.segments.filter((s) => s.highlight).map((s) => s.text)).toEqual(['咖啡馆']);
    expect(hit!.snippet).toContain('我喜欢在咖啡馆工作');
    // 1–2 characters: a substring scan; the snippet is cut from the middle of the long text.
    expect(await hits('咖啡')).toEqual([{ messageId: userId, file: '笔记.txt' }]);
    const [short] = await searchMessages(db, '咖啡', 20);
    expect(short!.segments.filter((s) => s.highlight).map((s) => s.text)).toEqual(['咖啡']);
    expect(short!.snippet.startsWith('…')).toBe(true);
    expect(short!.snippet.endsWith('…')).toBe(true);
    expect(short!.snippet).toContain('在咖啡馆工作');
    expect(new Set((await hits('馆')).map((h) => h.file))).toEqual(new Set(['笔记.txt', 'other.txt']));
    // Mixed with a Latin word: both inside the same file.
    const mixed = (await withFiles('c3', 'mixed', [{ fileId: await file('Coffee notes: 我喜欢在咖啡馆工作'), name: 'mixed.txt' }])).userId;
    expect(await hits('coffee 咖啡馆')).toEqual([{ messageId: mixed, file: 'mixed.txt' }]);
    expect(await hits('coffee 咖啡')).toEqual([{ messageId: mixed, file: 'mixed.txt' }]);
  });

  it('a file attached to a deleted conversation is no longer found, even before its row is deleted', async () => {
    const shared = await file('the ocelot file');
    const gone = (await withFiles('c1', 'first', [{ fileId: shared, name: 'a.txt' }])).userId;
    const kept = (await withFiles('c2', 'second', [{ fileId: shared, name: 'b.txt' }])).userId;
    const only = await file('a lonely tapir 咖啡馆 file');
    await withFiles('c1', 'third', [{ fileId: only, name: 'c.txt' }]);
    expect(new Set(await ids('ocelot'))).toEqual(new Set([gone, kept]));
    const released = await conversationFileIds(db, 'c1');
    await deleteConversation(db, 'c1');
    // The rows are still there (they are deleted later), but nothing links to them any more.
    expect(await hits('ocelot')).toEqual([{ messageId: kept, file: 'b.txt' }]);
    for (const q of ['tapir', '咖啡馆', '咖啡']) expect(await hits(q), q).toEqual([]);
    await deleteUnreferencedFiles(db, { ids: released });
    expect(await hits('tapir')).toEqual([]);
    expect(await hits('ocelot')).toEqual([{ messageId: kept, file: 'b.txt' }]);
  });

  it('a file only in a project, or uploaded and never sent, is not a hit', async () => {
    await storeFile(db, { id: 'f'.repeat(64), kind: 'text', mediaType: 'text/plain', sizeBytes: 9, text: 'unsent walrus', tokens: 3 }, clock);
    const project = await createProject(db, { id: 'p1', name: 'P' }, clock);
    await addProjectFile(db, project.id, { fileId: await file('project walrus'), name: 'p.txt' });
    expect(await hits('walrus')).toEqual([]);
  });

  it('a message hit and a file hit in the same conversation both appear, merged by rank', async () => {
    const inMessage = (await exchange('c1', 'let us talk about the axolotl', 'sure')).userId;
    const inFile = (await withFiles('c1', 'see attached', [{ fileId: await file('All about the axolotl and its gills.'), name: 'axolotl.txt' }])).userId;
    await exchange('c2', 'nothing here', 'ok');
    expect(await hits('axolotl')).toEqual([
      { messageId: inMessage, file: undefined },
      { messageId: inFile, file: 'axolotl.txt' },
    ]);
    // A message whose own text and file both match is one hit for each.
    const both = (await withFiles('c1', 'my axolotl notes', [{ fileId: await file('axolotl axolotl'), name: 'more.txt' }])).userId;
    const found = await hits('axolotl');
    expect(found).toHaveLength(4);
    expect(found).toContainEqual({ messageId: both, file: undefined });
    expect(found).toContainEqual({ messageId: both, file: 'more.txt' });
    expect(await hits('axolotl', 2)).toHaveLength(2);
  });

  it('two matching files on one message are two hits; the same file twice on one is one', async () => {
    const a = await file('the quokka file');
    const b = await file('another quokka file');
    const one = (
      await withFiles('c1', 'two files', [
        { fileId: a, name: 'a.txt' },
        { fileId: b, name: 'b.txt' },
        { fileId: a, name: 'a copy.txt' },
      ])
    ).userId;
    const found = await hits('quokka');
    expect(found).toHaveLength(2);
    expect(new Set(found.map((h) => h.file))).toEqual(new Set(['a.txt', 'b.txt']));
    expect(found.every((h) => h.messageId === one)).toBe(true);
  });

  it(`a file attached to many messages is reported for its newest ${FILE_HITS_PER_FILE}`, async () => {
    const shared = await file('the manatee handbook');
    const users: string[] = [];
    for (let i = 0; i < FILE_HITS_PER_FILE + 4; i++) users.push((await withFiles(`c${i}`, `turn ${i}`, [{ fileId: shared, name: `h${i}.txt` }])).userId);
    const other = (await withFiles('x', 'other', [{ fileId: await file('a manatee elsewhere'), name: 'x.txt' }])).userId;
    const found = await hits('manatee');
    expect(found.filter((h) => h.messageId !== other).map((h) => h.messageId)).toEqual(users.slice(-FILE_HITS_PER_FILE).reverse());
    expect(found.map((h) => h.messageId)).toContain(other);
  });

  it('with no files at all, message search is unchanged', async () => {
    const hit = (await exchange('c1', 'a plain heron', 'ok')).userId;
    expect(await hits('heron')).toEqual([{ messageId: hit, file: undefined }]);
    expect(await hits('咖啡')).toEqual([]);
  });

  it('random user input never throws when files are attached', async () => {
    await withFiles('c1', 'x', [{ fileId: await file('Hello café 我喜欢在咖啡馆工作 コーヒー 커피숍 "quoted" (paren) NEAR/3 * ^ 50%_off!'), name: 'f.txt' }]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('"', '*', '(', ')', 'NEAR', 'OR', ' ', '%', '_', '!', 'hel', 'café', '咖啡馆', '咖', '커피', '\u0001'), { maxLength: 20 }).map((a) => a.join('')),
        async (q) => {
          for (const r of await searchMessages(db, q, 20)) expect(r.conversationId).toBe('c1');
        },
      ),
      { numRuns: 500 },
    );
  });
});
