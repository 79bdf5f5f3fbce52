import { count } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { openTestDb } from '@/lib/testing/test-db';
import type { DB } from './client';
import { deleteConversation } from './conversations';
import {
  addProjectFile,
  conversationFileIds,
  deleteUnreferencedFiles,
  getFileMetas,
  getMessageAttachments,
  listProjectFiles,
  removeProjectFile,
  storeFile,
} from './files';
import { beginTurn, getPromptPath } from './messages';
import { files, messages, projects } from './schema';

const T0 = 1_700_000_000_000;
const file = (ch: string, text = `text of ${ch}`) => ({ id: ch.repeat(64), kind: 'text' as const, mediaType: 'text/plain', sizeBytes: text.length, text, tokens: 5 });

let db: DB;
beforeEach(async () => {
  db = await openTestDb();
});

function sendWith(conversationId: string, messageId: string, attachments: { fileId: string; name: string }[]) {
  return beginTurn(db, {
    conversationId,
    title: 't',
    user: { id: messageId, content: 'see files', attachments },
    assistantId: `${messageId}-reply`,
    model: 'm',
    now: T0,
  });
}

describe('files', () => {
  it('stores the same content once, whatever it is called', async () => {
    await storeFile(db, file('a'), T0);
    await storeFile(db, file('a'), T0 + 5);
    await sendWith('c1', 'u1', [
      { fileId: 'a'.repeat(64), name: 'one.txt' },
      { fileId: 'a'.repeat(64), name: 'copy of one.txt' },
    ]);
    expect(await db.select({ n: count() }).from(files)).toEqual([{ n: 1 }]);
    expect((await getMessageAttachments(db, ['u1'])).get('u1')!.map((a) => a.name)).toEqual(['one.txt', 'copy of one.txt']);
  });

  it('marks the messages that have files in the prompt path', async () => {
    await storeFile(db, file('a'), T0);
    const begun = await sendWith('c1', 'u1', [{ fileId: 'a'.repeat(64), name: 'a.txt' }]);
    expect(begun.history).toEqual([{ id: 'u1', role: 'user', content: 'see files', hasFiles: 1 }]);
    expect((await getPromptPath(db, 'u1'))[0]!.hasFiles).toBe(1);
  });

  it('refuses a message naming a file that was never uploaded, storing nothing', async () => {
    await expect(sendWith('c1', 'u1', [{ fileId: 'f'.repeat(64), name: 'ghost.txt' }])).rejects.toThrow();
    expect(await db.select({ n: count() }).from(messages)).toEqual([{ n: 0 }]);
  });

  it('goes with its conversation, unless another conversation or a project still has it', async () => {
    await storeFile(db, file('a'), T0);
    await storeFile(db, file('b'), T0);
    await storeFile(db, file('c'), T0);
    await sendWith('c1', 'u1', [
      { fileId: 'a'.repeat(64), name: 'a' },
      { fileId: 'b'.repeat(64), name: 'b' },
      { fileId: 'c'.repeat(64), name: 'c' },
    ]);
    await sendWith('c2', 'u2', [{ fileId: 'b'.repeat(64), name: 'b' }]);
    await db.insert(projects).values({ id: 'p1', name: 'P', createdAt: T0, updatedAt: T0 });
    await addProjectFile(db, 'p1', { fileId: 'c'.repeat(64), name: 'c' });

    const ids = await conversationFileIds(db, 'c1');
    expect(ids.sort()).toEqual(['a', 'b', 'c'].map((ch) => ch.repeat(64)));
    await deleteConversation(db, 'c1');
    expect(await deleteUnreferencedFiles(db, { ids })).toBe(1);
    expect([...(await getFileMetas(db, ids)).keys()].sort()).toEqual(['b'.repeat(64), 'c'.repeat(64)]);

    await removeProjectFile(db, 'p1', 'c'.repeat(64));
    expect((await getFileMetas(db, ['c'.repeat(64)])).size).toBe(0);
  });

  it('lets go of uploads never sent once they are old, not fresh ones', async () => {
    await storeFile(db, file('a'), T0);
    await storeFile(db, file('b'), T0 + 10_000);
    expect(await deleteUnreferencedFiles(db, { uploadedBefore: T0 + 1 })).toBe(1);
    expect((await getFileMetas(db, ['a'.repeat(64), 'b'.repeat(64)])).size).toBe(1);
  });

  it('keeps a project’s files in the order they were added, each once', async () => {
    for (const ch of ['a', 'b']) await storeFile(db, file(ch), T0);
    await db.insert(projects).values({ id: 'p1', name: 'P', createdAt: T0, updatedAt: T0 });
    expect(await addProjectFile(db, 'p1', { fileId: 'b'.repeat(64), name: 'second' })).toBe(true);
    expect(await addProjectFile(db, 'p1', { fileId: 'a'.repeat(64), name: 'first' })).toBe(true);
    expect(await addProjectFile(db, 'p1', { fileId: 'a'.repeat(64), name: 'again' })).toBe(false);
    expect((await listProjectFiles(db, 'p1')).map((f) => f.name)).toEqual(['second', 'first']);
  });
});
