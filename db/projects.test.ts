import { beforeEach, describe, expect, it } from 'vitest';
import type { DB } from './client';
import { getConversation, updateConversation } from './conversations';
import { addProjectFile, getFileMetas, listProjectFiles, storeFile } from './files';
import { beginTurn } from './messages';
import {
  countProjectConversations,
  createProject,
  deleteProject,
  getProject,
  listProjectConversations,
  listProjects,
  moveConversation,
  touchProject,
  updateProject,
} from './projects';
import { insertConversation, openTestDb } from '@/lib/testing/test-db';

let db: DB;
beforeEach(async () => {
  db = await openTestDb();
});

const T0 = 1_700_000_000_000;

function file(id: string) {
  return storeFile(db, { id, kind: 'text', mediaType: 'text/plain', sizeBytes: 10, text: `text of ${id}`, tokens: 3 }, T0);
}

async function inProject(id: string, projectId: string, updatedAt: number) {
  await insertConversation(db, { id, updatedAt });
  await moveConversation(db, id, projectId);
}

describe('createProject / getProject', () => {
  it('stores a project with empty instructions by default', async () => {
    const row = await createProject(db, { id: 'p1', name: 'Thesis' }, T0);
    expect(row).toEqual({ id: 'p1', name: 'Thesis', instructions: '', createdAt: T0, updatedAt: T0 });
    expect(await getProject(db, 'p1')).toEqual(row);
    expect(await getProject(db, 'nope')).toBeUndefined();
  });
});

describe('listProjects', () => {
  it('lists the most recently changed first, each with its number of conversations', async () => {
    await createProject(db, { id: 'a', name: 'A' }, T0);
    await createProject(db, { id: 'b', name: 'B' }, T0 + 1);
    await createProject(db, { id: 'c', name: 'C' }, T0 + 2);
    await inProject('c1', 'a', T0);
    await inProject('c2', 'a', T0);
    await inProject('c3', 'c', T0);
    await insertConversation(db, { id: 'loose', updatedAt: T0 });
    await touchProject(db, 'a', T0 + 10);

    expect(await listProjects(db)).toEqual([
      { id: 'a', name: 'A', createdAt: T0, updatedAt: T0 + 10, conversationCount: 2 },
      { id: 'c', name: 'C', createdAt: T0 + 2, updatedAt: T0 + 2, conversationCount: 1 },
      { id: 'b', name: 'B', createdAt: T0 + 1, updatedAt: T0 + 1, conversationCount: 0 },
    ]);
    expect((await listProjects(db, 1)).map((p) => p.id)).toEqual(['a']);
    expect(await countProjectConversations(db, 'a')).toBe(2);
    expect(await countProjectConversations(db, 'b')).toBe(0);
  });

  it('is empty without projects', async () => {
    expect(await listProjects(db)).toEqual([]);
  });
});

describe('updateProject', () => {
  it('changes only what is given and moves updatedAt', async () => {
    await createProject(db, { id: 'p', name: 'Old', instructions: 'Be brief.' }, T0);
    expect(await updateProject(db, 'p', { name: 'New' }, T0 + 5)).toMatchObject({ name: 'New', instructions: 'Be brief.', updatedAt: T0 + 5 });
    expect(await updateProject(db, 'p', { instructions: '' }, T0 + 6)).toMatchObject({ name: 'New', instructions: '', updatedAt: T0 + 6 });
    expect(await updateProject(db, 'missing', { name: 'x' }, T0)).toBeUndefined();
  });
});

describe('listProjectConversations', () => {
  it('lists only the project’s chats, newest first, up to the limit', async () => {
    await createProject(db, { id: 'p', name: 'P' }, T0);
    await createProject(db, { id: 'q', name: 'Q' }, T0);
    await inProject('old', 'p', T0);
    await inProject('new', 'p', T0 + 20);
    await inProject('mid', 'p', T0 + 10);
    await inProject('other', 'q', T0 + 30);
    await insertConversation(db, { id: 'loose', title: 'Loose', updatedAt: T0 + 40 });

    expect(await listProjectConversations(db, 'p')).toEqual([
      { id: 'new', title: 'Chat new', updatedAt: T0 + 20 },
      { id: 'mid', title: 'Chat mid', updatedAt: T0 + 10 },
      { id: 'old', title: 'Chat old', updatedAt: T0 },
    ]);
    expect((await listProjectConversations(db, 'p', 2)).map((c) => c.id)).toEqual(['new', 'mid']);
    expect(await listProjectConversations(db, 'missing')).toEqual([]);
  });
});

