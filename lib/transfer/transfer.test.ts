import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import type { DB } from '@/db/client';
import { getConversation, updateConversation } from '@/db/conversations';
import { getConversationAttachments, storeFile, type NewFile } from '@/db/files';
import { beginTurn, finishReply, getActivePath, selectBranch } from '@/db/messages';
import { messages as messagesTable, conversations as conversationsTable, files as filesTable, messageFiles as messageFilesTable } from '@/db/schema';
import { ApiError } from '@/lib/api/errors';
import { estimateTokens } from '@/lib/chat/context-window';
import { parseConfig } from '@/lib/config';
import { createSessionToken, SESSION_COOKIE, sessionKey } from '@/lib/security/session';
import { openTestDb } from '@/lib/testing/test-db';
import {
  attachmentHeader,
  conversationMarkdown,
  exportAllStream,
  exportConversation,
  exportConversationJson,
  slugify,
} from './export';
import { EXPORT_FORMAT, type ExportFile } from './format';
import { guardUnproxiedWrite } from './guard';
import { ByteSource, FileShapeError, importJsonFile, Importer, importRequest, importUploadedFile } from './import';

const FIXTURES = join(__dirname, 'fixtures');
const fixtureBytes = (name: string) => readFileSync(join(FIXTURES, name));
const T0 = 1_700_000_000_000;

let db: DB;
beforeEach(async () => {
  db = await openTestDb();
});

/** Bytes as a stream of chunks of the given size (to cross every boundary: CJK characters, tokens). */
async function* chunks(bytes: Uint8Array | string, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes);
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}

/** A web stream over chunks (ReadableStream.from is not in the DOM typings yet). */
function streamOf(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
}

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

async function importBytes(target: DB, bytes: Uint8Array | string, name = 'file.json', chunkSize?: number) {
  const importer = new Importer(target);
  await importUploadedFile(importer, new ByteSource(chunks(bytes, chunkSize)), name);
  return importer.report;
}

/** A conversation with everything the format carries: two branches, usage, a failure, settings, a pin. */
async function seed(target: DB): Promise<void> {
  await beginTurn(target, { conversationId: 'conv-a', title: 'Tea and coffee', user: { id: 'u1', content: 'Tea or coffee?' }, assistantId: 'a1', model: 'qwen-turbo', now: T0 });
  await finishReply(target, 'a1', { content: 'Both are fine.', status: 'complete', usage: { promptTokens: 12, completionTokens: 4, cachedTokens: 0 } }, T0 + 50);
  await beginTurn(target, { conversationId: 'conv-a', title: '', user: { id: 'u2', content: 'Which has more caffeine?' }, assistantId: 'a2', model: 'qwen-turbo', now: T0 + 1000 });
  await finishReply(target, 'a2', { content: 'Coffee, usually.', status: 'complete', usage: { promptTokens: 30, completionTokens: 5, cachedTokens: 12 }, contextOmitted: 2 }, T0 + 1100);
  // A regenerated reply (a sibling of a2) that failed, then an edited question (a sibling of u2).
  await beginTurn(target, { conversationId: 'conv-a', title: '', user: null, regenerateFrom: 'u2', assistantId: 'a2b', model: 'qwen-plus', now: T0 + 2000 });
  await finishReply(target, 'a2b', { content: 'Cof', status: 'error', error: 'The connection to the model was lost.' }, T0 + 2100);
  await beginTurn(target, { conversationId: 'conv-a', title: '', user: { id: 'u2e', content: 'Which is healthier?', parentId: 'a1' }, assistantId: 'a3', model: 'qwen-turbo', now: T0 + 3000 });
  await finishReply(target, 'a3', { content: 'Neither is bad in moderation.', status: 'stopped' }, T0 + 3100);
  // Back to the first branch.
  await selectBranch(target, 'conv-a', 'a2');
  await updateConversation(target, 'conv-a', { pinnedAt: T0 + 5000, settings: { temperature: 0.3, systemPrompt: 'Be brief.' } });

  await beginTurn(target, { conversationId: 'conv-b', title: '长城', user: { id: 'b1', content: '你好，长城有多长？' }, assistantId: 'b2', model: 'qwen-turbo', now: T0 + 10_000 });
  await finishReply(target, 'b2', { content: '两万多公里。🧱', status: 'complete' }, T0 + 10_100);
}

/** A file as an upload stores it: the id is the hash of its bytes, tokens the estimate of its text. */
function newFile(bytes: string, file: { kind: NewFile['kind']; mediaType: string; text: string; pages?: number | null }): NewFile {
  return { id: createHash('sha256').update(bytes).digest('hex'), sizeBytes: Buffer.byteLength(bytes), tokens: estimateTokens(file.text), ...file };
}
const REPORT = newFile('%PDF-1.7 report', { kind: 'pdf', mediaType: 'application/pdf', text: 'Quarterly report.\n\nRevenue grew.', pages: 3 });
const NOTES = newFile('notes: 长城 🧱', { kind: 'text', mediaType: 'text/plain', text: 'notes: 长城 🧱' });

