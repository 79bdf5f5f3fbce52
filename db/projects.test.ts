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
beforeEach(() => {
  db = openTestDb();
});

const T0 = 1_700_000_000_000;

function file(id: string) {
  return storeFile(db, { id, kind: 'text', mediaType: 'text/plain', sizeBytes: 10, text: `text of ${id}`, tokens: 3 }, T0);
}

function inProject(id: string, projectId: string, updatedAt: number) {
  insertConversation(db, { id, updatedAt });
  moveConversation(db, id, projectId);
}

describe('createProject / getProject', () => {
  it('stores a project with empty instructions by default', () => {
    const row = createProject(db, { id: 'p1', name: 'Thesis' }, T0);
    expect(row).toEqual({ id: 'p1', name: 'Thesis', instructions: '', createdAt: T0, updatedAt: T0 });
    expect(getProject(db, 'p1')).toEqual(row);
    expect(getProject(db, 'nope')).toBeUndefined();
  });
});

describe('listProjects', () => {
  it('lists the most recently changed first, each with its number of conversations', () => {
    createProject(db, { id: 'a', name: 'A' }, T0);
    createProject(db, { id: 'b', name: 'B' }, T0 + 1);
    createProject(db, { id: 'c', name: 'C' }, T0 + 2);
    inProject('c1', 'a', T0);
    inProject('c2', 'a', T0);
    inProject('c3', 'c', T0);
    insertConversation(db, { id: 'loose', updatedAt: T0 });
    touchProject(db, 'a', T0 + 10);

    expect(listProjects(db)).toEqual([
      { id: 'a', name: 'A', createdAt: T0, updatedAt: T0 + 10, conversationCount: 2 },
      { id: 'c', name: 'C', createdAt: T0 + 2, updatedAt: T0 + 2, conversationCount: 1 },
      { id: 'b', name: 'B', createdAt: T0 + 1, updatedAt: T0 + 1, conversationCount: 0 },
    ]);
    expect(listProjects(db, 1).map((p) => p.id)).toEqual(['a']);
    expect(countProjectConversations(db, 'a')).toBe(2);
    expect(countProjectConversations(db, 'b')).toBe(0);
  });

  it('is empty without projects', () => {
    expect(listProjects(db)).toEqual([]);
  });
});

describe('updateProject', () => {
  it('changes only what is given and moves updatedAt', () => {
    createProject(db, { id: 'p', name: 'Old', instructions: 'Be brief.' }, T0);
    expect(updateProject(db, 'p', { name: 'New' }, T0 + 5)).toMatchObject({ name: 'New', instructions: 'Be brief.', updatedAt: T0 + 5 });
    expect(updateProject(db, 'p', { instructions: '' }, T0 + 6)).toMatchObject({ name: 'New', instructions: '', updatedAt: T0 + 6 });
    expect(updateProject(db, 'missing', { name: 'x' }, T0)).toBeUndefined();
  });
});

describe('listProjectConversations', () => {
  it('lists only the project’s chats, newest first, up to the limit', () => {
    createProject(db, { id: 'p', name: 'P' }, T0);
    createProject(db, { id: 'q', name: 'Q' }, T0);
    inProject('old', 'p', T0);
    inProject('new', 'p', T0 + 20);
    inProject('mid', 'p', T0 + 10);
    inProject('other', 'q', T0 + 30);
    insertConversation(db, { id: 'loose', title: 'Loose', updatedAt: T0 + 40 });

    expect(listProjectConversations(db, 'p')).toEqual([
      { id: 'new', title: 'Chat new', updatedAt: T0 + 20 },
      { id: 'mid', title: 'Chat mid', updatedAt: T0 + 10 },
      { id: 'old', title: 'Chat old', updatedAt: T0 },
    ]);
    expect(listProjectConversations(db, 'p', 2).map((c) => c.id)).toEqual(['new', 'mid']);
    expect(listProjectConversations(db, 'missing')).toEqual([]);
  });
});

describe('moveConversation', () => {
  it('moves a chat into a project and out again, leaving its updatedAt alone', () => {
    createProject(db, { id: 'p', name: 'P' }, T0);
    insertConversation(db, { id: 'c', updatedAt: T0 });
    expect(moveConversation(db, 'c', 'p')).toBe(true);
    expect(getConversation(db, 'c')).toMatchObject({ projectId: 'p', updatedAt: T0 });
    expect(moveConversation(db, 'c', null)).toBe(true);
    expect(getConversation(db, 'c')!.projectId).toBeNull();
    expect(moveConversation(db, 'missing', 'p')).toBe(false);
  });

  it('refuses a project that does not exist (foreign key)', () => {
    insertConversation(db, { id: 'c', updatedAt: T0 });
    expect(() => moveConversation(db, 'c', 'nope')).toThrow(/FOREIGN KEY/);
  });

  it('updateConversation sets the project too', () => {
    createProject(db, { id: 'p', name: 'P' }, T0);
    insertConversation(db, { id: 'c', updatedAt: T0 });
    expect(updateConversation(db, 'c', { projectId: 'p' })).toMatchObject({ projectId: 'p' });
    expect(updateConversation(db, 'c', { projectId: null })).toMatchObject({ projectId: null });
  });
});

describe('deleteProject', () => {
  it('keeps its conversations, out of any project', () => {
    createProject(db, { id: 'p', name: 'P' }, T0);
    inProject('c', 'p', T0);
    expect(deleteProject(db, 'p')).toBe(true);
    expect(getProject(db, 'p')).toBeUndefined();
    expect(getConversation(db, 'c')).toMatchObject({ id: 'c', projectId: null });
    expect(deleteProject(db, 'p')).toBe(false);
  });

  it('deletes its files unless a message or another project still has them', () => {
    createProject(db, { id: 'p', name: 'P' }, T0);
    createProject(db, { id: 'q', name: 'Q' }, T0);
    for (const id of ['only', 'shared', 'sent']) file(id.padEnd(64, '0'));
    const [only, shared, sent] = ['only', 'shared', 'sent'].map((id) => id.padEnd(64, '0')) as [string, string, string];
    addProjectFile(db, 'p', { fileId: only, name: 'only.txt' });
    addProjectFile(db, 'p', { fileId: shared, name: 'shared.txt' });
    addProjectFile(db, 'p', { fileId: sent, name: 'sent.txt' });
    addProjectFile(db, 'q', { fileId: shared, name: 'shared.txt' });
    beginTurn(db, {
      conversationId: 'c',
      title: 'c',
      user: { id: 'u1', content: 'see', attachments: [{ fileId: sent, name: 'sent.txt' }] },
      assistantId: 'a1',
      model: 'm',
      now: T0,
    });

    deleteProject(db, 'p');
    const left = getFileMetas(db, [only, shared, sent]);
    expect([...left.keys()].sort()).toEqual([sent, shared].sort());
    expect(listProjectFiles(db, 'q').map((f) => f.id)).toEqual([shared]);

    // The last reference going lets the file go.
    deleteProject(db, 'q');
    expect(getFileMetas(db, [shared]).size).toBe(0);
  });
});