describe('moveConversation', () => {
  it('moves a chat into a project and out again, leaving its updatedAt alone', async () => {
    await createProject(db, { id: 'p', name: 'P' }, T0);
    await insertConversation(db, { id: 'c', updatedAt: T0 });
    expect(await moveConversation(db, 'c', 'p')).toBe(true);
    expect(await getConversation(db, 'c')).toMatchObject({ projectId: 'p', updatedAt: T0 });
    expect(await moveConversation(db, 'c', null)).toBe(true);
    expect((await getConversation(db, 'c'))!.projectId).toBeNull();
    expect(await moveConversation(db, 'missing', 'p')).toBe(false);
  });

  it('refuses a project that does not exist (foreign key)', async () => {
    await insertConversation(db, { id: 'c', updatedAt: T0 });
    const error: unknown = await moveConversation(db, 'c', 'nope').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    // drizzle wraps PostgreSQL's error ("Failed query: …") with the driver's as `cause`.
    const messages: string[] = [];
    for (let e: unknown = error; e instanceof Error; e = e.cause) messages.push(e.message);
    expect(messages.join('\n')).toMatch(/FOREIGN KEY constraint failed|violates foreign key constraint/);
  });

  it('updateConversation sets the project too', async () => {
    await createProject(db, { id: 'p', name: 'P' }, T0);
    await insertConversation(db, { id: 'c', updatedAt: T0 });
    expect(await updateConversation(db, 'c', { projectId: 'p' })).toMatchObject({ projectId: 'p' });
    expect(await updateConversation(db, 'c', { projectId: null })).toMatchObject({ projectId: null });
  });
});

describe('deleteProject', () => {
  it('keeps its conversations, out of any project', async () => {
    await createProject(db, { id: 'p', name: 'P' }, T0);
    await inProject('c', 'p', T0);
    expect(await deleteProject(db, 'p')).toBe(true);
    expect(await getProject(db, 'p')).toBeUndefined();
    expect(await getConversation(db, 'c')).toMatchObject({ id: 'c', projectId: null });
    expect(await deleteProject(db, 'p')).toBe(false);
  });

  it('deletes its files unless a message or another project still has them', async () => {
    await createProject(db, { id: 'p', name: 'P' }, T0);
    await createProject(db, { id: 'q', name: 'Q' }, T0);
    for (const id of ['only', 'shared', 'sent']) await file(id.padEnd(64, '0'));
    const [only, shared, sent] = ['only', 'shared', 'sent'].map((id) => id.padEnd(64, '0')) as [string, string, string];
    await addProjectFile(db, 'p', { fileId: only, name: 'only.txt' });
    await addProjectFile(db, 'p', { fileId: shared, name: 'shared.txt' });
    await addProjectFile(db, 'p', { fileId: sent, name: 'sent.txt' });
    await addProjectFile(db, 'q', { fileId: shared, name: 'shared.txt' });
    await beginTurn(db, {
      conversationId: 'c',
      title: 'c',
      user: { id: 'u1', content: 'see', attachments: [{ fileId: sent, name: 'sent.txt' }] },
      assistantId: 'a1',
      model: 'm',
      now: T0,
    });

    await deleteProject(db, 'p');
    const left = await getFileMetas(db, [only, shared, sent]);
    expect([...left.keys()].sort()).toEqual([sent, shared].sort());
    expect((await listProjectFiles(db, 'q')).map((f) => f.id)).toEqual([shared]);

    // The last reference going lets the file go.
    await deleteProject(db, 'q');
    expect((await getFileMetas(db, [shared])).size).toBe(0);
  });
});