/**
 * Conversations with attachments: "Files" has the same PDF on two messages (under two names)
 * and two files on one message; "More files" shares NOTES with it.
 */
async function seedAttachments(target: DB): Promise<void> {
  await storeFile(target, REPORT, T0);
  await storeFile(target, NOTES, T0);
  await beginTurn(target, {
    conversationId: 'conv-f',
    title: 'Files',
    user: { id: 'f1', content: 'Summarise these.', attachments: [{ fileId: REPORT.id, name: 'report.pdf' }, { fileId: NOTES.id, name: 'notes.txt' }] },
    assistantId: 'f2',
    model: 'qwen-turbo',
    now: T0 + 20_000,
  });
  await finishReply(target, 'f2', { content: 'Revenue grew; the notes mention the Great Wall.', status: 'complete' }, T0 + 20_100);
  await beginTurn(target, {
    conversationId: 'conv-f',
    title: '',
    user: { id: 'f3', content: '', attachments: [{ fileId: REPORT.id, name: 'report (copy).pdf' }] },
    assistantId: 'f4',
    model: 'qwen-turbo',
    now: T0 + 21_000,
  });
  await finishReply(target, 'f4', { content: 'The same report again.', status: 'complete' }, T0 + 21_100);
  await beginTurn(target, {
    conversationId: 'conv-g',
    title: 'More files',
    user: { id: 'g1', content: 'And these?', attachments: [{ fileId: NOTES.id, name: 'my_notes.txt' }] },
    assistantId: 'g2',
    model: 'qwen-turbo',
    now: T0 + 30_000,
  });
  await finishReply(target, 'g2', { content: 'Notes.', status: 'complete' }, T0 + 30_100);
}

const exportedFile = ({ id, kind, mediaType, sizeBytes, tokens, pages, text }: NewFile) => ({ id, kind, mediaType, sizeBytes, tokens, pages: pages ?? null, text });

describe('export', () => {
  it('a conversation: every message of every branch, parents first, with all fields', async () => {
    await seed(db);
    const c = (await exportConversation(db, 'conv-a'))!;
    expect(c).toMatchObject({
      id: 'conv-a',
      title: 'Tea and coffee',
      createdAt: T0,
      pinnedAt: T0 + 5000,
      settings: { temperature: 0.3, systemPrompt: 'Be brief.' },
      source: null,
      sourceId: null,
    });
    expect(c.messages.map((m) => m.id)).toEqual(['u1', 'a1', 'u2', 'a2', 'a2b', 'u2e', 'a3']);
    expect(c.currentLeafId).toBe((await getConversation(db, 'conv-a'))!.currentLeafId);
    expect(c.messages.find((m) => m.id === 'a2')).toEqual({
      id: 'a2',
      parentId: 'u2',
      role: 'assistant',
      content: 'Coffee, usually.',
      status: 'complete',
      error: null,
      model: 'qwen-turbo',
      promptTokens: 30,
      completionTokens: 5,
      cachedTokens: 12,
      contextOmitted: 2,
      createdAt: T0 + 1001,
      updatedAt: T0 + 1100,
    });
    expect(c.messages.find((m) => m.id === 'a2b')).toMatchObject({ status: 'error', error: 'The connection to the model was lost.', model: 'qwen-plus' });
    expect(await exportConversation(db, 'nope')).toBeUndefined();
  });

  it('everything, streamed: a valid file with the header first and each conversation once', async () => {
    await seed(db);
    const body = await text(exportAllStream(db, T0));
    expect(body.startsWith(`{"format":"qwen-chat","version":1,"exportedAt":${T0},"conversations":[`)).toBe(true);
    const file = JSON.parse(body) as ExportFile;
    expect(file.format).toBe(EXPORT_FORMAT);
    expect(file.conversations.map((c) => c.id)).toEqual(['conv-a', 'conv-b']);
    expect(file.conversations[0]).toEqual(await exportConversation(db, 'conv-a'));
  });

  it('an empty database exports an empty list', async () => {
    expect(JSON.parse(await text(exportAllStream(db, T0)))).toEqual({ format: 'qwen-chat', version: 1, exportedAt: T0, conversations: [] });
  });

  it('streams page by page: 250 conversations, pulled one at a time', async () => {
    for (let i = 0; i < 250; i++) {
      await db.insert(conversationsTable).values({ id: `c${String(i).padStart(3, '0')}`, title: `Chat ${i}`, createdAt: T0 + (i % 7), updatedAt: T0 });
    }
    const stream = exportAllStream(db, T0);
    const reader = stream.getReader();
    let pieces = 0;
    let all = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pieces++;
      all += new TextDecoder().decode(value);
    }
    expect(pieces).toBe(250 + 2); // header, one piece per conversation, footer
    const ids = (JSON.parse(all) as ExportFile).conversations.map((c) => c.id);
    expect(new Set(ids).size).toBe(250);
  });

  it('Markdown: the title, then the active branch under role headings', async () => {
    await seed(db);
    const md = conversationMarkdown((await exportConversation(db, 'conv-a'))!);
    expect(md).toBe(
      [
        '# Tea and coffee',
        '',
        '## User',
        '',
        'Tea or coffee?',
        '',
        '## Assistant',
        '',
        '*qwen-turbo*',
        '',
        'Both are fine.',
        '',
        '## User',
        '',
        'Which has more caffeine?',
        '',
        '## Assistant',
        '',
        '*qwen-turbo*',
        '',
        'Coffee, usually.',
        '',
      ].join('\n'),
    );
    expect(md).not.toContain('healthier'); // another branch
  });

  it('file names: an ASCII slug, and the UTF-8 title as filename* when it has other characters', () => {
    expect(slugify('Tea & Coffee: a comparison!')).toBe('tea-coffee-a-comparison');
    expect(slugify('Café crème')).toBe('cafe-creme');
    expect(slugify('长城')).toBe('conversation');
    expect(attachmentHeader('Tea & Coffee', 'md')).toBe('attachment; filename="tea-coffee.md"');
    expect(attachmentHeader('长城 "quotes"', 'json')).toBe(
      `attachment; filename="quotes.json"; filename*=UTF-8''${encodeURIComponent('长城 quotes.json')}`,
    );
    // A title of emoji cut in the middle of a surrogate pair would make encodeURIComponent throw.
    expect(() => attachmentHeader('🧱'.repeat(200), 'md')).not.toThrow();
  });
});

describe('round trip of our format', () => {
  it('export → import into a fresh database → export: identical, ids, branches, usage, times and attachments included', async () => {
    await seed(db);
    await seedAttachments(db);
    const first = await text(exportAllStream(db, T0));
    const fresh = await openTestDb();
    const report = await importBytes(fresh, first, 'export.json', 7); // tiny chunks: every boundary
    expect(report).toMatchObject({ imported: 4, skipped: 0, errors: [] });
    const second = await text(exportAllStream(fresh, T0));
    expect(second).toBe(first);
    // And the app sees the same chat.
    const leaf = (await getConversation(fresh, 'conv-a'))!.currentLeafId;
    expect((await getActivePath(fresh, leaf)).map((m) => m.id)).toEqual(['u1', 'a1', 'u2', 'a2']);
    // Each file once, though it is in two conversations and on two messages of one.
    expect((await fresh.select().from(filesTable)).map(({ createdAt: _, ...f }) => f)).toEqual(
      expect.arrayContaining([expect.objectContaining(exportedFile(REPORT)), expect.objectContaining(exportedFile(NOTES))]),
    );
    expect((await fresh.select().from(filesTable))).toHaveLength(2);
    expect((await fresh.select().from(messageFilesTable))).toHaveLength(4);
    expect((await getConversationAttachments(fresh, 'conv-f')).get('f1')!.map((a) => [a.name, a.id, a.tokens])).toEqual([
      ['report.pdf', REPORT.id, REPORT.tokens],
      ['notes.txt', NOTES.id, NOTES.tokens],
    ]);
  });

  it('a single-conversation JSON export imports too', async () => {
    await seed(db);
    const file = exportConversationJson((await exportConversation(db, 'conv-b'))!, T0);
    const fresh = await openTestDb();
    expect(await importBytes(fresh, file)).toMatchObject({ imported: 1, skipped: 0 });
    expect(await exportConversation(fresh, 'conv-b')).toEqual(await exportConversation(db, 'conv-b'));
  });

  it('re-importing skips what is there and changes nothing stored', async () => {
    await seed(db);
    const file = JSON.parse(await text(exportAllStream(db, T0))) as ExportFile;
    const before = await text(exportAllStream(db, T0));
    // Same ids, different content: still skipped, never overwritten.
    file.conversations[0]!.title = 'Overwritten?';
    file.conversations[0]!.messages[0]!.content = 'Overwritten?';
    const report = await importBytes(db, JSON.stringify(file));
    expect(report).toMatchObject({ imported: 0, skipped: 2, errors: [] });
    expect(await text(exportAllStream(db, T0))).toBe(before);
  });

  it('a message id that another conversation already uses → that conversation is an error, the others import', async () => {
    await seed(db);
    const file = JSON.parse(await text(exportAllStream(db, T0))) as ExportFile;
    file.conversations[0]!.id = 'conv-a-copy';
    file.conversations[1]!.id = 'conv-b-copy';
    file.conversations[1]!.messages = file.conversations[1]!.messages.map((m) => ({
      ...m,
      id: `${m.id}-copy`,
      parentId: m.parentId && `${m.parentId}-copy`,
    }));
    file.conversations[1]!.currentLeafId = `${file.conversations[1]!.currentLeafId}-copy`;
    const report = await importBytes(db, JSON.stringify(file));
    expect(report.imported).toBe(1);
    expect(report.errors).toEqual([{ conversation: 'Tea and coffee', reason: 'a message id in it is already used by another conversation', file: 'file.json' }]);
    expect(await getConversation(db, 'conv-a-copy')).toBeUndefined(); // rolled back whole
    expect(await getConversation(db, 'conv-b-copy')).toBeDefined();
  });

  it('a reply still streaming at export time imports as interrupted', async () => {
    await beginTurn(db, { conversationId: 'live', title: 'Live', user: { id: 'l1', content: 'hi' }, assistantId: 'l2', model: 'm', now: T0 });
    const file = await text(exportAllStream(db, T0));
    const fresh = await openTestDb();
    await importBytes(fresh, file);
    expect((await exportConversation(fresh, 'live'))!.messages[1]).toMatchObject({ status: 'interrupted', error: expect.stringMatching(/still being written/) });
  });

  it('invalid conversations are reported one by one; the valid ones import', async () => {
    const good = { id: 'ok', title: 'Fine', createdAt: T0, updatedAt: T0, currentLeafId: 'm1', messages: [{ id: 'm1', parentId: null, role: 'user', content: 'x', createdAt: T0 }] };
    const file = {
      format: 'qwen-chat',
      version: 1,
      exportedAt: T0,
      conversations: [
        { ...good, id: 'bad id with spaces' },
        { ...good, id: 'orphan', title: 'Orphan', messages: [{ ...good.messages[0], parentId: 'missing' }] },
        { ...good, id: 'leafless', title: 'Leafless', currentLeafId: 'nope' },
        { ...good, id: 'twice', title: 'Twice', messages: [good.messages[0], good.messages[0]] },
        good,
      ],
    };
    const report = await importBytes(db, JSON.stringify(file));
    expect(report.imported).toBe(1);
    expect(report.errors.map((e) => [e.conversation, e.reason.split(':')[0]])).toEqual([
      ['Fine', 'id'],
      ['Orphan', 'messages'],
      ['Leafless', 'currentLeafId'],
      ['Twice', 'messages'],
    ]);
    // Omitted optional fields take their defaults.
    expect((await exportConversation(db, 'ok'))!.messages[0]).toMatchObject({ status: 'complete', model: null, updatedAt: T0 });
  });
});

describe('attachments in the export', () => {
  it('a conversation lists each file it uses once, in the order first used; each message its attachments in order', async () => {
    await seedAttachments(db);
    const c = (await exportConversation(db, 'conv-f'))!;
    expect(c.files).toEqual([exportedFile(REPORT), exportedFile(NOTES)]);
    expect(c.messages.map((m) => [m.id, m.attachments])).toEqual([
      ['f1', [{ fileId: REPORT.id, name: 'report.pdf' }, { fileId: NOTES.id, name: 'notes.txt' }]],
      ['f2', undefined],
      ['f3', [{ fileId: REPORT.id, name: 'report (copy).pdf' }]],
      ['f4', undefined],
    ]);
    expect((await exportConversation(db, 'conv-g'))!.files).toEqual([exportedFile(NOTES)]);
    // No attachments: the fields are not there at all, as before attachments existed.
    await seed(db);
    const json = exportConversationJson((await exportConversation(db, 'conv-a'))!, T0);
    expect(json).not.toMatch(/"files"|"attachments"/);
  });

  it('Markdown names the attachments under the user message heading, with their tokens, not their text', async () => {
    await seedAttachments(db);
    const md = conversationMarkdown((await exportConversation(db, 'conv-f'))!);
    expect(md).toContain(
      [
        '## User',
        '',
        `Attached: report.pdf (${REPORT.tokens.toLocaleString('en-US')} tokens), notes.txt (${NOTES.tokens} tokens)`,
        '',
        'Summarise these.',
        '',
        '## Assistant',
      ].join('\n'),
    );
    // A message that is only attachments: no "(empty)".
    expect(md).toContain(`## User\n\nAttached: report (copy).pdf (${REPORT.tokens} tokens)\n\n## Assistant`);
    expect(md).not.toContain('Revenue grew.');
    expect(md).not.toContain('长城');
    expect(conversationMarkdown((await exportConversation(db, 'conv-g'))!)).toContain('Attached: my_notes.txt (');
    const odd = conversationMarkdown({
      ...(await exportConversation(db, 'conv-g'))!,
      messages: (await exportConversation(db, 'conv-g'))!.messages.map((m) => (m.attachments ? { ...m, attachments: [{ fileId: NOTES.id, name: '*bold* [x](y) _a_.txt' }] } : m)),
    });
    expect(odd).toContain('Attached: \\*bold\\* \\[x\\](y) \\_a\\_.txt (');
  });
});

describe('attachments in the import', () => {
  async function exported(target: DB): Promise<ExportFile> {
    return JSON.parse(await text(exportAllStream(target, T0))) as ExportFile;
  }

  it('tokens are recomputed from the text, not taken from the file; ids are lower-cased; names cleaned', async () => {
    await seedAttachments(db);
    const file = await exported(db);
    const f = file.conversations.find((c) => c.id === 'conv-f')!;
    f.files![0]!.tokens = 999_999;
    f.files![1]!.id = NOTES.id.toUpperCase();
    f.messages[0]!.attachments![1]!.fileId = NOTES.id.toUpperCase();
    f.messages[0]!.attachments![1]!.name = 'dir/\u202enotes\n.txt';
    const fresh = await openTestDb();
    expect(await importBytes(fresh, JSON.stringify(file))).toMatchObject({ imported: 2, errors: [] });
    expect((await fresh.select().from(filesTable)).map((r) => [r.id, r.tokens])).toEqual(
      expect.arrayContaining([
        [REPORT.id, estimateTokens(REPORT.text)],
        [NOTES.id, estimateTokens(NOTES.text)],
      ]),
    );
    expect((await getConversationAttachments(fresh, 'conv-f')).get('f1')!.map((a) => [a.id, a.name])).toEqual([
      [REPORT.id, 'report.pdf'],
      [NOTES.id, 'notes .txt'],
    ]);
  });

  it('an attachment whose file is not in `files` → that conversation is an error and nothing of it is stored; the others import', async () => {
    await seed(db);
    await seedAttachments(db);
    const file = await exported(db);
    const f = file.conversations.find((c) => c.id === 'conv-f')!;
    f.files = f.files!.filter((x) => x.id !== NOTES.id);
    const fresh = await openTestDb();
    const report = await importBytes(fresh, JSON.stringify(file));
    expect(report.imported).toBe(3);
    expect(report.errors).toEqual([
      { conversation: 'Files', reason: expect.stringMatching(/^messages: message f1 has an attachment \(notes\.txt\) whose file \([0-9a-f]{64}\) is not in/), file: 'file.json' },
    ]);
    expect(await getConversation(fresh, 'conv-f')).toBeUndefined();
    expect(await getConversation(fresh, 'conv-g')).toBeDefined();
    // REPORT was only in the refused conversation; NOTES came with conv-g.
    expect((await fresh.select({ id: filesTable.id }).from(filesTable))).toEqual([{ id: NOTES.id }]);
  });

  it('files in a conversation that cannot be stored are rolled back with it', async () => {
    await seedAttachments(db);
    const file = await exported(db);
    const fresh = await openTestDb();
    // A message id of conv-f is already used here by another conversation.
    await beginTurn(fresh, { conversationId: 'other', title: 'Other', user: { id: 'f3', content: 'taken' }, assistantId: 'o2', model: 'm', now: T0 });
    const report = await importBytes(fresh, JSON.stringify(file));
    expect(report.imported).toBe(1);
    expect(report.errors).toEqual([{ conversation: 'Files', reason: 'a message id in it is already used by another conversation', file: 'file.json' }]);
    expect((await fresh.select({ id: filesTable.id }).from(filesTable))).toEqual([{ id: NOTES.id }]);
    expect((await fresh.select().from(messageFilesTable))).toHaveLength(1);
  });

  it('bad files are errors: an id that is not 64 hex digits, an unknown kind, the same file twice', async () => {
    await seedAttachments(db);
    const base = (await exported(db)).conversations.find((c) => c.id === 'conv-g')!;
    const notes = base.files![0]!;
    /** conv-g under another id (so its message ids are new too), with these files and attachments. */
    const variant = (id: string, files: unknown, attachments = base.messages[0]!.attachments) => ({
      ...base,
      id,
      title: id,
      files,
      currentLeafId: `${base.currentLeafId}-${id}`,
      messages: base.messages.map((m) => ({
        ...m,
        id: `${m.id}-${id}`,
        parentId: m.parentId && `${m.parentId}-${id}`,
        ...(m.attachments ? { attachments } : {}),
      })),
    });
    const shortId = notes.id.slice(0, 63);
    const file = {
      format: 'qwen-chat',
      version: 1,
      exportedAt: T0,
      conversations: [
        variant('short', [{ ...notes, id: shortId }], [{ fileId: shortId, name: 'n.txt' }]),
        variant('kind', [{ ...notes, kind: 'exe' }]),
        variant('twice', [notes, notes]),
        variant('fine', [notes, { ...exportedFile(REPORT) }]), // REPORT is attached to nothing here: not stored
      ],
    };
    const fresh = await openTestDb();
    const report = await importBytes(fresh, JSON.stringify(file));
    expect(report.errors.map((e) => [e.conversation, e.reason])).toEqual([
      ['short', expect.stringMatching(/^files\.0\.id: must be 64 hexadecimal characters/)],
      ['kind', expect.stringMatching(/^files\.0\.kind: /)],
      ['twice', expect.stringMatching(/^files: file [0-9a-f]{64} appears twice/)],
    ]);
    expect(report.imported).toBe(1);
    expect((await fresh.select({ id: filesTable.id }).from(filesTable))).toEqual([{ id: NOTES.id }]);
    expect((await exportConversation(fresh, 'fine'))!.files).toEqual([exportedFile(NOTES)]);
  });

  it('a version 1 export made before attachments existed imports, and exports back byte for byte', async () => {
    // Exactly what the exporter wrote before `files` and `attachments` were added.
    const old =
      '{"format":"qwen-chat","version":1,"exportedAt":1700000000000,"conversations":[\n' +
      JSON.stringify({
        id: 'old-chat',
        title: 'Before attachments',
        createdAt: T0,
        updatedAt: T0 + 100,
        pinnedAt: null,
        settings: null,
        currentLeafId: 'o2',
        source: null,
        sourceId: null,
        messages: [
          { id: 'o1', parentId: null, role: 'user', content: 'Hello', status: 'complete', error: null, model: null, promptTokens: null, completionTokens: null, cachedTokens: null, contextOmitted: null, createdAt: T0, updatedAt: T0 },
          { id: 'o2', parentId: 'o1', role: 'assistant', content: 'Hi!', status: 'complete', error: null, model: 'qwen-turbo', promptTokens: 5, completionTokens: 2, cachedTokens: 0, contextOmitted: null, createdAt: T0 + 1, updatedAt: T0 + 100 },
        ],
      }) +
      '\n]}\n';
    expect(await importBytes(db, old)).toMatchObject({ imported: 1, skipped: 0, errors: [] });
    expect((await db.select().from(filesTable))).toEqual([]);
    expect(exportConversationJson((await exportConversation(db, 'old-chat'))!, T0)).toBe(old);
  });
});

describe('ChatGPT import', () => {
  it('imports a conversations.json and reports skipped messages; a second import skips it all', async () => {
    const bytes = Buffer.concat([
      Buffer.from('['),
      ...['chatgpt-linear.json', 'chatgpt-branches.json', 'chatgpt-skips.json', 'chatgpt-cjk.json'].flatMap((f, i) => {
        const inner = fixtureBytes(f).toString('utf8').trim().slice(1, -1);
        return [Buffer.from(i ? ',' : ''), Buffer.from(inner)];
      }),
      Buffer.from(']'),
    ]);
    const report = await importBytes(db, bytes, 'conversations.json', 1000);
    expect(report).toMatchObject({ imported: 4, skipped: 0, errors: [], files: [{ name: 'conversations.json', format: 'chatgpt', conversations: 4 }] });
    expect(report.skippedMessages).toEqual({ emptyNode: 4, hidden: 4, tool: 3, nonText: 2, empty: 0, attachments: 2 });
    const rows = (await db.select().from(conversationsTable));
    expect(rows.map((r) => [r.title, r.source])).toEqual(
      expect.arrayContaining([
        ['Linear chat about tea', 'chatgpt'],
        ['长城与富士山', 'chatgpt'],
      ]),
    );
    const branches = rows.find((r) => r.sourceId === '67b00000-0000-4000-8000-00000000b0b0')!;
    expect((await getActivePath(db, branches.currentLeafId)).map((m) => m.content).at(-1)).toContain('(first version)');
    expect((await db.select().from(messagesTable))).toHaveLength(4 + 7 + 5 + 4);

    const again = await importBytes(db, bytes, 'conversations.json');
    expect(again).toMatchObject({ imported: 0, skipped: 4, errors: [] });
    expect(again.skippedMessages).toEqual({ emptyNode: 0, hidden: 0, tool: 0, nonText: 0, empty: 0, attachments: 0 });
    expect((await db.select().from(conversationsTable))).toHaveLength(4);
  });

  it('a CJK export read one byte at a time imports the same text', async () => {
    await importBytes(db, fixtureBytes('chatgpt-cjk.json'), 'cjk.json', 1);
    const contents = (await db.select().from(messagesTable)).map((m) => m.content);
    expect(contents).toContain('长城是中国古代的军事防御工程，总长度超过两万公里。🧱');
  });

  it('the split export: conversations-000.json and conversations-001.json, one after the other', async () => {
    const importer = new Importer(db);
    for (const f of ['conversations-000.json', 'conversations-001.json']) {
      await importJsonFile(importer, chunks(fixtureBytes(`split/${f}`)), f);
    }
    expect(importer.report).toMatchObject({ imported: 3, skipped: 0, errors: [] });
    expect((await importBytes(db, fixtureBytes('split/conversations-001.json'))).skipped).toBe(1);
  });

  it('the .zip export, with conversations.json or with the split files', async () => {
    const single = await zip({
      'chat.html': Buffer.from('<html></html>'),
      'conversations.json': fixtureBytes('chatgpt-branches.json'),
      'user.json': Buffer.from('{}'),
      'file-AbC123-cat.png': Buffer.from([0x89, 0x50, 0x4e, 0x47]),
    });
    const report = await importBytes(db, single, 'export.zip');
    expect(report).toMatchObject({ imported: 1, errors: [] });
    expect(report.files.map((f) => f.name)).toEqual(['export.zip', 'export.zip/conversations.json']);

    const split = await zip({
      'conversations-001.json': fixtureBytes('split/conversations-001.json'),
      'conversations-000.json': fixtureBytes('split/conversations-000.json'),
    });
    const second = await importBytes(db, split, 'split.zip', 333);
    expect(second).toMatchObject({ imported: 3, skipped: 0, errors: [] });
    expect(second.files.map((f) => f.name)).toEqual(['split.zip', 'split.zip/conversations-000.json', 'split.zip/conversations-001.json']);
    expect((await importBytes(db, split, 'split.zip')).skipped).toBe(3);
  });

  it('a zip without conversations, or a broken zip, is not accepted', async () => {
    await expect(importBytes(db, await zip({ 'notes.txt': Buffer.from('hi') }), 'x.zip')).rejects.toThrow(/no conversations\.json/);
    const broken = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100)]);
    await expect(importBytes(db, broken, 'broken.zip')).rejects.toThrow(FileShapeError);
  });

  it('malformed conversations are reported and do not stop the others', async () => {
    const report = await importBytes(db, fixtureBytes('chatgpt-malformed.json'), 'conversations.json');
    expect(report.imported).toBe(2);
    expect(report.errors).toEqual([
      { conversation: 'No mapping here', reason: expect.stringMatching(/^mapping: /), file: 'conversations.json' },
      { conversation: 'Mapping is a string', reason: expect.stringMatching(/^mapping: /), file: 'conversations.json' },
      { conversation: 'A node without an author', reason: expect.stringMatching(/^mapping\.u\.message: author/), file: 'conversations.json' },
      { conversation: '#5', reason: expect.stringMatching(/expected an object/), file: 'conversations.json' },
    ]);
    expect((await db.select().from(conversationsTable)).map((r) => r.title).sort()).toEqual(['Survivor one', 'Survivor two']);
  });

  it.each([
    ['an object that is not ours', fixtureBytes('not-an-export.json'), /neither a ChatGPT export/],
    ['an array of numbers', '[1, 2, 3]', /not of conversations/],
    ['a single ChatGPT conversation, not in an array', JSON.stringify({ title: 'x', mapping: {} }), /inside an array/],
    ['plain text', 'hello', /not JSON/],
    ['an empty file', '  \n', /empty/],
    ['invalid JSON from the start', '[{"title": "x",', /not valid JSON/],
    ['a newer version of our format', '{"format":"qwen-chat","version":2,"conversations":[]}', /version 2/],
    ['another format name', '{"format":"other","version":1,"conversations":[]}', /neither/],
  ])('%s → FileShapeError, nothing imported', async (_name, bytes, message) => {
    await expect(importBytes(db, bytes)).rejects.toThrow(FileShapeError);
    await expect(importBytes(db, bytes)).rejects.toThrow(message);
    expect((await db.select().from(conversationsTable))).toEqual([]);
  });

  it('a file cut off part-way keeps what came before and reports the rest', async () => {
    const whole = fixtureBytes('split/conversations-000.json').toString('utf8');
    const cut = whole.slice(0, whole.indexOf('Split part one, second') + 40);
    const report = await importBytes(db, cut, 'cut.json');
    expect(report.imported).toBe(1);
    expect(report.errors).toEqual([{ conversation: '(rest of file)', reason: expect.stringMatching(/not valid JSON after 1 conversation/), file: 'cut.json' }]);
  });

  it('one conversation larger than the per-conversation cap is refused without holding it', async () => {
    const importer = new Importer(db);
    const huge = `[{"id":"x","title":"${'a'.repeat(200_000)}","mapping":{}}]`;
    await expect(importJsonFile(importer, chunks(huge, 10_000), 'huge.json', { maxConversationBytes: 50_000 })).rejects.toThrow(/conversation 1 is larger than/);
  });
});

describe('importRequest (POST /api/import)', () => {
  const url = 'http://app.test/api/import';
  const options = { maxBytes: 10_000_000 };

  it('a JSON body', async () => {
    const request = new Request(url, { method: 'POST', body: fixtureBytes('chatgpt-linear.json'), headers: { 'content-type': 'application/json' } });
    expect(await importRequest(db, request, options)).toMatchObject({ imported: 1, skipped: 0 });
  });

  it('a streamed body with no content-length', async () => {
    const body = streamOf(chunks(fixtureBytes('chatgpt-cjk.json'), 100));
    const request = new Request(url, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(request.headers.get('content-length')).toBeNull();
    expect(await importRequest(db, request, options)).toMatchObject({ imported: 1 });
  });

  it('several files in one multipart request (field "file"), a zip among them', async () => {
    const form = new FormData();
    form.append('note', 'ignored');
    form.append('file', new Blob([new Uint8Array(fixtureBytes('split/conversations-000.json'))]), 'conversations-000.json');
    form.append('file', new Blob([new Uint8Array(fixtureBytes('split/conversations-001.json'))]), 'conversations-001.json');
    form.append('file', new Blob([new Uint8Array(await zip({ 'conversations.json': fixtureBytes('chatgpt-cjk.json') }))]), '导出.zip');
    const report = await importRequest(db, new Request(url, { method: 'POST', body: form }), options);
    expect(report).toMatchObject({ imported: 4, skipped: 0, errors: [] });
    expect(report.files.map((f) => f.name)).toEqual(['conversations-000.json', 'conversations-001.json', '导出.zip', '导出.zip/conversations.json']);
  });

  it('a bad file among good ones is reported; alone it is a 400', async () => {
    const form = new FormData();
    form.append('file', new Blob(['{"nope":1}']), 'bad.json');
    form.append('file', new Blob([new Uint8Array(fixtureBytes('chatgpt-linear.json'))]), 'good.json');
    const report = await importRequest(db, new Request(url, { method: 'POST', body: form }), options);
    expect(report.imported).toBe(1);
    expect(report.errors).toEqual([{ conversation: '(whole file)', reason: expect.stringMatching(/^bad\.json is neither/), file: 'bad.json' }]);

    const alone = new FormData();
    alone.append('file', new Blob(['{"nope":1}']), 'bad.json');
    const error = await importRequest(db, new Request(url, { method: 'POST', body: alone }), options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toMatch(/bad\.json is neither a ChatGPT export/);
  });

  it('refuses what is too large: declared (before reading) or streamed', async () => {
    const bytes = fixtureBytes('chatgpt-linear.json');
    const declared = new Request(url, { method: 'POST', body: bytes, headers: { 'content-type': 'application/json', 'content-length': String(bytes.length) } });
    const e1 = await importRequest(db, declared, { maxBytes: 1000 }).catch((e: unknown) => e);
    expect((e1 as ApiError).status).toBe(413);
    expect(declared.bodyUsed).toBe(false);
    const streamed = new Request(url, { method: 'POST', body: streamOf(chunks(bytes, 100)), duplex: 'half' } as RequestInit);
    const e2 = await importRequest(db, streamed, { maxBytes: 1000 }).catch((e: unknown) => e);
    expect((e2 as ApiError).status).toBe(413);
    expect((e2 as ApiError).message).toMatch(/MAX_IMPORT_BYTES/);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)]), 'x.json');
    const multipart = new Request(url, { method: 'POST', body: form });
    const body = streamOf(chunks(new Uint8Array(await multipart.arrayBuffer()), 100));
    const unsized = new Request(url, { method: 'POST', body, headers: { 'content-type': multipart.headers.get('content-type')! }, duplex: 'half' } as RequestInit);
    const e3 = await importRequest(db, unsized, { maxBytes: 1000 }).catch((e: unknown) => e);
    expect((e3 as ApiError).status).toBe(413);
  });

  it('a form without a file, an empty body, or another content type → 4xx', async () => {
    const form = new FormData();
    form.append('other', 'x');
    const codes = await Promise.all(
      [
        new Request(url, { method: 'POST', body: form }),
        new Request(url, { method: 'POST' }),
        new Request(url, { method: 'POST', body: '<x/>', headers: { 'content-type': 'text/html' } }),
      ].map((r) => importRequest(db, r, options).then(() => 200, (e: ApiError) => e.status)),
    );
    expect(codes).toEqual([400, 400, 415]);
  });
});

describe('guardUnproxiedWrite (the proxy’s checks, for the route the proxy skips)', () => {
  const request = (headers: Record<string, string>) => new Request('http://127.0.0.1:3000/api/import', { method: 'POST', headers });

  it('refuses a cross-site write (403) and passes a same-origin one or a script', () => {
    expect(() => guardUnproxiedWrite(request({ host: '127.0.0.1:3000', origin: 'https://evil.example' }), {})).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    expect(() => guardUnproxiedWrite(request({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' }), {})).not.toThrow();
    expect(() => guardUnproxiedWrite(request({ host: '127.0.0.1:3000' }), {})).not.toThrow();
  });

  it('with APP_PASSWORD: no or a forged session → 401; a signed session passes', () => {
    const config = { APP_PASSWORD: 'correct horse battery' };
    expect(() => guardUnproxiedWrite(request({}), config)).toThrow(expect.objectContaining({ status: 401 }));
    expect(() => guardUnproxiedWrite(request({ cookie: `${SESSION_COOKIE}=v1.9999999999.abc.forged` }), config)).toThrow(
      expect.objectContaining({ status: 401 }),
    );
    const token = createSessionToken(sessionKey(config.APP_PASSWORD));
    expect(() => guardUnproxiedWrite(request({ cookie: `theme=dark; ${SESSION_COOKIE}=${token}` }), config)).not.toThrow();
  });
});

describe('config', () => {
  it('MAX_IMPORT_BYTES defaults to 1 GB and is validated', () => {
    expect(parseConfig({}).MAX_IMPORT_BYTES).toBe(1_000_000_000);
    expect(parseConfig({ MAX_IMPORT_BYTES: '5000000' }).MAX_IMPORT_BYTES).toBe(5_000_000);
    expect(() => parseConfig({ MAX_IMPORT_BYTES: 'lots' })).toThrow(/MAX_IMPORT_BYTES/);
  });
});

function zip(files: Record<string, Buffer>): Promise<Buffer> {
  const archive = new yazl.ZipFile();
  for (const [name, data] of Object.entries(files)) archive.addBuffer(data, name);
  archive.end();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    archive.outputStream.on('data', (d: Buffer) => parts.push(d));
    archive.outputStream.on('end', () => resolve(Buffer.concat(parts)));
    archive.outputStream.on('error', reject);
  });
}
